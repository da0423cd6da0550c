package dev.weir.contract.snapshot;

import java.util.Objects;

/**
 * The second TLS connection of a re-encrypting backend (ingress-nginx's {@code proxy-ssl-*}).
 *
 * @param caCertificates PEM certificates of the CAs the endpoints' certificates must chain to;
 *     needed when {@code verify}
 * @param verify check the endpoint's certificate chain and name; absent: false, as in ingress-nginx
 *     (the operator reports an unverified upstream)
 * @param verifyDepth longest chain accepted below the CA; absent: 1
 * @param serverName the name the certificate is verified against and, with {@code sendServerName},
 *     sent as SNI; absent: the request's host
 * @param sendServerName send SNI ({@code proxy-ssl-server-name}); absent: false
 * @param clientCertificate id of a snapshot certificate presented to the endpoints; absent: none
 * @param unavailable the Secret the Ingress names is missing or unusable: fail closed, every
 *     request to the backend is answered 502
 */
public record UpstreamTls(
    String caCertificates,
    Boolean verify,
    Integer verifyDepth,
    String serverName,
    Boolean sendServerName,
    String clientCertificate,
    Boolean unavailable) {
  public static final int DEFAULT_VERIFY_DEPTH = 1;

  /** Re-encryption without verification, no SNI, no client certificate: ingress-nginx's default. */
  public static final UpstreamTls UNVERIFIED =
      new UpstreamTls(null, false, null, null, false, null, false);

  public UpstreamTls {
    verify = Boolean.TRUE.equals(verify);
    verifyDepth = Objects.requireNonNullElse(verifyDepth, DEFAULT_VERIFY_DEPTH);
    sendServerName = Boolean.TRUE.equals(sendServerName);
    unavailable = Boolean.TRUE.equals(unavailable);
  }

  /** Endpoints verified against {@code caCertificates} (PEM) and {@code serverName}. */
  public static UpstreamTls verified(String caCertificates, String serverName) {
    return new UpstreamTls(caCertificates, true, null, serverName, true, null, false);
  }

  /** Re-encryption whose Secret is unusable: the backend answers 502. */
  public static UpstreamTls failClosed() {
    return new UpstreamTls(null, true, null, null, false, null, true);
  }
}
