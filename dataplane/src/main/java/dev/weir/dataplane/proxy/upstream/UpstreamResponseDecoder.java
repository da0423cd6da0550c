package dev.weir.dataplane.proxy.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Decodes an upstream's HTTP/1.x responses strictly (RFC 9112), into the head, content and last
 * content messages an exchange reads. Upstream framing is where response desynchronisation starts,
 * so anything ambiguous is refused instead of guessed at:
 *
 * <ul>
 *   <li>a head over {@value #MAX_HEAD_BYTES} bytes, a status line that is not {@code HTTP/1.0} or
 *       {@code HTTP/1.1} with a three-digit code, a field name that is not a token, a field value
 *       with control characters, an obs-fold line: an invalid head (answered 502);
 *   <li>{@code Content-Length} together with {@code Transfer-Encoding}, more than one {@code
 *       Content-Length} (even equal ones), one that is not digits, a transfer coding other than
 *       {@code chunked}: an invalid head (as nginx refuses them);
 *   <li>a malformed chunk size, extension line or chunk end: an invalid content (the response is
 *       cut).
 * </ul>
 *
 * <p>For an HTTP/1.1 client ({@link #expectResponse} with {@code relay}), a body framed by length
 * or chunks is passed on as the bytes received instead of content messages: plain {@code ByteBuf}s,
 * chunk framing included, and a {@code LastHttpContent} whose content is the body's last bytes (for
 * chunks: the last chunk and the trailer section). A body that ends with the connection is always
 * decoded into content messages, since the client's framing differs from the upstream's.
 *
 * <p>1xx heads are interim (101 switches the connection to raw bytes); responses to HEAD, 204 and
 * 304 have no body whatever their headers say; a response framed by neither length nor chunks ends
 * with the connection. Bytes that arrive when no response is awaited, or that follow a complete
 * response in the same read, are never decoded: the connection is closed, so they cannot become the
 * answer to the next request sent on it.
 *
 * <p>On an HTTP/1.1 upstream connection it is the pipeline's one handler (after TLS, if any): it
 * hands each message to the exchange using the {@link #deliverTo connection} in the read that
 * decoded it, and tells it of writability, failures and the close, as a handler behind it would
 * have. On its own (no connection) the messages go to the next handler.
 */
public final class UpstreamResponseDecoder extends ByteToMessageDecoder {
  /** The largest response head (status line and fields) accepted. */
  public static final int MAX_HEAD_BYTES = 64 * 1024;

  // A chunk-size line with its extensions, and a trailer section, are bounded like a head.
  private static final int MAX_CHUNK_LINE_BYTES = 4096;
  private static final long MAX_CHUNK_SIZE = Long.MAX_VALUE >> 4;
  private static final HttpHeadersFactory HEADERS =
      DefaultHttpHeadersFactory.headersFactory().withValidation(false);
  private static final HttpHeadersFactory TRAILERS =
      DefaultHttpHeadersFactory.trailersFactory().withValidation(false);

  private enum State {
    HEAD,
    FIXED_BODY,
    CHUNK_SIZE,
    CHUNK_DATA,
    CHUNK_END,
    TRAILERS,
    UNTIL_CLOSE,
    RAW,
    BROKEN
  }

  // The last chunk and an empty trailer section, as a relayed chunked body ends.
  private static final ByteBuf LAST_CHUNK =
      Unpooled.unreleasableBuffer(
              Unpooled.directBuffer(5).writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)))
          .asReadOnly();

  // The connection whose exchange gets the messages; null: they go to the next handler.
  private UpstreamConnection connection;
  private static final byte[] CONTENT_LENGTH = "content-length".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TRANSFER_ENCODING =
      "transfer-encoding".getBytes(StandardCharsets.US_ASCII);

  private State state = State.HEAD;
  private boolean awaitingResponse;
  private boolean headRequest;
  private boolean relay;
  private long remaining;
  private long contentBytes;
  // The framing fields of the head being parsed, counted as they are parsed (a head's framing is
  // decided without looking its fields up again).
  private int lengthFields;
  private String length;
  private int codingFields;
  private String coding;

  /** From now on, messages go to {@code c}'s exchange, not to a next handler. */
  void deliverTo(UpstreamConnection c) {
    connection = c;
  }

  UpstreamConnection connection() {
    return connection;
  }

  /**
   * A request was sent: the next head answers it. {@code head}: it was a HEAD request, whose
   * response has no body.
   */
  public void expectResponse(boolean head) {
    expectResponse(head, false);
  }

  /** As {@link #expectResponse(boolean)}; {@code relay}: pass a framed body on as bytes. */
  public void expectResponse(boolean head, boolean relay) {
    awaitingResponse = true;
    headRequest = head;
    this.relay = relay;
  }

  /** The body bytes of the current (or last) response, without chunk framing. */
  public long contentBytes() {
    return contentBytes;
  }

  /** Whether the connection is between responses with nothing unread: it may carry a request. */
  public boolean reusable() {
    return state == State.HEAD && !awaitingResponse && actualReadableBytes() == 0;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    decodeNext(ctx, in, out);
    deliver(ctx, out);
  }

  // Within decode: a message that removes this handler (a WebSocket's 101) leaves the bytes after
  // it to ByteToMessageDecoder, which passes them to the handler that replaced this one.
  private void deliver(ChannelHandlerContext ctx, List<Object> out) {
    if (connection == null || out.isEmpty()) {
      return;
    }
    for (int i = 0; i < out.size(); i++) {
      connection.received(ctx, out.get(i));
    }
    out.clear();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (connection == null) {
      super.channelWritabilityChanged(ctx);
    } else {
      connection.writabilityChanged();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    try {
      super.channelInactive(ctx);
    } finally {
      if (connection != null) {
        connection.closed();
      }
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
    if (connection == null) {
      super.exceptionCaught(ctx, cause);
    } else {
      connection.failed(ctx, cause);
    }
  }

  private void decodeNext(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    switch (state) {
      case HEAD -> {
        if (!awaitingResponse) {
          // Nothing was asked: whatever this is, the connection cannot be trusted any more.
          in.skipBytes(in.readableBytes());
          state = State.BROKEN;
          ctx.close();
          return;
        }
        decodeHead(in, out);
      }
      case FIXED_BODY -> {
        int n = (int) Math.min(remaining, in.readableBytes());
        remaining -= n;
        contentBytes += n;
        if (remaining == 0) {
          out.add(new DefaultLastHttpContent(in.readRetainedSlice(n), TRAILERS));
          responseEnded();
        } else if (n > 0) {
          out.add(
              relay ? in.readRetainedSlice(n) : new DefaultHttpContent(in.readRetainedSlice(n)));
        }
      }
      case CHUNK_SIZE -> decodeChunkSize(in, out);
      case CHUNK_DATA -> {
        int n = (int) Math.min(remaining, in.readableBytes());
        if (n > 0) {
          remaining -= n;
          contentBytes += n;
          out.add(
              relay ? in.readRetainedSlice(n) : new DefaultHttpContent(in.readRetainedSlice(n)));
        }
        if (remaining == 0) {
          state = State.CHUNK_END;
        }
      }
      case CHUNK_END -> {
        if (in.readableBytes() < 2) {
          return;
        }
        int at = in.readerIndex();
        if (in.getByte(at) != '\r' || in.getByte(at + 1) != '\n') {
          failContent(in, out, "chunk data not followed by CRLF");
          return;
        }
        if (relay) {
          out.add(in.readRetainedSlice(2));
        } else {
          in.skipBytes(2);
        }
        state = State.CHUNK_SIZE;
      }
      case TRAILERS -> decodeTrailers(in, out);
      case UNTIL_CLOSE, RAW -> {
        if (in.isReadable()) {
          out.add(
              state == State.RAW
                  ? in.readRetainedSlice(in.readableBytes())
                  : new DefaultHttpContent(in.readRetainedSlice(in.readableBytes())));
        }
      }
      case BROKEN -> in.skipBytes(in.readableBytes());
    }
  }

  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out)
      throws Exception {
    if (in.isReadable()) {
      decode(ctx, in, out);
    }
    if (state == State.UNTIL_CLOSE) {
      out.add(LastHttpContent.EMPTY_LAST_CONTENT);
      responseEnded();
      deliver(ctx, out);
    }
    // Any other state: the response is incomplete, which the connection's closing tells.
  }

  private void decodeHead(ByteBuf in, List<Object> out) {
    int end = endOfSection(in, in.readerIndex(), MAX_HEAD_BYTES);
    if (end == -1) {
      return;
    }
    if (end == -2) {
      failHead(in, out, "response head over " + MAX_HEAD_BYTES + " bytes");
      return;
    }
    int start = in.readerIndex();
    String problem;
    HttpResponse response;
    try {
      response = parseHead(in, start, end);
      problem = null;
    } catch (IllegalArgumentException e) {
      response = null;
      problem = e.getMessage();
    }
    if (problem != null) {
      failHead(in, out, problem);
      return;
    }
    in.readerIndex(end);
    out.add(response);
    contentBytes = 0;
    int code = response.status().code();
    if (code == 101) {
      awaitingResponse = false;
      state = State.RAW;
      return;
    }
    if (code / 100 == 1) {
      out.add(LastHttpContent.EMPTY_LAST_CONTENT); // interim: the final head still to come
      return;
    }
    if (headRequest || code == 204 || code == 304) {
      out.add(LastHttpContent.EMPTY_LAST_CONTENT);
      responseEnded();
    } else if (codingFields > 0) {
      state = State.CHUNK_SIZE;
    } else if (lengthFields > 0) {
      remaining = Long.parseLong(length);
      if (remaining == 0) {
        out.add(LastHttpContent.EMPTY_LAST_CONTENT);
        responseEnded();
      } else {
        state = State.FIXED_BODY;
      }
    } else {
      state = State.UNTIL_CLOSE;
    }
  }

  private void responseEnded() {
    state = State.HEAD;
    awaitingResponse = false;
  }

  /** Parses the head in [start, end), end just past its blank line; throws with the problem. */
  private HttpResponse parseHead(ByteBuf in, int start, int end) {
    int lineEnd = in.indexOf(start, end, (byte) '\n');
    String statusLine = latin1(in, start, trimCr(in, start, lineEnd));
    HttpVersion version;
    if (statusLine.startsWith("HTTP/1.1 ")) {
      version = HttpVersion.HTTP_1_1;
    } else if (statusLine.startsWith("HTTP/1.0 ")) {
      version = HttpVersion.HTTP_1_0;
    } else {
      throw new IllegalArgumentException("invalid status line");
    }
    if (statusLine.length() < 12
        || !isDigit(statusLine.charAt(9))
        || !isDigit(statusLine.charAt(10))
        || !isDigit(statusLine.charAt(11))
        || statusLine.length() > 12 && statusLine.charAt(12) != ' '
        || statusLine.charAt(9) == '0') {
      throw new IllegalArgumentException("invalid status line");
    }
    int code = Integer.parseInt(statusLine, 9, 12, 10);
    String reason = statusLine.length() > 13 ? statusLine.substring(13) : "";
    checkText(reason, "invalid reason phrase");
    HttpHeaders headers = HEADERS.newHeaders();
    lengthFields = 0;
    codingFields = 0;
    parseFields(in, lineEnd + 1, end, headers, true);
    checkFraming();
    // The shared constant when the reason is the usual one, as most are.
    return new DefaultHttpResponse(version, HttpResponseStatus.valueOf(code, reason), headers);
  }

  /**
   * Field lines in [from, end) (the blank line included) into {@code headers}; a {@code head}'s
   * framing fields are counted too.
   */
  private void parseFields(ByteBuf in, int from, int end, HttpHeaders headers, boolean head) {
    int p = from;
    while (p < end) {
      int lineEnd = in.indexOf(p, end, (byte) '\n');
      int contentEnd = trimCr(in, p, lineEnd);
      if (contentEnd == p) {
        return; // the blank line
      }
      byte first = in.getByte(p);
      if (first == ' ' || first == '\t') {
        throw new IllegalArgumentException("obsolete line folding");
      }
      int colon = p;
      while (colon < contentEnd && isTokenChar(in.getByte(colon))) {
        colon++;
      }
      int nameEnd = colon;
      // RFC 9112 §5.1: whitespace before the colon is removed from a response, not guessed at.
      while (colon < contentEnd && (in.getByte(colon) == ' ' || in.getByte(colon) == '\t')) {
        colon++;
      }
      if (nameEnd == p || colon == contentEnd || in.getByte(colon) != ':') {
        throw new IllegalArgumentException("invalid field name");
      }
      int valueStart = colon + 1;
      int valueEnd = contentEnd;
      while (valueStart < valueEnd && isWhitespace(in.getByte(valueStart))) {
        valueStart++;
      }
      while (valueEnd > valueStart && isWhitespace(in.getByte(valueEnd - 1))) {
        valueEnd--;
      }
      String value = latin1(in, valueStart, valueEnd);
      checkText(value, "invalid field value");
      if (head) {
        if (isName(in, p, nameEnd, CONTENT_LENGTH)) {
          lengthFields++;
          length = value;
        } else if (isName(in, p, nameEnd, TRANSFER_ENCODING)) {
          codingFields++;
          coding = value;
        }
      }
      headers.add(fieldName(in, p, nameEnd), value);
      p = lineEnd + 1;
    }
  }

  private void checkFraming() {
    if (codingFields > 0 && lengthFields > 0) {
      throw new IllegalArgumentException("both Content-Length and Transfer-Encoding");
    }
    if (codingFields > 1 || codingFields == 1 && !coding.equalsIgnoreCase("chunked")) {
      throw new IllegalArgumentException("transfer coding other than chunked");
    }
    if (lengthFields > 1) {
      throw new IllegalArgumentException("more than one Content-Length");
    }
    if (lengthFields == 1) {
      if (length.isEmpty() || length.length() > 18) {
        throw new IllegalArgumentException("invalid Content-Length");
      }
      for (int i = 0; i < length.length(); i++) {
        if (!isDigit(length.charAt(i))) {
          throw new IllegalArgumentException("invalid Content-Length");
        }
      }
    }
  }

  private void decodeChunkSize(ByteBuf in, List<Object> out) {
    int lineEnd = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
    if (lineEnd == -1) {
      if (in.readableBytes() > MAX_CHUNK_LINE_BYTES) {
        failContent(in, out, "chunk size line too long");
      }
      return;
    }
    int start = in.readerIndex();
    int contentEnd = trimCr(in, start, lineEnd);
    if (lineEnd - start > MAX_CHUNK_LINE_BYTES) {
      failContent(in, out, "chunk size line too long");
      return;
    }
    long size = 0;
    int p = start;
    while (p < contentEnd && hexValue(in.getByte(p)) >= 0) {
      if (size > MAX_CHUNK_SIZE) {
        failContent(in, out, "chunk size too large");
        return;
      }
      size = size << 4 | hexValue(in.getByte(p));
      p++;
    }
    int sizeEnd = p;
    while (p < contentEnd && (in.getByte(p) == ' ' || in.getByte(p) == '\t')) {
      p++;
    }
    if (p == start || p < contentEnd && in.getByte(p) != ';') {
      failContent(in, out, "invalid chunk size");
      return;
    }
    for (int i = p; i < contentEnd; i++) {
      byte b = in.getByte(i);
      if (b < 0x20 && b != '\t' || b == 0x7f) {
        failContent(in, out, "invalid chunk extension");
        return;
      }
    }
    if (size == 0) {
      in.readerIndex(lineEnd + 1);
      state = State.TRAILERS;
      return;
    }
    if (relay) {
      // The size line as received when it is just the size; without its extensions otherwise,
      // as the client has always seen it.
      if (sizeEnd == contentEnd && contentEnd == lineEnd - 1) {
        out.add(in.readRetainedSlice(lineEnd + 1 - start));
      } else {
        out.add(chunkSizeLine(size));
      }
    }
    in.readerIndex(lineEnd + 1);
    remaining = size;
    state = State.CHUNK_DATA;
  }

  private void decodeTrailers(ByteBuf in, List<Object> out) {
    int start = in.readerIndex();
    int end = endOfTrailers(in, start);
    if (end == -1) {
      return;
    }
    if (end == -2) {
      failContent(in, out, "trailer section too long");
      return;
    }
    HttpHeaders trailers = TRAILERS.newHeaders();
    try {
      parseFields(in, start, end, trailers, false);
    } catch (IllegalArgumentException e) {
      failContent(in, out, e.getMessage());
      return;
    }
    in.readerIndex(end);
    if (relay) {
      out.add(new DefaultLastHttpContent(lastChunk(trailers), TRAILERS));
    } else {
      out.add(new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, trailers));
    }
    responseEnded();
  }

  private static ByteBuf chunkSizeLine(long size) {
    return Unpooled.copiedBuffer(Long.toHexString(size) + "\r\n", StandardCharsets.US_ASCII);
  }

  /**
   * The end of a relayed chunked body: the last chunk and the trailers, re-encoded from what was
   * parsed (whitespace before a colon is never passed on, RFC 9112 §5.1).
   */
  private static ByteBuf lastChunk(HttpHeaders trailers) {
    if (trailers.isEmpty()) {
      return LAST_CHUNK.duplicate();
    }
    StringBuilder s = new StringBuilder("0\r\n");
    for (Map.Entry<String, String> field : trailers) {
      s.append(field.getKey()).append(": ").append(field.getValue()).append("\r\n");
    }
    return Unpooled.copiedBuffer(s.append("\r\n"), StandardCharsets.ISO_8859_1);
  }

  // The trailer section may be just the blank line, which endOfSection (looking for a blank line
  // after a first line) does not see.
  private static int endOfTrailers(ByteBuf in, int start) {
    if (in.writerIndex() - start >= 1 && in.getByte(start) == '\n') {
      return start + 1;
    }
    if (in.writerIndex() - start >= 2 && in.getByte(start) == '\r') {
      return in.getByte(start + 1) == '\n' ? start + 2 : -2;
    }
    return endOfSection(in, start, MAX_HEAD_BYTES);
  }

  /**
   * The index just past the blank line ending a section that starts at {@code start}; -1 when it is
   * not all here yet, -2 when it is longer than {@code max}. A line ends with LF, optionally
   * preceded by CR.
   */
  private static int endOfSection(ByteBuf in, int start, int max) {
    int limit = Math.min(in.writerIndex(), start + max);
    for (int lf = in.indexOf(start, limit, (byte) '\n');
        lf != -1;
        lf = in.indexOf(lf + 1, limit, (byte) '\n')) {
      int next = lf + 1;
      if (next < limit && in.getByte(next) == '\n') {
        return next + 1;
      }
      if (next + 1 < limit && in.getByte(next) == '\r' && in.getByte(next + 1) == '\n') {
        return next + 2;
      }
    }
    return in.writerIndex() - start >= max ? -2 : -1;
  }

  private void failHead(ByteBuf in, List<Object> out, String problem) {
    in.skipBytes(in.readableBytes());
    state = State.BROKEN;
    HttpResponse invalid =
        new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_GATEWAY);
    invalid.setDecoderResult(DecoderResult.failure(new InvalidResponseException(problem)));
    out.add(invalid);
  }

  private void failContent(ByteBuf in, List<Object> out, String problem) {
    in.skipBytes(in.readableBytes());
    state = State.BROKEN;
    LastHttpContent invalid = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
    invalid.setDecoderResult(DecoderResult.failure(new InvalidResponseException(problem)));
    out.add(invalid);
  }

  /** What was wrong with an upstream's response; the text names the rule, never the bytes. */
  public static final class InvalidResponseException extends Exception {
    InvalidResponseException(String problem) {
      super(problem, null, false, false);
    }
  }

  /** Whether the field name in [from, to), a token, is {@code name} (lower case), in any case. */
  private static boolean isName(ByteBuf in, int from, int to, byte[] name) {
    if (to - from != name.length) {
      return false;
    }
    for (int i = 0; i < name.length; i++) {
      // Only letters of a token differ from their lower case by 0x20; '-' is its own.
      if ((in.getByte(from + i) | 0x20) != name[i]) {
        return false;
      }
    }
    return true;
  }

  private static int trimCr(ByteBuf in, int start, int lf) {
    return lf > start && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
  }

  // The names nearly every response carries, spelled as servers send them. A name that matches
  // one byte for byte (the spelling reaches HTTP/1.1 clients as it came) is that constant rather
  // than a new string: about a third of what a response head allocated.
  private static final String[][] COMMON_NAMES_BY_LENGTH = commonNamesByLength();

  private static String[][] commonNamesByLength() {
    String[] names = {
      "Date",
      "Vary",
      "ETag",
      "Server",
      "Expires",
      "Location",
      "Connection",
      "Keep-Alive",
      "Set-Cookie",
      "Content-Type",
      "Accept-Ranges",
      "Cache-Control",
      "Last-Modified",
      "Content-Length",
      "Content-Encoding",
      "Transfer-Encoding",
      "date",
      "vary",
      "etag",
      "server",
      "expires",
      "location",
      "connection",
      "keep-alive",
      "set-cookie",
      "content-type",
      "accept-ranges",
      "cache-control",
      "last-modified",
      "content-length",
      "content-encoding",
      "transfer-encoding"
    };
    int longest = 0;
    for (String name : names) {
      longest = Math.max(longest, name.length());
    }
    String[][] byLength = new String[longest + 1][];
    for (String name : names) {
      String[] same = byLength[name.length()];
      same = same == null ? new String[1] : Arrays.copyOf(same, same.length + 1);
      same[same.length - 1] = name;
      byLength[name.length()] = same;
    }
    return byLength;
  }

  private static String fieldName(ByteBuf in, int from, int to) {
    int length = to - from;
    if (length < COMMON_NAMES_BY_LENGTH.length && COMMON_NAMES_BY_LENGTH[length] != null) {
      for (String common : COMMON_NAMES_BY_LENGTH[length]) {
        if (sameBytes(in, from, common)) {
          return common;
        }
      }
    }
    return latin1(in, from, to);
  }

  private static boolean sameBytes(ByteBuf in, int from, String ascii) {
    for (int i = 0; i < ascii.length(); i++) {
      if (in.getByte(from + i) != ascii.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  // Netty decodes ISO-8859-1 by copying the bytes once into a compact string; building a char[]
  // first made a quarter of the bytes a keep-alive request allocated (JFR allocation samples).
  private static String latin1(ByteBuf in, int from, int to) {
    return in.toString(from, to - from, StandardCharsets.ISO_8859_1);
  }

  // Visible characters, obs-text, space and tab (RFC 9110 §5.5): no CR, LF, NUL or other controls.
  private static void checkText(String s, String problem) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 && c != '\t' || c == 0x7f) {
        throw new IllegalArgumentException(problem);
      }
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isWhitespace(byte b) {
    return b == ' ' || b == '\t';
  }

  private static int hexValue(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    if (b >= 'a' && b <= 'f') {
      return b - 'a' + 10;
    }
    if (b >= 'A' && b <= 'F') {
      return b - 'A' + 10;
    }
    return -1;
  }

  // RFC 9110 §5.6.2 tchar.
  private static boolean isTokenChar(byte b) {
    if (b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z') {
      return true;
    }
    return switch (b) {
      case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~' -> true;
      default -> false;
    };
  }
}
