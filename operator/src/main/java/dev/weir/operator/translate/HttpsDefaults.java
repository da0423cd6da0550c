package dev.weir.operator.translate;

import dev.weir.contract.snapshot.Hsts;
import java.util.Objects;
import java.util.Optional;

/**
 * The controller's defaults for what a host with TLS does about plain HTTP, from the operator's
 * options (ingress-nginx has them in its ConfigMap); annotations override them per path ({@code
 * ssl-redirect}) and per host ({@code weir.dev/hsts*}).
 *
 * @param sslRedirect a path of a host with TLS redirects plain HTTP to HTTPS unless its Ingress
 *     sets {@code ssl-redirect: "false"} (ingress-nginx's {@code ssl-redirect}, on by default)
 * @param hsts the Strict-Transport-Security of hosts with TLS; empty: none unless a host's {@code
 *     weir.dev/hsts} turns it on
 */
public record HttpsDefaults(boolean sslRedirect, Optional<Hsts> hsts) {
  /** ingress-nginx's defaults: redirect, and HSTS for a year with subdomains, no preload. */
  public static final HttpsDefaults DEFAULTS = new HttpsDefaults(true, Optional.of(Hsts.DEFAULT));

  public HttpsDefaults {
    Objects.requireNonNull(hsts, "hsts");
  }
}
