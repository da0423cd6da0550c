package dev.weir.dataplane.proxy.policy;

import dev.weir.contract.snapshot.Redirect;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * ingress-nginx's {@code permanent-redirect} and {@code temporal-redirect} (nginx's {@code return
 * CODE URL}): every request of the route gets the same redirect, built once per snapshot; the
 * request's path and query are not appended, as nginx's {@code return} does not.
 */
public final class FixedRedirect implements RequestPolicy {
  private final LocalResponse answer;

  public FixedRedirect(Redirect redirect) {
    HttpResponseStatus status = HttpResponseStatus.valueOf(redirect.code());
    this.answer =
        LocalResponse.of(
            status,
            new DefaultHttpHeaders()
                .set(HttpHeaderNames.LOCATION, redirect.location())
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8"),
            (status.code() + " " + status.reasonPhrase() + "\n")
                .getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  public LocalResponse apply(ProxiedRequest request) {
    return answer;
  }

  @Override
  public String toString() {
    return "FixedRedirect[" + answer.status().code() + "]";
  }
}
