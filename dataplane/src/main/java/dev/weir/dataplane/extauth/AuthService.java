package dev.weir.dataplane.extauth;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where one sub-request goes: an http or https URL taken apart.
 *
 * @param host the URL's host, without brackets for IPv6; also the sub-request's Host header
 * @param pathAndQuery the request-target, at least {@code /}
 */
record AuthService(boolean tls, String host, int port, String pathAndQuery) {
  /**
   * @throws IllegalArgumentException when {@code url} is not an http or https URL with a host
   */
  static AuthService parse(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URL: " + e.getReason(), e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      throw new IllegalArgumentException("not an http or https URL with a host");
    }
    boolean tls = scheme.equals("https");
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String query = uri.getRawQuery();
    return new AuthService(
        tls,
        host.toLowerCase(Locale.ROOT),
        uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80,
        query == null ? path : path + "?" + query);
  }

  /** Connections are pooled by this: scheme, host and port. */
  AuthEndpoint endpoint() {
    return new AuthEndpoint(tls, host, port);
  }

  /** What auth connections are pooled by. */
  record AuthEndpoint(boolean tls, String host, int port) {}
}
