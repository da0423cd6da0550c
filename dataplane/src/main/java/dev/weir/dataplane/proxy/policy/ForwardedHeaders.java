package dev.weir.dataplane.proxy.policy;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.List;

/**
 * Describes the client to the backend: X-Forwarded-For, -Proto, -Host, -Port and X-Real-IP. From a
 * client that is not a trusted proxy ({@link ProxiedRequest#forwardedHeadersTrusted}, none by
 * default) they are replaced, not appended to: Weir is the edge, so whatever such a client claims
 * there is unverifiable and would let it spoof its address to the backend; for the same reason its
 * {@code Forwarded} header is dropped. A trusted proxy describes its own client: its
 * X-Forwarded-For chain is kept with the proxy's address appended, X-Real-IP is the client that
 * chain names ({@link ProxiedRequest#clientAddress}, found as nginx's {@code real_ip_recursive}
 * does), and its other X-Forwarded-* and Forwarded headers are kept (filled in where it sent none),
 * as ingress-nginx's {@code use-forwarded-headers} does.
 */
public final class ForwardedHeaders implements RequestPolicy {
  public static final ForwardedHeaders INSTANCE = new ForwardedHeaders();

  static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
  static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
  static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
  static final AsciiString X_FORWARDED_PORT = AsciiString.cached("x-forwarded-port");
  static final AsciiString X_REAL_IP = AsciiString.cached("x-real-ip");
  private static final AsciiString FORWARDED = AsciiString.cached("forwarded");

  private ForwardedHeaders() {}

  @Override
  public LocalResponse apply(ProxiedRequest request) {
    HttpHeaders headers = request.headers();
    if (request.forwardedHeadersTrusted()) {
      keepAndAppend(request, headers);
      return null;
    }
    headers.remove(FORWARDED);
    headers.set(X_FORWARDED_FOR, request.clientAddress());
    headers.set(X_REAL_IP, request.clientAddress());
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

  private static void keepAndAppend(ProxiedRequest request, HttpHeaders headers) {
    List<String> chain = headers.getAll(X_FORWARDED_FOR);
    String proxy = request.peerAddress();
    // Several header lines are one comma-separated list (RFC 9110 §5.3); one line goes upstream.
    headers.set(X_FORWARDED_FOR, chain.isEmpty() ? proxy : String.join(", ", chain) + ", " + proxy);
    headers.set(X_REAL_IP, request.clientAddress());
    setIfAbsent(headers, X_FORWARDED_PROTO, request.https() ? "https" : "http");
    if (request.host() != null) {
      setIfAbsent(headers, X_FORWARDED_HOST, request.host());
    }
    setIfAbsent(headers, X_FORWARDED_PORT, Integer.toString(request.listenerPort()));
  }

  private static void setIfAbsent(HttpHeaders headers, AsciiString name, String value) {
    if (!headers.contains(name)) {
      headers.set(name, value);
    }
  }

  @Override
  public String toString() {
    return "ForwardedHeaders";
  }
}
