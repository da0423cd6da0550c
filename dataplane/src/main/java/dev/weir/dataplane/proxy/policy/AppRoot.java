package dev.weir.dataplane.proxy.policy;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * ingress-nginx's {@code app-root}: a request for {@code /} (query or not) gets a 302 to the
 * application's root on the same scheme and host ({@code return 302 $scheme://$http_host/root});
 * every other path is proxied.
 */
public final class AppRoot implements RequestPolicy {
  private final String root;

  public AppRoot(String root) {
    this.root = root;
  }

  @Override
  public LocalResponse apply(ProxiedRequest request) {
    if (!request.path().equals("/") || request.host() == null) {
      return null;
    }
    String location = (request.https() ? "https://" : "http://") + request.host() + root;
    return LocalResponse.redirect(HttpResponseStatus.FOUND, location);
  }

  @Override
  public String toString() {
    return "AppRoot[" + root + "]";
  }
}
