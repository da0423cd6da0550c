package dev.weir.dataplane.proxy.policy;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

/**
 * Describes the client to the backend: X-Forwarded-For, -Proto, -Host and -Port. X-Forwarded-For is
 * replaced, not appended to: Weir is the edge, so whatever a client claims there is unverifiable
 * and would let it spoof its address to the backend. For the same reason a client's {@code
 * Forwarded} header is dropped.
 */
public final class ForwardedHeaders implements RequestPolicy {
  public static final ForwardedHeaders INSTANCE = new ForwardedHeaders();

  static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
  static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
  static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
  static final AsciiString X_FORWARDED_PORT = AsciiString.cached("x-forwarded-port");
  private static final AsciiString FORWARDED = AsciiString.cached("forwarded");

  private ForwardedHeaders() {}

  @Override
  public LocalResponse apply(ProxiedRequest request) {
    HttpHeaders headers = request.headers();
    headers.remove(FORWARDED);
    headers.set(X_FORWARDED_FOR, request.clientAddress());
    headers.set(X_FORWARDED_PROTO, request.https() ? "https" : "http");
    String host = request.host();
    if (host != null) {
      headers.set(X_FORWARDED_HOST, host);
    } else {
      headers.remove(X_FORWARDED_HOST);
    }
    headers.set(X_FORWARDED_PORT, Integer.toString(request.listenerPort()));
    return null;
  }

  @Override
  public String toString() {
    return "ForwardedHeaders";
  }
}
