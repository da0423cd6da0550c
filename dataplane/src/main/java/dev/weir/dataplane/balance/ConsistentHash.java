package dev.weir.dataplane.balance;

import dev.weir.contract.host.HostName;
import dev.weir.contract.snapshot.Endpoint;
import dev.weir.contract.snapshot.HashKey;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Set;

/**
 * ingress-nginx's {@code upstream-hash-by}: the request's key, built from its {@link HashKey},
 * picks the endpoint on the backend's {@link HashRing}, so the same key reaches the same endpoint
 * (on every replica) for as long as that endpoint is there. An endpoint that fails to connect is
 * skipped for the next one on the ring, and so is an ejected one, as if it had left the ring.
 */
public final class ConsistentHash implements EndpointSelector {
  private final HashKey key;
  private final BackendEndpoints endpoints;

  public ConsistentHash(HashKey key, BackendEndpoints endpoints) {
    this.key = key;
    this.endpoints = endpoints;
  }

  @Override
  public Endpoint select(BalancedRequest request, Set<Endpoint> tried) {
    return endpoints.locate(StableHash.of(keyOf(request)), tried);
  }

  /** Without the request (a TCP relay), only the header and cookie parts are known. */
  @Override
  public Endpoint select(HttpHeaders requestHeaders, Set<Endpoint> tried) {
    return endpoints.locate(StableHash.of(keyOf(requestHeaders, null)), tried);
  }

  @Override
  public boolean hasEndpoints() {
    return !endpoints.candidates().isEmpty();
  }

  String keyOf(BalancedRequest request) {
    return keyOf(request.headers(), request);
  }

  private String keyOf(HttpHeaders headers, BalancedRequest request) {
    StringBuilder out = new StringBuilder(64);
    for (HashKey.Part part : key.parts()) {
      if (part instanceof HashKey.Text text) {
        out.append(text.text());
      } else if (part instanceof HashKey.Variable variable) {
        String value = value(variable, headers, request);
        if (value != null) {
          out.append(value);
        }
      }
    }
    return out.toString();
  }

  private static String value(HashKey.Variable v, HttpHeaders headers, BalancedRequest request) {
    switch (v.source()) {
      case HEADER:
        return headers.get(v.name());
      case COOKIE:
        return RequestCookies.value(headers, v.name());
      default:
        break;
    }
    if (request == null) {
      return null;
    }
    return switch (v.source()) {
      case REQUEST_URI -> request.target();
      case URI -> request.path();
      case ARGS -> query(request.target());
      case REMOTE_ADDR -> request.clientAddress();
      case HOST -> HostName.ofAuthority(request.host());
      case SCHEME -> request.https() ? "https" : "http";
      case REQUEST_METHOD -> request.method().name();
      case ARG -> argument(query(request.target()), v.name());
      case HEADER, COOKIE -> null;
    };
  }

  private static String query(String target) {
    int q = target.indexOf('?');
    return q < 0 ? null : target.substring(q + 1);
  }

  /** nginx's {@code $arg_NAME}: the first argument of that name, as sent (not decoded). */
  static String argument(String query, String name) {
    if (query == null) {
      return null;
    }
    int i = 0;
    while (i <= query.length()) {
      int end = query.indexOf('&', i);
      if (end < 0) {
        end = query.length();
      }
      int eq = query.indexOf('=', i);
      int nameEnd = eq < 0 || eq > end ? end : eq;
      if (nameEnd - i == name.length() && query.regionMatches(true, i, name, 0, name.length())) {
        return nameEnd == end ? "" : query.substring(nameEnd + 1, end);
      }
      i = end + 1;
    }
    return null;
  }
}
