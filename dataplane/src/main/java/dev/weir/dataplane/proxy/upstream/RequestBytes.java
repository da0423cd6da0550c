package dev.weir.dataplane.proxy.upstream;

import dev.weir.dataplane.proxy.http.FieldLines;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;

/**
 * An HTTP/1.1 request as the bytes an upstream connection sends, written by Weir instead of Netty's
 * {@code HttpRequestEncoder}, byte for byte as that encoder writes them: the request line (the
 * target as UTF-8), the header lines ({@link FieldLines}), and a chunked body's framing.
 */
final class RequestBytes {
  private static final int CRLF = '\r' << 8 | '\n';
  private static final AsciiString HTTP_1_1_CRLF = AsciiString.cached(" HTTP/1.1\r\n");
  private static final ByteBuf CHUNK_END =
      Unpooled.unreleasableBuffer(Unpooled.directBuffer(2).writeShort(CRLF)).asReadOnly();
  private static final ByteBuf LAST_CHUNK =
      Unpooled.unreleasableBuffer(
              Unpooled.directBuffer(5).writeMedium('0' << 16 | CRLF).writeShort(CRLF))
          .asReadOnly();

  private RequestBytes() {}

  /** The request line and header section of {@code request}, sent as HTTP/1.1. */
  static ByteBuf head(ByteBufAllocator alloc, HttpRequest request) {
    AsciiString method = request.method().asciiName();
    String uri = request.uri();
    HttpHeaders headers = request.headers();
    // Sized exactly (but for a target beyond ASCII), so the buffer is never grown while written.
    ByteBuf out =
        alloc.ioBuffer(
            method.length()
                + 1
                + uri.length()
                + 2
                + HTTP_1_1_CRLF.length()
                + FieldLines.size(headers));
    ByteBufUtil.copy(method, out);
    out.writeByte(' ');
    writeTarget(out, uri);
    ByteBufUtil.copy(HTTP_1_1_CRLF, out);
    FieldLines.write(out, headers);
    return out;
  }

  // As HttpRequestEncoder: an empty target is "/", and an absolute-form one without a path gets
  // "/" after its authority (before its query, if any).
  private static void writeTarget(ByteBuf out, String uri) {
    if (uri.isEmpty()) {
      out.writeByte('/');
      return;
    }
    int start = uri.indexOf("://");
    if (start == -1 || uri.charAt(0) == '/') {
      ByteBufUtil.writeUtf8(out, uri);
      return;
    }
    start += 3;
    int query = uri.indexOf('?', start);
    if (query == -1) {
      ByteBufUtil.writeUtf8(out, uri);
      if (uri.lastIndexOf('/') < start) {
        out.writeByte('/');
      }
    } else if (uri.lastIndexOf('/', query) < start) {
      ByteBufUtil.writeUtf8(out, new StringBuilder(uri).insert(query, '/'));
    } else {
      ByteBufUtil.writeUtf8(out, uri);
    }
  }

  /** The size line of a chunk of {@code size} bytes. */
  static ByteBuf chunkSize(ByteBufAllocator alloc, int size) {
    String hex = Integer.toHexString(size);
    ByteBuf line = alloc.ioBuffer(hex.length() + 2);
    ByteBufUtil.writeAscii(line, hex);
    line.writeShort(CRLF);
    return line;
  }

  /** The CRLF after a chunk's data. */
  static ByteBuf chunkEnd() {
    return CHUNK_END.duplicate();
  }

  /** The last chunk and the trailer section ({@code trailers} may be empty). */
  static ByteBuf lastChunk(ByteBufAllocator alloc, HttpHeaders trailers) {
    if (trailers.isEmpty()) {
      return LAST_CHUNK.duplicate();
    }
    ByteBuf out = alloc.ioBuffer(256);
    out.writeMedium('0' << 16 | CRLF);
    FieldLines.write(out, trailers);
    return out;
  }
}
