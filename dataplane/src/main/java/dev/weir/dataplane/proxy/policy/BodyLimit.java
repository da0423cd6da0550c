package dev.weir.dataplane.proxy.policy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * ingress-nginx's {@code proxy-body-size}: a request whose Content-Length exceeds the limit gets
 * 413 before anything reaches the backend; a body without a length (chunked, or HTTP/2 without
 * content-length) is counted as it streams and cut off at the limit.
 */
public final class BodyLimit implements RequestPolicy {
  private final long maxBytes;

  public BodyLimit(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  @Override
  public LocalResponse apply(ProxiedRequest request) {
    if (declaredLength(request) > maxBytes || !request.limitBody(maxBytes)) {
      return LocalResponse.text(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
    }
    return null;
  }

  // The request was validated, so a Content-Length is one number; -1 when there is none.
  private static long declaredLength(ProxiedRequest request) {
    String length = request.headers().get(HttpHeaderNames.CONTENT_LENGTH);
    if (length == null) {
      return -1;
    }
    try {
      return Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public String toString() {
    return "BodyLimit[" + maxBytes + "]";
  }
}
