package dev.weir.dataplane.routing;

/**
 * What compiling a route needs to know about the data plane itself, beyond the snapshot.
 *
 * @param httpsRedirectPort the port of https URLs Weir redirects plain HTTP to (443 is left out of
 *     the URL): the port clients reach the HTTPS listener on, which behind a Service or a port
 *     mapping is not the one the data plane binds
 */
public record RouteOptions(int httpsRedirectPort) {
  public static final RouteOptions DEFAULTS = new RouteOptions(443);

  public RouteOptions {
    if (httpsRedirectPort < 1 || httpsRedirectPort > 65535) {
      throw new IllegalArgumentException(
          "httpsRedirectPort must be in 1..65535, not " + httpsRedirectPort);
    }
  }
}
