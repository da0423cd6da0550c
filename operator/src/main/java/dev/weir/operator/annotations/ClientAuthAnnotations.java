package dev.weir.operator.annotations;

import dev.weir.contract.snapshot.ClientVerify;
import java.util.Optional;

/**
 * The {@code auth-tls-*} annotations: client-certificate authentication of a host.
 *
 * @param caSecret {@code auth-tls-secret}: the Secret whose {@code ca.crt} client certificates must
 *     chain to; empty when the reference was refused (see {@link #failsClosed()})
 * @param verify {@code auth-tls-verify-client}; on by default
 * @param verifyDepth {@code auth-tls-verify-depth}; 1 by default
 * @param passCertificateToUpstream {@code auth-tls-pass-certificate-to-upstream}
 */
public record ClientAuthAnnotations(
    Optional<SecretRef> caSecret,
    ClientVerify verify,
    int verifyDepth,
    boolean passCertificateToUpstream) {
  /**
   * The Secret reference was refused (malformed, or in another namespace): the host must refuse
   * requests rather than serve them unauthenticated, as ingress-nginx denies the Ingress's paths.
   */
  public boolean failsClosed() {
    return caSecret.isEmpty();
  }
}
