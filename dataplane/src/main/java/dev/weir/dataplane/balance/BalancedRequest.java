package dev.weir.dataplane.balance;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;

/** What a selector may read of the request it balances (a hash key, an affinity cookie). */
public interface BalancedRequest {
  HttpMethod method();

  /** The host the client sent (Host header, or :authority), port included; null if none. */
  String host();

  /** The request path without its query, as routed. */
  String path();

  /** The path and query that go upstream. */
  String target();

  /** The headers that go upstream. */
  HttpHeaders headers();

  /** The client's IP address, as Weir's socket sees it. */
  String clientAddress();

  /** Whether the request came in over TLS. */
  boolean https();
}
