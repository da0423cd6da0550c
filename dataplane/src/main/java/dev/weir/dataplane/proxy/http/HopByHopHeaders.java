package dev.weir.dataplane.proxy.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) end at Weir: they describe one connection, and the
 * connections on either side of Weir are not the same one. The headers describing the client to the
 * backend are a request policy ({@code ForwardedHeaders}).
 */
public final class HopByHopHeaders {
  private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
  private static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");
  // What Netty's HTTP/2 to HTTP/1 conversion adds (x-http2-scheme, x-http2-stream-id, ...);
  // meaningless to a backend, and a client must not be able to inject them either.
  private static final String HTTP2_EXTENSION_PREFIX = "x-http2-";
  private static final String KEEP_ALIVE_NAME = "keep-alive";
  private static final String CLOSE_NAME = "close";

  private HopByHopHeaders() {}

  /**
   * Removes hop-by-hop headers: Connection and every header it names, Keep-Alive, Proxy-Connection,
   * TE, Trailer, Transfer-Encoding (the message is re-framed) and, unless {@code keepUpgrade},
   * Upgrade.
   */
  public static void remove(HttpHeaders headers, boolean keepUpgrade) {
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

  /** Whether a request asks for a WebSocket upgrade (RFC 6455 §4.1). */
  public static boolean isWebSocketUpgrade(HttpHeaders headers) {
    return headers.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
        && headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
  }
}
