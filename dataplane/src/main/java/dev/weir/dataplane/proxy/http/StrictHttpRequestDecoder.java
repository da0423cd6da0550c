package dev.weir.dataplane.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;

/**
 * Netty's request decoder with the ambiguities a proxy cannot afford turned into failures, so that
 * Weir and the backend can never disagree on where a request ends (request smuggling):
 *
 * <ul>
 *   <li>Content-Length together with Transfer-Encoding is refused, whatever the decoder's
 *       configuration (RFC 9112 §6.1 allows a server to refuse; a proxy must not guess);
 *   <li>obs-fold (a header line starting with a space or tab) is refused: Netty would join it to
 *       the previous value, a backend might not (RFC 9112 §5.2 lets a server reject with 400);
 *   <li>bare LF line endings, invalid header names and values (CR, LF, NUL, whitespace before the
 *       colon) are refused through strict line parsing and header validation.
 * </ul>
 *
 * A refused request surfaces as an {@link HttpRequest} whose decoder result is a failure; the rest
 * of the connection's input is discarded.
 */
public final class StrictHttpRequestDecoder extends HttpRequestDecoder {
  /** Raised for a folded header line. */
  static final class ObsFoldException extends IllegalArgumentException {
    ObsFoldException() {
      super("obs-fold in header block");
    }
  }

  private enum Scan {
    REQUEST_LINE_START,
    IN_LINE,
    LINE_START,
    CR_AT_LINE_START,
    BODY
  }

  private Scan scan = Scan.REQUEST_LINE_START;
  // Bytes past the reader index already scanned for obs-fold.
  private int scannedAhead;
  private boolean rejected;

  public StrictHttpRequestDecoder(int maxRequestLineBytes, int maxHeaderBytes) {
    super(
        new HttpDecoderConfig()
            .setMaxInitialLineLength(maxRequestLineBytes)
            .setMaxHeaderSize(maxHeaderBytes)
            .setStrictLineParsing(true)
            .setAllowDuplicateContentLengths(false)
            .setUseRfc9112TransferEncoding(true)
            .setHeadersFactory(
                DefaultHttpHeadersFactory.headersFactory()
                    .withNameValidation(true)
                    .withValueValidation(true))
            .setTrailersFactory(
                DefaultHttpHeadersFactory.trailersFactory()
                    .withNameValidation(true)
                    .withValueValidation(true)));
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out)
      throws Exception {
    if (rejected) {
      buffer.skipBytes(buffer.readableBytes());
      return;
    }
    if (scan != Scan.BODY && foldInHeaderBlock(buffer)) {
      rejected = true;
      buffer.skipBytes(buffer.readableBytes());
      HttpRequest invalid =
          new DefaultFullHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.GET, "/bad-request");
      invalid.setDecoderResult(DecoderResult.failure(new ObsFoldException()));
      out.add(invalid);
      return;
    }
    int readerBefore = buffer.readerIndex();
    int sizeBefore = out.size();
    super.decode(ctx, buffer, out);
    scannedAhead = Math.max(0, scannedAhead - (buffer.readerIndex() - readerBefore));
    for (int i = sizeBefore; i < out.size(); i++) {
      Object o = out.get(i);
      if (o instanceof LastHttpContent) {
        // The next message's head starts at the reader index.
        scan = Scan.REQUEST_LINE_START;
        scannedAhead = 0;
      }
    }
  }

  /** Scans bytes not seen yet, up to the end of the header block; true on a folded line. */
  private boolean foldInHeaderBlock(ByteBuf buffer) {
    int end = buffer.writerIndex();
    for (int i = buffer.readerIndex() + scannedAhead; i < end; i++) {
      byte b = buffer.getByte(i);
      scannedAhead++;
      switch (scan) {
        case REQUEST_LINE_START -> {
          if (b != '\r' && b != '\n') {
            scan = Scan.IN_LINE;
          }
        }
        case IN_LINE -> {
          if (b == '\n') {
            scan = Scan.LINE_START;
          }
        }
        case LINE_START -> {
          if (b == ' ' || b == '\t') {
            return true;
          }
          scan = b == '\n' ? Scan.BODY : b == '\r' ? Scan.CR_AT_LINE_START : Scan.IN_LINE;
        }
        case CR_AT_LINE_START -> scan = b == '\n' ? Scan.BODY : Scan.IN_LINE;
        case BODY -> {
          return false;
        }
      }
      if (scan == Scan.BODY) {
        return false;
      }
    }
    return false;
  }

  @Override
  protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
    throw new IllegalArgumentException("Content-Length together with Transfer-Encoding");
  }
}
