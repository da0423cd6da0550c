package dev.weir.dataplane.proxy.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Header rewriting between client and backend: hop-by-hop headers (RFC 9110 §7.6.1) end at Weir,
 * forwarding headers describe the client to the backend.
 */
public final class ForwardingHeaders {
  static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
  static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
  static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
  static final AsciiString X_FORWARDED_PORT = AsciiString.cached("x-forwarded-port");
  static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
  private static final AsciiString FORWARDED = AsciiString.cached("forwarded");
  private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
  private static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");
  // What Netty's HTTP/2 to HTTP/1 conversion adds (x-http2-scheme, x-http2-stream-id, ...);
  // meaningless to a backend, and a client must not be able to inject them either.
  private static final String HTTP2_EXTENSION_PREFIX = "x-http2-";
  private static final int MAX_REQUEST_ID_LENGTH = 128;
  private static final String KEEP_ALIVE_NAME = "keep-alive";
  private static final String CLOSE_NAME = "close";
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private ForwardingHeaders() {}

  /**
   * Removes hop-by-hop headers: Connection and every header it names, Keep-Alive, Proxy-Connection,
   * TE, Trailer, Transfer-Encoding (the message is re-framed) and, unless {@code keepUpgrade},
   * Upgrade.
   */
  public static void removeHopByHop(HttpHeaders headers, boolean keepUpgrade) {
    // Nearly every message has one Connection header, "keep-alive" or "close": walk its tokens in
    // place rather than splitting, so the common case allocates nothing beyond getAll's copy.
    if (headers.contains(HttpHeaderNames.CONNECTION)) {
      for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
        int start = 0;
        while (start <= value.length()) {
          int comma = value.indexOf(',', start);
          int end = comma < 0 ? value.length() : comma;
          String name = token(value, start, end);
          // keep-alive goes below in any case. getAll returned a copy, so removing is safe here.
          if (name != null
              && name != KEEP_ALIVE_NAME
              && !(keepUpgrade && name.equalsIgnoreCase("upgrade"))) {
            headers.remove(name);
          }
          start = end + 1;
        }
      }
      headers.remove(HttpHeaderNames.CONNECTION);
    }
    headers.remove(KEEP_ALIVE);
    headers.remove(PROXY_CONNECTION);
    headers.remove(HttpHeaderNames.TE);
    headers.remove(HttpHeaderNames.TRAILER);
    headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
    if (keepUpgrade) {
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
    } else {
      headers.remove(HttpHeaderNames.UPGRADE);
    }
  }

  /**
   * The trimmed token {@code value[start, end)}, or null when empty. The usual tokens come back as
   * constants, so a plain "keep-alive" costs no substring.
   */
  private static String token(String value, int start, int end) {
    while (start < end && isOptionalWhitespace(value.charAt(start))) {
      start++;
    }
    while (end > start && isOptionalWhitespace(value.charAt(end - 1))) {
      end--;
    }
    if (start == end) {
      return null;
    }
    if (value.regionMatches(true, start, KEEP_ALIVE_NAME, 0, end - start)
        && end - start == KEEP_ALIVE_NAME.length()) {
      return KEEP_ALIVE_NAME;
    }
    if (value.regionMatches(true, start, CLOSE_NAME, 0, end - start)
        && end - start == CLOSE_NAME.length()) {
      return CLOSE_NAME;
    }
    return value.substring(start, end);
  }

  // String.trim()'s notion of whitespace, which the split-based version used.
  private static boolean isOptionalWhitespace(char c) {
    return c <= ' ';
  }

  public static void removeHttp2Extensions(HttpHeaders headers) {
    List<String> names = null;
    for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence();
        it.hasNext(); ) {
      CharSequence name = it.next().getKey();
      if (AsciiString.regionMatches(
          name, true, 0, HTTP2_EXTENSION_PREFIX, 0, HTTP2_EXTENSION_PREFIX.length())) {
        if (names == null) {
          names = new ArrayList<>();
        }
        names.add(name.toString());
      }
    }
    if (names != null) {
      names.forEach(headers::remove);
    }
  }

  /**
   * Sets the forwarding headers. X-Forwarded-For is replaced, not appended to: Weir is the edge, so
   * whatever a client claims there is unverifiable and would let it spoof its address to the
   * backend. For the same reason a client's {@code Forwarded} header is dropped.
   */
  public static void setForwarded(
      HttpHeaders headers,
      String clientAddress,
      boolean https,
      String originalHost,
      int listenerPort) {
    headers.remove(FORWARDED);
    headers.set(X_FORWARDED_FOR, clientAddress);
    headers.set(X_FORWARDED_PROTO, https ? "https" : "http");
    if (originalHost != null) {
      headers.set(X_FORWARDED_HOST, originalHost);
    } else {
      headers.remove(X_FORWARDED_HOST);
    }
    headers.set(X_FORWARDED_PORT, Integer.toString(listenerPort));
  }

  /** Keeps a sane client X-Request-ID (1 to 128 visible ASCII characters), else makes one. */
  public static String ensureRequestId(HttpHeaders headers) {
    List<String> ids = headers.getAll(X_REQUEST_ID);
    if (ids.size() == 1 && isSaneRequestId(ids.get(0))) {
      return ids.get(0);
    }
    String id = newRequestId();
    headers.set(X_REQUEST_ID, id);
    return id;
  }

  static boolean isSaneRequestId(String id) {
    if (id.isEmpty() || id.length() > MAX_REQUEST_ID_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  private static String newRequestId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    char[] id = new char[32];
    long hi = random.nextLong();
    long lo = random.nextLong();
    for (int i = 0; i < 16; i++) {
      id[i] = HEX[(int) (hi >>> (60 - 4 * i)) & 0xf];
      id[16 + i] = HEX[(int) (lo >>> (60 - 4 * i)) & 0xf];
    }
    return new String(id);
  }

  /** Whether a request asks for a WebSocket upgrade (RFC 6455 §4.1). */
  public static boolean isWebSocketUpgrade(HttpHeaders headers) {
    return headers.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
        && headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
  }
}
