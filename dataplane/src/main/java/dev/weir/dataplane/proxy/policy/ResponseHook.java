package dev.weir.dataplane.proxy.policy;

import io.netty.handler.codec.http.HttpResponse;

/**
 * Amends a backend's final response head on its way to the client; registered by a policy for one
 * request ({@link ProxiedRequest#onResponse}). Runs after Weir removed the backend's hop-by-hop
 * headers and before it frames the response for the client's connection, so it may add or change
 * end-to-end headers but not the framing.
 */
@FunctionalInterface
public interface ResponseHook {
  void amend(HttpResponse response);

  /** {@code first}, then {@code second}. */
  static ResponseHook both(ResponseHook first, ResponseHook second) {
    return response -> {
      first.amend(response);
      second.amend(response);
    };
  }
}
