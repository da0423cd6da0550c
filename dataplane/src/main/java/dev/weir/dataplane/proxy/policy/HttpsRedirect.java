package dev.weir.dataplane.proxy.policy;

import dev.weir.contract.host.HostName;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * ingress-nginx's {@code ssl-redirect}: a plain-HTTP request gets a 308 to the same URL on https,
 * path and query as sent, so that a POST is repeated as a POST; with {@code dropTrailingSlash}
 * (ingress-nginx's default, {@code preserve-trailing-slash: "false"}) one {@code /} ending the
 * target is left out, as {@code lua_ingress.lua} does to {@code $request_uri}: {@code /} becomes
 * nothing, {@code /docs/} {@code /docs}, and {@code /a?b=/} {@code /a?b=}. ACME HTTP-01 challenges
 * are proxied, never redirected: cert-manager's solver must answer them over plain HTTP before the
 * host has a certificate. A request without a host (HTTP/1.0) has no URL to redirect to and is
 * proxied.
 */
public final class HttpsRedirect implements RequestPolicy {
  public static final String ACME_CHALLENGE = "/.well-known/acme-challenge/";
  private static final byte[] BODY = "308 Permanent Redirect\n".getBytes(StandardCharsets.US_ASCII);

  // ":8443", or empty for 443, the default port of https URLs.
  private final String port;
  private final boolean dropTrailingSlash;

  /** A redirect that keeps the target as sent. */
  public HttpsRedirect(int httpsPort) {
    this(httpsPort, false);
  }

  /**
   * @param httpsPort the port clients reach Weir's HTTPS listener on (a Service's port, not
   *     necessarily the one the data plane binds)
   * @param dropTrailingSlash leave out one {@code /} ending the target
   */
  public HttpsRedirect(int httpsPort, boolean dropTrailingSlash) {
    this.port = httpsPort == 443 ? "" : ":" + httpsPort;
    this.dropTrailingSlash = dropTrailingSlash;
  }

  @Override
  public LocalResponse apply(ProxiedRequest request) {
    String host = request.host();
    if (request.https() || host == null || request.path().startsWith(ACME_CHALLENGE)) {
      return null;
    }
    HttpHeaders headers =
        new DefaultHttpHeaders()
            .set(
                HttpHeaderNames.LOCATION,
                "https://"
                    + HostName.ofAuthority(host)
                    + port
                    + (dropTrailingSlash
                        ? withoutTrailingSlash(request.target())
                        : request.target()))
            .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    return LocalResponse.of(HttpResponseStatus.PERMANENT_REDIRECT, headers, BODY);
  }

  /** {@code target} without one {@code /} at its very end, as nginx's Lua cuts it. */
  static String withoutTrailingSlash(String target) {
    return target.endsWith("/") ? target.substring(0, target.length() - 1) : target;
  }

  @Override
  public String toString() {
    return "HttpsRedirect[port="
        + (port.isEmpty() ? "443" : port.substring(1))
        + (dropTrailingSlash ? "" : ", keepTrailingSlash")
        + "]";
  }
}
