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
 * @param serviceUpstream {@code service-upstream}: the Service's ClusterIP and port as the one
 *     endpoint (kube-proxy balances) instead of its EndpointSlices' endpoints
 */
public record BackendAnnotations(
    UpstreamProtocol protocol,
    Optional<UpstreamTlsAnnotations> tls,
    BalanceAlgorithm loadBalance,
    Optional<HashKey> hashBy,
    boolean serviceUpstream) {
  /** No backend annotation set. */
  public static final BackendAnnotations NONE =
      new BackendAnnotations(
          UpstreamProtocol.HTTP,
          Optional.empty(),
          BalanceAlgorithm.ROUND_ROBIN,
          Optional.empty(),
          false);

  /** Settings without {@code service-upstream}. */
  public BackendAnnotations(
      UpstreamProtocol protocol,
      Optional<UpstreamTlsAnnotations> tls,
      BalanceAlgorithm loadBalance,
      Optional<HashKey> hashBy) {
    this(protocol, tls, loadBalance, hashBy, false);
  }
}
