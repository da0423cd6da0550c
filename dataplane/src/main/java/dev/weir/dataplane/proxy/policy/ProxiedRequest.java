package dev.weir.dataplane.proxy.policy;

import dev.weir.dataplane.balance.EndpointSelector;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import javax.net.ssl.SSLSession;

/**
 * A request as its route's {@link RequestPolicy request policies} see it: routed, validated, its
 * hop-by-hop headers already removed, not yet sent anywhere. Valid only during {@link
 * RequestPolicy#apply}, on the request's event loop; a policy must not keep it.
 */
public interface ProxiedRequest {
  HttpMethod method();

  /** The host the client sent (Host header, or :authority), port included; null if none. */
  String host();

  /** The request path without its query, as routed. */
  String path();

  /** The path and query that go upstream. */
  String target();

  /** The headers that go upstream, changed in place. */
  HttpHeaders headers();

  /** The client's IP address, as Weir's socket sees it. */
  String clientAddress();

  /** Whether the request came in over TLS. */
  boolean https();

  /**
   * The TLS session of the client's connection (for HTTP/2, of the connection the stream is on):
   * its SNI name, its client certificate. Null over plain HTTP.
   */
  default SSLSession tlsSession() {
    return null;
  }

  /** The port of the listener the client connected to. */
  int listenerPort();

  /**
   * Chooses this request's endpoint with {@code selector} instead of the backend's own (a canary
   * split, an endpoint pinned by a cookie). The selector is compiled with the policy, once per
   * snapshot; a request whose selector has no endpoint is answered 503, and connect retries ask the
   * same selector.
   */
  void balanceWith(EndpointSelector selector);

  /**
   * Has {@code hook} amend the final response head from the backend before it goes to the client (a
   * session-affinity cookie, CORS headers). Not called for interim (1xx) responses, nor for answers
   * Weir writes itself; a policy that answers locally builds its whole answer.
   */
  void onResponse(ResponseHook hook);
}
