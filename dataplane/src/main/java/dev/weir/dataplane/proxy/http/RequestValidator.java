package dev.weir.dataplane.proxy.http;

import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.proxy.LogLimiter;
import dev.weir.dataplane.proxy.policy.LocalResponse;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every request head into a {@link ValidatedRequest} or refuses it, so that nothing ambiguous
 * reaches routing or a backend. A refused HTTP/1.1 request is answered (400, 414, 431, 501) with
 * {@code Connection: close} and the connection closed, since after a framing error the rest of the
 * byte stream cannot be trusted. On HTTP/2 only the stream is answered and closed.
 *
 * <p>Body content passes through untouched; a framing error inside a body is the proxy handler's to
 * handle, as part of the request it belongs to.
 */
public final class RequestValidator extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(RequestValidator.class);

  private final boolean http2;
  private final DataplaneMetrics metrics;
  private boolean refused;

  public RequestValidator(boolean http2, DataplaneMetrics metrics) {
    this.http2 = http2;
    this.metrics = metrics;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (refused) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (!(msg instanceof HttpRequest request)) {
      ctx.fireChannelRead(msg);
      return;
    }
    Verdict verdict = check(request, http2);
    if (verdict.refusal() != null) {
      ReferenceCountUtil.release(msg);
      refused = true;
      refused(verdict, ctx.channel(), metrics);
      ctx.writeAndFlush(LocalResponse.text(verdict.refusal()).toResponse(ctx.alloc(), true))
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ctx.fireChannelRead(verdict.accepted());
  }

  /**
   * A request head's verdict: accepted as {@code accepted}, or refused with {@code refusal} for
   * {@code reason}.
   */
  public record Verdict(
      ValidatedRequest accepted, HttpResponseStatus refusal, DecoderResult reason) {
    static Verdict refuse(HttpResponseStatus status, DecoderResult reason) {
      return new Verdict(null, status, reason);
    }
  }

  /**
   * The rules of this class as a function, for HTTP/1.1 here and for HTTP/2 streams: the request
   * head validated (its Host replaced by an absolute-form target's authority), or the status that
   * refuses it. The caller releases a refused request.
   */
  public static Verdict check(HttpRequest request, boolean http2) {
    HttpResponseStatus problem = problem(request, http2);
    if (problem != null) {
      return Verdict.refuse(problem, request.decoderResult());
    }
    String host = request.headers().get(HttpHeaderNames.HOST);
    RequestTarget target;
    try {
      target = RequestTarget.parse(request.method(), request.uri());
    } catch (RequestTarget.InvalidTargetException e) {
      return Verdict.refuse(HttpResponseStatus.BAD_REQUEST, DecoderResult.failure(e));
    }
    if (target.authority() != null) {
      // RFC 9112 §3.2.2: with an absolute-form target the Host header is replaced by its authority.
      host = target.authority();
      request.headers().set(HttpHeaderNames.HOST, host);
    }
    return new Verdict(new ValidatedRequest(request, target, host), null, null);
  }

  private static HttpResponseStatus problem(HttpRequest request, boolean http2) {
    DecoderResult result = request.decoderResult();
    if (result.isFailure()) {
      Throwable cause = result.cause();
      if (cause instanceof TooLongHttpLineException) {
        return HttpResponseStatus.REQUEST_URI_TOO_LONG;
      }
      if (cause instanceof TooLongHttpHeaderException) {
        return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
      }
      if (cause instanceof TooLongFrameException) {
        return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
      }
      return HttpResponseStatus.BAD_REQUEST;
    }
    HttpHeaders headers = request.headers();
    if (!http2) {
      HttpVersion version = request.protocolVersion();
      if (version.majorVersion() != 1 || version.minorVersion() > 1) {
        return HttpResponseStatus.BAD_REQUEST;
      }
      List<String> hosts = headers.getAll(HttpHeaderNames.HOST);
      if (hosts.size() > 1 || hosts.isEmpty() && version.minorVersion() == 1) {
        return HttpResponseStatus.BAD_REQUEST;
      }
      List<String> codings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
      if (!codings.isEmpty()
          && !(codings.size() == 1 && codings.get(0).trim().equalsIgnoreCase("chunked"))) {
        // The decoder already refused a final coding other than chunked; anything left is a
        // coding Weir does not implement (RFC 9112 §6.1: 501).
        return HttpResponseStatus.NOT_IMPLEMENTED;
      }
    } else if (headers.getAll(HttpHeaderNames.HOST).size() > 1) {
      return HttpResponseStatus.BAD_REQUEST;
    }
    String host = headers.get(HttpHeaderNames.HOST);
    if (host != null && !HostHeader.isValidAuthority(host)) {
      return HttpResponseStatus.BAD_REQUEST;
    }
    if (HttpMethod.CONNECT.equals(request.method())) {
      return HttpResponseStatus.METHOD_NOT_ALLOWED;
    }
    return null;
  }

  /** Logs and counts a refused request; the caller answers it with the verdict's status. */
  public static void refused(Verdict verdict, Channel client, DataplaneMetrics metrics) {
    HttpResponseStatus status = verdict.refusal();
    // Keyed by status only: the decoder's reason may quote what the client sent.
    long suppressed = LogLimiter.FAILURES.admit("refused " + status.code());
    if (suppressed != LogLimiter.SUPPRESS) {
      log.info(
          "event=request_refused status={} reason=\"{}\" client={} suppressed={}",
          status.code(),
          reason(verdict.reason()),
          ClientAddress.of(client),
          suppressed);
    }
    metrics.route(null, null).completed(status.code(), 0);
  }

  // Only the kind of defect: exception messages may quote parts of the request, and a header
  // value (Authorization, Cookie) must never reach a log.
  private static String reason(DecoderResult result) {
    Throwable cause = result.cause();
    return cause == null ? "invalid request" : cause.getClass().getSimpleName();
  }
}
