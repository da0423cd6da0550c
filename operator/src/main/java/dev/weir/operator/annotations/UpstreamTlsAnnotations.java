package dev.weir.operator.annotations;

import java.util.Optional;

/**
 * The {@code proxy-ssl-*} annotations: how Weir's TLS connection to a backend's endpoints is
 * verified.
 *
 * @param secret {@code proxy-ssl-secret}: {@code ca.crt} to verify the endpoints with, optionally
 *     {@code tls.crt}/{@code tls.key} as a client certificate; empty when the reference was refused
 *     (see {@link #failsClosed()})
 * @param verify {@code proxy-ssl-verify: on}; off by default, as in ingress-nginx
 * @param verifyDepth {@code proxy-ssl-verify-depth}; 1 by default
 * @param serverName {@code proxy-ssl-name}: the name verified and sent as SNI instead of the host
 * @param sendServerName {@code proxy-ssl-server-name: on}: send SNI
 */
public record UpstreamTlsAnnotations(
    Optional<SecretRef> secret,
    boolean verify,
    int verifyDepth,
    Optional<String> serverName,
    boolean sendServerName) {
  /**
   * The Secret reference was refused (malformed, or in another namespace): every request to the
   * backend must fail rather than reach it unverified, as ingress-nginx denies the Ingress's paths.
   */
  public boolean failsClosed() {
    return secret.isEmpty();
  }
}
