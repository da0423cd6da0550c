package dev.weir.contract.snapshot;

import java.util.List;
import java.util.Objects;

/**
 * Cross-origin resource sharing of a route (ingress-nginx's {@code enable-cors} and {@code
 * cors-*}): preflights ({@code OPTIONS}) from an allowed origin are answered by Weir with 204 and
 * never proxied; other requests from an allowed origin get the CORS headers on their response.
 * Absent components take ingress-nginx's defaults.
 *
 * @param allowOrigins {@code *}, {@code null}, or origins {@code scheme://host[:port]} whose host
 *     may start with {@code *.} (one label); absent: {@code *}
 * @param allowMethods the {@code Access-Control-Allow-Methods} value
 * @param allowHeaders the {@code Access-Control-Allow-Headers} value
 * @param exposeHeaders the {@code Access-Control-Expose-Headers} value; absent: none sent
 * @param allowCredentials {@code Access-Control-Allow-Credentials: true}; absent: true
 * @param maxAgeSeconds the {@code Access-Control-Max-Age} value; absent: 1728000
 */
public record Cors(
    List<String> allowOrigins,
    String allowMethods,
    String allowHeaders,
    String exposeHeaders,
    Boolean allowCredentials,
    Integer maxAgeSeconds) {
  public static final String DEFAULT_METHODS = "GET, PUT, POST, DELETE, PATCH, OPTIONS";
  public static final String DEFAULT_HEADERS =
      "DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,"
          + "Range,Authorization";
  public static final int DEFAULT_MAX_AGE_SECONDS = 1728000;

  /** ingress-nginx's CORS with every default: any origin. */
  public static final Cors DEFAULTS = new Cors(null, null, null, null, null, null);

  public Cors {
    allowOrigins = allowOrigins == null || allowOrigins.isEmpty() ? List.of("*") : allowOrigins;
    allowOrigins = List.copyOf(allowOrigins);
    allowMethods = Objects.requireNonNullElse(allowMethods, DEFAULT_METHODS);
    allowHeaders = Objects.requireNonNullElse(allowHeaders, DEFAULT_HEADERS);
    allowCredentials = !Boolean.FALSE.equals(allowCredentials);
    maxAgeSeconds = Objects.requireNonNullElse(maxAgeSeconds, DEFAULT_MAX_AGE_SECONDS);
  }
}
