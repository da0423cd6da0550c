package dev.weir.operator.annotations;

import java.util.Objects;
import java.util.Optional;

/**
 * What an Ingress's annotations set for each host of its rules.
 *
 * @param sslPassthrough {@code ssl-passthrough}: TLS for the host is relayed untouched to the
 *     backend; every other annotation of the Ingress is then ignored
 * @param clientAuth the {@code auth-tls-*} settings, present when {@code auth-tls-secret} is set
 * @param hsts Weir's {@code weir.dev/hsts*} annotations, over the controller's HSTS settings
 * @param names {@code server-alias} and {@code from-to-www-redirect}
 */
public record HostAnnotations(
    boolean sslPassthrough,
    Optional<ClientAuthAnnotations> clientAuth,
    HstsAnnotations hsts,
    HostNameAnnotations names) {
  /** No host annotation set. */
  public static final HostAnnotations NONE =
      new HostAnnotations(false, Optional.empty(), HstsAnnotations.NONE, HostNameAnnotations.NONE);

  public HostAnnotations {
    Objects.requireNonNull(names, "names");
  }

  /** Host settings without other names. */
  public HostAnnotations(
      boolean sslPassthrough, Optional<ClientAuthAnnotations> clientAuth, HstsAnnotations hsts) {
    this(sslPassthrough, clientAuth, hsts, HostNameAnnotations.NONE);
  }
}
