package dev.weir.dataplane.routing;

import dev.weir.dataplane.extauth.AuthClient;
import dev.weir.dataplane.proxy.upstream.Transport;
import dev.weir.dataplane.ratelimit.RateLimitZones;
import java.util.Objects;

/**
 * What compiling a route needs to know about the data plane itself, beyond the snapshot.
 *
 * @param httpsRedirectPort the port of https URLs Weir redirects plain HTTP to (443 is left out of
 *     the URL): the port clients reach the HTTPS listener on, which behind a Service or a port
 *     mapping is not the one the data plane binds
 * @param rateLimits the data plane's rate-limit zones, which outlive snapshots
 * @param authClient sends external-auth sub-requests and keeps their connections across snapshots
 */
public record RouteOptions(
    int httpsRedirectPort, RateLimitZones rateLimits, AuthClient authClient) {
  public static final RouteOptions DEFAULTS = new RouteOptions(443);

  /** Options with rate-limit zones of their own. */
  public RouteOptions(int httpsRedirectPort) {
    this(httpsRedirectPort, RateLimitZones.create(), AuthClient.create(Transport.nio()));
  }

  /** These options with another redirect port, the same zones and auth client. */
  public RouteOptions withHttpsRedirectPort(int port) {
    return new RouteOptions(port, rateLimits, authClient);
  }

  public RouteOptions {
    Objects.requireNonNull(rateLimits, "rateLimits");
    Objects.requireNonNull(authClient, "authClient");
    if (httpsRedirectPort < 1 || httpsRedirectPort > 65535) {
      throw new IllegalArgumentException(
          "httpsRedirectPort must be in 1..65535, not " + httpsRedirectPort);
    }
  }
}
