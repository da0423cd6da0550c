package dev.weir.dataplane.proxy.exchange;

import dev.weir.dataplane.proxy.http.FieldLines;
import dev.weir.dataplane.proxy.http.HopByHopHeaders;
import dev.weir.dataplane.proxy.policy.ResponseHook;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;

/**
 * A backend's response head made fit for the client: its hop-by-hop headers end at Weir, and it is
 * re-framed for the client's connection (HTTP/1.1 chunks, or a close for HTTP/1.0 without a length;
 * HTTP/2 frames by itself).
 */
final class ResponseHeads {
  private ResponseHeads() {}

  /**
   * An interim (1xx) response as passed on to the client, where the final response follows: a
   * message of its own (both the HTTP/1.1 encoder and the HTTP/2 conversion need it whole).
   */
  static FullHttpResponse interim(HttpResponse response) {
    HopByHopHeaders.remove(response.headers(), false);
    return new DefaultFullHttpResponse(
        HttpVersion.HTTP_1_1,
        response.status(),
        Unpooled.EMPTY_BUFFER,
        response.headers(),
        DefaultHttpHeadersFactory.trailersFactory().newEmptyHeaders());
  }

  /**
   * Rewrites a final response head for the client.
   *
   * @param hook what the request's policies amend in the head, or null
   * @param closeRequested the connection closes after this response whatever the response says (the
   *     client asked for it, the data plane drains, or the request body is not all read)
   * @return whether the client connection closes after this response (HTTP/1.x only)
   */
  static boolean forClient(
      HttpResponse response,
      ResponseHook hook,
      boolean http2,
      boolean headRequest,
      boolean clientHttp10,
      boolean closeRequested) {
    HttpHeaders headers = response.headers();
    HopByHopHeaders.remove(headers, false);
    if (hook != null) {
      hook.amend(response);
    }
    response.setProtocolVersion(HttpVersion.HTTP_1_1);
    if (http2) {
      return false;
    }
    boolean close = false;
    int code = response.status().code();
    boolean bodyless = headRequest || code == 204 || code == 304;
    if (!bodyless && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      if (clientHttp10) {
        close = true;
      } else {
        headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      }
    }
    close |= closeRequested;
    if (close) {
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (clientHttp10) {
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    return close;
  }

  /**
   * A final head rewritten by {@link #forClient} as HTTP/1.1 bytes, for a body relayed as bytes
   * behind it (the response encoder would expect the body as messages).
   */
  static ByteBuf encode(HttpResponse response, ByteBufAllocator alloc) {
    ByteBuf out = alloc.buffer(256);
    out.writeBytes(STATUS_LINE_START);
    ByteBufUtil.copy(response.status().codeAsText(), out);
    out.writeByte(' ');
    ByteBufUtil.writeAscii(out, response.status().reasonPhrase());
    out.writeShort(CRLF);
    FieldLines.write(out, response.headers());
    return out;
  }

  private static final byte[] STATUS_LINE_START = {'H', 'T', 'T', 'P', '/', '1', '.', '1', ' '};
  private static final int CRLF = '\r' << 8 | '\n';
}
