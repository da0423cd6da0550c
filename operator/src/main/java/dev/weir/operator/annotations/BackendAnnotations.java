package dev.weir.operator.annotations;

import dev.weir.contract.snapshot.HashKey;
import dev.weir.contract.snapshot.UpstreamProtocol;
import java.util.Optional;

/**
 * What an Ingress's annotations set for the backends (Service ports) its paths route to.
 *
 * @param protocol {@code backend-protocol}; HTTP by default
 * @param tls the {@code proxy-ssl-*} settings, present when the protocol uses TLS and {@code
 *     proxy-ssl-secret} is set; empty: re-encryption without verification, as in ingress-nginx
 * @param loadBalance {@code load-balance}; round robin by default
 * @param hashBy {@code upstream-hash-by}: consistent hashing on this key instead of {@code
 *     loadBalance}
 */
public record BackendAnnotations(
    UpstreamProtocol protocol,
    Optional<UpstreamTlsAnnotations> tls,
    BalanceAlgorithm loadBalance,
    Optional<HashKey> hashBy) {
  /** No backend annotation set. */
  public static final BackendAnnotations NONE =
      new BackendAnnotations(
          UpstreamProtocol.HTTP, Optional.empty(), BalanceAlgorithm.ROUND_ROBIN, Optional.empty());
}
