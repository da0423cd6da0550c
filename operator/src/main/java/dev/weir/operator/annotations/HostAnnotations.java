package dev.weir.operator.annotations;

import java.util.Optional;

/**
 * What an Ingress's annotations set for each host of its rules.
 *
 * @param sslPassthrough {@code ssl-passthrough}: TLS for the host is relayed untouched to the
 *     backend; every other annotation of the Ingress is then ignored
 * @param clientAuth the {@code auth-tls-*} settings, present when {@code auth-tls-secret} is set
 * @param hsts Weir's {@code weir.dev/hsts*} annotations, over the controller's HSTS settings
 */
public record HostAnnotations(
    boolean sslPassthrough, Optional<ClientAuthAnnotations> clientAuth, HstsAnnotations hsts) {
  /** No host annotation set. */
  public static final HostAnnotations NONE =
      new HostAnnotations(false, Optional.empty(), HstsAnnotations.NONE);
}
