package dev.weir.dataplane.proxy.policy;

import dev.weir.contract.snapshot.Redirect;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * ingress-nginx's {@code permanent-redirect} and {@code temporal-redirect} (nginx's {@code return
 * CODE URL}): every request of the route gets the same redirect, built once per snapshot; the
 * request's path and query are not appended, as nginx's {@code return} does not.
 */
public final class FixedRedirect implements RequestPolicy {
  private final LocalResponse answer;

  public FixedRedirect(Redirect redirect) {
    this.answer =
        LocalResponse.redirect(HttpResponseStatus.valueOf(redirect.code()), redirect.location());
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
