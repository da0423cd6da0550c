package dev.weir.dataplane.proxy.http;

import dev.weir.dataplane.proxy.LogLimiter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Headers.PseudoHeaderName;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First handler of an HTTP/2 stream: refuses what RFC 9113 calls a malformed request (§8.1.1) with
 * RST_STREAM(PROTOCOL_ERROR), before it is converted to HttpObjects, so nothing of it reaches
 * routing or a backend. Netty's header validation already refuses upper-case or invalid names,
 * connection-specific fields, a pseudo-header after a regular one, and DATA beyond the
 * content-length; this handler does not rely on it for what a proxy cannot afford to get wrong:
 *
 * <ul>
 *   <li>pseudo-headers: exactly one {@code :method}, {@code :scheme} and {@code :path} (§8.3.1),
 *       none unknown or response-only; {@code :path} not empty and starting with {@code /} ({@code
 *       *} only for OPTIONS);
 *   <li>connection-specific fields and {@code te} other than {@code trailers} (§8.2.2);
 *   <li>NUL, CR, LF, or leading/trailing whitespace in a value (§8.2.1): HTTP/1.1 upstream would
 *       read CR/LF as the end of a field;
 *   <li>a {@code host} naming another authority than {@code :authority} (§8.3.1): routing and the
 *       backend must see the same host;
 *   <li>a {@code content-length} that is not a single number, or that the DATA frames contradict
 *       (§8.1.1).
 * </ul>
 *
 * <p>A body is streamed, so a wrong content-length is found out while the head may already be
 * upstream. To never hand a backend a <em>complete</em> request that turns out malformed, the DATA
 * frame that reaches the announced length without END_STREAM is held back until the stream ends: a
 * reset then cuts the upstream request one frame short of its length.
 *
 * <p>Stream errors Netty raises (an Http2Exception fired into the stream) are answered the same
 * way, with their own error code; otherwise the stream channel's close would send CANCEL.
 */
public final class Http2RequestValidator extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(Http2RequestValidator.class);

  private static final List<AsciiString> CONNECTION_SPECIFIC =
      List.of(
          HttpHeaderNames.CONNECTION,
          HttpHeaderNames.KEEP_ALIVE,
          HttpHeaderNames.PROXY_CONNECTION,
          HttpHeaderNames.TRANSFER_ENCODING,
          HttpHeaderNames.UPGRADE);

  private boolean headReceived;
  private long declaredLength = -1;
  private long receivedLength;
  // The frame that reached declaredLength before END_STREAM; see the class comment.
  private Http2DataFrame held;
  private boolean refused;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (refused) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof Http2HeadersFrame headers) {
      headersFrame(ctx, headers);
    } else if (msg instanceof Http2DataFrame data) {
      dataFrame(ctx, data);
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  private void headersFrame(ChannelHandlerContext ctx, Http2HeadersFrame frame) {
    String problem;
    if (!headReceived) {
      headReceived = true;
      problem = headProblem(frame.headers());
    } else {
      // Trailers: Netty refuses pseudo-headers in them; the values go upstream as a chunked
      // trailer section, so they must be as clean as the head's.
      problem = fieldProblems(frame.headers());
      if (problem == null && !frame.isEndStream()) {
        problem = "trailers without END_STREAM";
      }
    }
    if (problem == null && frame.isEndStream()) {
      problem = lengthAtEnd();
    }
    if (problem != null) {
      ReferenceCountUtil.release(frame);
      refuse(ctx, Http2Error.PROTOCOL_ERROR, problem);
      return;
    }
    if (frame.isEndStream()) {
      releaseHeld(ctx);
    }
    ctx.fireChannelRead(frame);
  }

  private void dataFrame(ChannelHandlerContext ctx, Http2DataFrame frame) {
    receivedLength += frame.content().readableBytes();
    String problem = null;
    if (declaredLength >= 0 && receivedLength > declaredLength) {
      problem = "data beyond content-length";
    } else if (frame.isEndStream()) {
      problem = lengthAtEnd();
    }
    if (problem != null) {
      ReferenceCountUtil.release(frame);
      refuse(ctx, Http2Error.PROTOCOL_ERROR, problem);
      return;
    }
    if (frame.isEndStream()) {
      releaseHeld(ctx);
      ctx.fireChannelRead(frame);
    } else if (receivedLength == declaredLength && declaredLength > 0) {
      held = frame;
    } else {
      ctx.fireChannelRead(frame);
    }
  }

  private String lengthAtEnd() {
    return declaredLength >= 0 && receivedLength != declaredLength
        ? "data shorter than content-length"
        : null;
  }

  private void releaseHeld(ChannelHandlerContext ctx) {
    if (held != null) {
      Http2DataFrame frame = held;
      held = null;
      ctx.fireChannelRead(frame);
    }
  }

  private String headProblem(Http2Headers headers) {
    int methods = 0;
    int schemes = 0;
    int paths = 0;
    int authorities = 0;
    for (Map.Entry<CharSequence, CharSequence> field : headers) {
      CharSequence name = field.getKey();
      if (!PseudoHeaderName.hasPseudoHeaderFormat(name)) {
        continue;
      }
      PseudoHeaderName pseudo = PseudoHeaderName.getPseudoHeader(name);
      if (pseudo == null) {
        return "unknown pseudo-header";
      }
      switch (pseudo) {
        case METHOD -> methods++;
        case SCHEME -> schemes++;
        case PATH -> paths++;
        case AUTHORITY -> authorities++;
        // :status belongs to responses; :protocol needs SETTINGS_ENABLE_CONNECT_PROTOCOL, which
        // Weir does not send.
        default -> {
          return "pseudo-header " + name + " in a request";
        }
      }
    }
    if (methods != 1 || authorities > 1) {
      return "missing or repeated pseudo-header";
    }
    CharSequence method = headers.method();
    if (!AsciiString.contentEquals(method, "CONNECT") && (schemes != 1 || paths != 1)) {
      return "missing or repeated pseudo-header";
    }
    CharSequence path = headers.path();
    if (path != null
        && !(path.length() > 0 && path.charAt(0) == '/')
        && !(AsciiString.contentEquals(path, "*")
            && AsciiString.contentEquals(method, "OPTIONS"))) {
      return "invalid :path";
    }
    String problem = fieldProblems(headers);
    if (problem != null) {
      return problem;
    }
    List<CharSequence> hosts = headers.getAll(HttpHeaderNames.HOST);
    CharSequence authority = headers.authority();
    if (hosts.size() > 1
        || !hosts.isEmpty()
            && authority != null
            && !AsciiString.contentEqualsIgnoreCase(hosts.get(0), authority)) {
      return "host differs from :authority";
    }
    List<CharSequence> lengths = headers.getAll(HttpHeaderNames.CONTENT_LENGTH);
    if (lengths.size() > 1) {
      return "repeated content-length";
    }
    if (lengths.size() == 1) {
      declaredLength = contentLength(lengths.get(0));
      if (declaredLength < 0) {
        return "invalid content-length";
      }
    }
    return null;
  }

  private static String fieldProblems(Http2Headers headers) {
    for (Map.Entry<CharSequence, CharSequence> field : headers) {
      CharSequence name = field.getKey();
      if (name.length() == 0) {
        return "empty field name";
      }
      if (!PseudoHeaderName.hasPseudoHeaderFormat(name)) {
        for (int i = 0; i < name.length(); i++) {
          if (!isLowerCaseToken(name.charAt(i))) {
            return "invalid field name";
          }
        }
        for (AsciiString connectionSpecific : CONNECTION_SPECIFIC) {
          if (connectionSpecific.contentEqualsIgnoreCase(name)) {
            return "connection-specific field";
          }
        }
        if (HttpHeaderNames.TE.contentEqualsIgnoreCase(name)
            && !HttpHeaderValues.TRAILERS.contentEqualsIgnoreCase(field.getValue())) {
          return "te other than trailers";
        }
      }
      CharSequence value = field.getValue();
      int length = value.length();
      if (length > 0 && (isWhitespace(value.charAt(0)) || isWhitespace(value.charAt(length - 1)))) {
        return "whitespace around a field value";
      }
      for (int i = 0; i < length; i++) {
        char c = value.charAt(i);
        if (c == 0 || c == '\r' || c == '\n') {
          return "NUL, CR or LF in a field value";
        }
      }
    }
    return null;
  }

  // RFC 9110 §5.6.2 tchar, without upper case (RFC 9113 §8.2.1).
  private static boolean isLowerCaseToken(char c) {
    return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }

  private static boolean isWhitespace(char c) {
    return c == ' ' || c == '\t';
  }

  /** The value as a non-negative number, or -1: digits only, no sign, no list. */
  private static long contentLength(CharSequence value) {
    if (value.length() == 0 || value.length() > 18) {
      return -1;
    }
    long n = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof Http2Exception e) {
      // Netty found the stream malformed (e.g. DATA beyond content-length) and hands the stream
      // its error: reset with that code here, before the proxy handler's close sends CANCEL.
      refuse(ctx, e.error(), "stream error");
      return;
    }
    ctx.fireExceptionCaught(cause);
  }

  private void refuse(ChannelHandlerContext ctx, Http2Error error, String reason) {
    if (refused) {
      return;
    }
    refused = true;
    releaseHeld();
    // Never the field itself: a value may be a credential.
    long suppressed = LogLimiter.FAILURES.admit("refused h2 " + error);
    if (suppressed != LogLimiter.SUPPRESS) {
      log.info(
          "event=request_refused protocol=h2 error={} reason=\"{}\" client={} suppressed={}",
          error,
          reason,
          ClientAddress.of(ctx.channel()),
          suppressed);
    }
    ctx.writeAndFlush(new DefaultHttp2ResetFrame(error));
    ctx.close();
  }

  private void releaseHeld() {
    if (held != null) {
      held.release();
      held = null;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseHeld();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseHeld();
  }
}
