package dev.weir.dataplane.proxy.policy;

import dev.weir.contract.snapshot.HostRedirect;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * ingress-nginx's redirect server of {@code from-to-www-redirect}: every request of the host, on
 * either listener and whatever its path (ACME challenges included, as nginx's {@code return} runs
 * before any location), is answered with a redirect to the same request on the other host.
 *
 * <p>The {@code Location} is built as {@code ngx_srv_redirect.lua} builds it: {@code
 * scheme://host:port} and the request target with one trailing {@code /} left out, the port always
 * written. nginx writes {@code $server_port}, the port the connection arrived on, which in
 * ingress-nginx's own deployment is the one clients address (80, 443); Weir's listeners sit behind
 * a Service or a port mapping, so the port is the one the client addressed: its {@code Host}
 * header's, else the scheme's default. A request without a host (HTTP/1.0) has no authority to read
 * a port from and gets the default.
 */
public final class HostRedirectPolicy implements RequestPolicy {
  private final String host;
  private final HttpResponseStatus status;
  private final byte[] body;

  public HostRedirectPolicy(HostRedirect redirect) {
    this.host = redirect.host();
    this.status = HttpResponseStatus.valueOf(redirect.code());
    this.body = (status + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public LocalResponse apply(ProxiedRequest request) {
    boolean https = request.https();
    String port = port(request.host());
    HttpHeaders headers =
        new DefaultHttpHeaders()
            .set(
                HttpHeaderNames.LOCATION,
                (https ? "https://" : "http://")
                    + host
                    + ":"
                    + (port != null ? port : https ? "443" : "80")
                    + HttpsRedirect.withoutTrailingSlash(request.target()))
            .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    return LocalResponse.of(status, headers, body);
  }

  /** The port of a {@code Host} value ({@code a.com:8080}, {@code [::1]:8080}), or null. */
  static String port(String authority) {
    if (authority == null) {
      return null;
    }
    int colon = authority.lastIndexOf(':');
    if (colon < 0 || authority.indexOf(']', colon) >= 0 || colon == authority.length() - 1) {
      return null;
    }
    return authority.substring(colon + 1);
  }

  @Override
  public String toString() {
    return "HostRedirect[" + host + ", " + status.code() + "]";
  }
}
