package dev.weir.dataplane.proxy.policy;

import dev.weir.contract.snapshot.Cors;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.regex.Pattern;

/**
 * ingress-nginx's CORS (its template's {@code CORS} block): a request whose {@code Origin} matches
 * an allowed origin (case-insensitively; {@code *.} in an origin stands for one label) gets the
 * CORS headers with its origin echoed in {@code Access-Control-Allow-Origin}, replacing the
 * backend's; a preflight ({@code OPTIONS}) from such an origin is answered here with 204 and never
 * proxied. With the origin {@code *}, every request gets them, with {@code *} as the origin, as
 * ingress-nginx does. A request from another origin is proxied untouched.
 */
public final class CrossOriginSharing implements RequestPolicy {
  private final Cors cors;
  private final boolean anyOrigin;
  private final Pattern origins;
  private final LocalResponse anyOriginPreflight;
  private final ResponseHook anyOriginHook;

  public CrossOriginSharing(Cors cors) {
    this.cors = cors;
    this.anyOrigin = cors.allowOrigins().contains("*");
    this.origins = anyOrigin ? null : pattern(cors);
    this.anyOriginPreflight = anyOrigin ? preflight("*") : null;
    this.anyOriginHook = anyOrigin ? response -> setHeaders(response.headers(), "*") : null;
  }

  private static Pattern pattern(Cors cors) {
    StringBuilder regex = new StringBuilder();
    for (String origin : cors.allowOrigins()) {
      if (!regex.isEmpty()) {
        regex.append('|');
      }
      int star = origin.indexOf('*');
      if (star < 0) {
        regex.append(Pattern.quote(origin));
      } else {
        // As ingress-nginx's buildOriginRegex: only the first '*', one label of a host name.
        regex
            .append(Pattern.quote(origin.substring(0, star)))
            .append("[A-Za-z0-9-]+")
            .append(Pattern.quote(origin.substring(star + 1)));
      }
    }
    return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE);
  }

  @Override
  public LocalResponse apply(ProxiedRequest request) {
    String origin;
    if (anyOrigin) {
      origin = "*";
    } else {
      origin = request.headers().get(HttpHeaderNames.ORIGIN);
      if (origin == null || !origins.matcher(origin).matches()) {
        return null;
      }
    }
    if (HttpMethod.OPTIONS.equals(request.method())) {
      return anyOrigin ? anyOriginPreflight : preflight(origin);
    }
    String echoed = origin;
    request.onResponse(
        anyOrigin ? anyOriginHook : response -> setHeaders(response.headers(), echoed));
    return null;
  }

  private LocalResponse preflight(String origin) {
    HttpHeaders headers = new DefaultHttpHeaders();
    setHeaders(headers, origin);
    headers.set(HttpHeaderNames.CONTENT_TYPE, "text/plain charset=UTF-8");
    return LocalResponse.of(HttpResponseStatus.NO_CONTENT, headers, new byte[0]);
  }

  private void setHeaders(HttpHeaders headers, String origin) {
    headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    if (cors.allowCredentials()) {
      headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
    }
    headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, cors.allowMethods());
    headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, cors.allowHeaders());
    if (cors.exposeHeaders() != null) {
      headers.set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, cors.exposeHeaders());
    }
    headers.set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, cors.maxAgeSeconds().toString());
  }

  @Override
  public String toString() {
    return "CrossOriginSharing" + cors.allowOrigins();
  }
}
