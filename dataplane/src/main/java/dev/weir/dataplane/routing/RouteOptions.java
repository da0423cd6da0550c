package dev.weir.dataplane.routing;

import dev.weir.contract.cli.OutlierSettings;
import dev.weir.dataplane.balance.OutlierDetection;
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
 * @param outliers the data plane's memory of failing endpoints, which outlives snapshots too
 * @param authClient sends external-auth sub-requests and keeps their connections across snapshots
 */
public record RouteOptions(
    int httpsRedirectPort,
    RateLimitZones rateLimits,
    OutlierDetection outliers,
    AuthClient authClient) {
  public static final RouteOptions DEFAULTS = new RouteOptions(443);

  /** Options with rate-limit zones and outlier detection of their own. */
  public RouteOptions(int httpsRedirectPort) {
    this(
        httpsRedirectPort,
        RateLimitZones.create(),
        OutlierDetection.create(OutlierSettings.DEFAULTS),
        AuthClient.create(Transport.of(Transport.Kind.NIO)));
  }

  /**
   * These options with another redirect port, the same zones, outlier detection and auth client.
   */
  public RouteOptions withHttpsRedirectPort(int port) {
    return new RouteOptions(port, rateLimits, outliers, authClient);
  }

  public RouteOptions {
    Objects.requireNonNull(rateLimits, "rateLimits");
    Objects.requireNonNull(outliers, "outliers");
    Objects.requireNonNull(authClient, "authClient");
    if (httpsRedirectPort < 1 || httpsRedirectPort > 65535) {
      throw new IllegalArgumentException(
          "httpsRedirectPort must be in 1..65535, not " + httpsRedirectPort);
    }
  }
}
