package dev.weir.contract.snapshot;

import java.util.Objects;

/**
 * Client-certificate authentication of a host (ingress-nginx's {@code auth-tls-*}). The TLS
 * handshake never fails for it: a missing or bad certificate is answered in HTTP (400), as nginx
 * does.
 *
 * @param caCertificates PEM certificates of the CAs client certificates must chain to; absent only
 *     with {@code unavailable}
 * @param verify absent: {@link ClientVerify#ON}
 * @param verifyDepth longest chain accepted below the CA (nginx's {@code ssl_verify_depth});
 *     absent: 1
 * @param passCertificateToUpstream send the client certificate to the backend in {@code
 *     ssl-client-cert} (URL-encoded PEM)
 * @param unavailable the CA Secret the Ingress names is missing or unusable: fail closed, every
 *     request of the host is answered 503
 */
public record ClientAuth(
    String caCertificates,
    ClientVerify verify,
    Integer verifyDepth,
    Boolean passCertificateToUpstream,
    Boolean unavailable) {
  public static final int DEFAULT_VERIFY_DEPTH = 1;

  public ClientAuth {
    verify = Objects.requireNonNullElse(verify, ClientVerify.ON);
    verifyDepth = Objects.requireNonNullElse(verifyDepth, DEFAULT_VERIFY_DEPTH);
    passCertificateToUpstream = Boolean.TRUE.equals(passCertificateToUpstream);
    unavailable = Boolean.TRUE.equals(unavailable);
  }

  /** Client certificates verified against {@code caCertificates} (PEM), required. */
  public static ClientAuth required(String caCertificates) {
    return new ClientAuth(caCertificates, ClientVerify.ON, null, null, null);
  }

  /** Authentication whose CA is unusable: the host refuses every request. */
  public static ClientAuth failClosed(ClientVerify verify) {
    return new ClientAuth(null, verify, null, null, true);
  }
}
