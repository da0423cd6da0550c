package dev.weir.dataplane.proxy.policy;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A route whose access rules cannot be applied (an invalid source range, a missing password Secret)
 * fails closed: 503 for every request, as ingress-nginx denies such a location. Serving it
 * unprotected would be worse than not serving it.
 */
public final class Unavailable implements RequestPolicy {
  public static final Unavailable INSTANCE = new Unavailable();

  private Unavailable() {}

  @Override
  public LocalResponse apply(ProxiedRequest request) {
    return LocalResponse.text(HttpResponseStatus.SERVICE_UNAVAILABLE);
  }

  @Override
  public String toString() {
    return "Unavailable";
  }
}
