package dev.weir.dataplane.proxy.policy;

import dev.weir.contract.host.HostName;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * ingress-nginx's {@code ssl-redirect}: a plain-HTTP request gets a 308 to the same URL on https,
 * path and query exactly as sent, so that a POST is repeated as a POST. ACME HTTP-01 challenges are
 * proxied, never redirected: cert-manager's solver must answer them over plain HTTP before the host
 * has a certificate. A request without a host (HTTP/1.0) has no URL to redirect to and is proxied.
 */
public final class HttpsRedirect implements RequestPolicy {
  public static final String ACME_CHALLENGE = "/.well-known/acme-challenge/";
  private static final byte[] BODY = "308 Permanent Redirect\n".getBytes(StandardCharsets.US_ASCII);

  // ":8443", or empty for 443, the default port of https URLs.
  private final String port;

  /**
   * @param httpsPort the port clients reach Weir's HTTPS listener on (a Service's port, not
   *     necessarily the one the data plane binds)
   */
  public HttpsRedirect(int httpsPort) {
    this.port = httpsPort == 443 ? "" : ":" + httpsPort;
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
                "https://" + HostName.ofAuthority(host) + port + request.target())
            .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    return LocalResponse.of(HttpResponseStatus.PERMANENT_REDIRECT, headers, BODY);
  }

  @Override
  public String toString() {
    return "HttpsRedirect[port=" + (port.isEmpty() ? "443" : port.substring(1)) + "]";
  }
}
