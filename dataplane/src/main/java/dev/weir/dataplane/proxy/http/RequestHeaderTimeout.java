package dev.weir.dataplane.proxy.http;

import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.proxy.Deadline;
import dev.weir.dataplane.proxy.LogLimiter;
import dev.weir.dataplane.proxy.policy.LocalResponse;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the time from the first byte of an HTTP/1.1 request to the end of its header block
 * (slowloris): past {@code requestHeaderMillis}, 408 and the connection closed. The idle timeout
 * cannot do this, since every trickled byte resets it.
 *
 * <p>Two handlers share the timer: {@link #bytes()} before the request decoder sees a request's
 * first bytes arrive and starts it; {@link #heads()} after the decoder (and the response encoder,
 * so the 408 is encoded) stops it when a head comes out, and waits for the next request's first
 * byte once the current request has ended. Only one connection's event loop touches the state.
 */
public final class RequestHeaderTimeout {
  private static final Logger log = LoggerFactory.getLogger(RequestHeaderTimeout.class);

  private final long timeoutMillis;
  private final DataplaneMetrics metrics;
  private final ChannelHandler bytes = new BytesWatcher();
  private final ChannelHandler heads = new HeadsWatcher();
  private boolean awaitingHead = true;
  // Started on a request's first bytes, stopped at its head: on a keep-alive connection that is
  // every request, hence a Deadline rather than a task per request.
  private final Deadline deadline = new Deadline(this::timedOut);
  private ChannelHandlerContext headsCtx;

  public RequestHeaderTimeout(long timeoutMillis, DataplaneMetrics metrics) {
    this.timeoutMillis = timeoutMillis;
    this.metrics = metrics;
  }

  public ChannelHandler bytes() {
    return bytes;
  }

  public ChannelHandler heads() {
    return heads;
  }

  private void timedOut() {
    ChannelHandlerContext ctx = headsCtx;
    if (ctx == null || !ctx.channel().isActive()) {
      return;
    }
    awaitingHead = false;
    long suppressed = LogLimiter.FAILURES.admit("refused 408");
    if (suppressed != LogLimiter.SUPPRESS) {
      log.info(
          "event=request_refused status=408 reason=request_header_timeout timeout_ms={}"
              + " client={} suppressed={}",
          timeoutMillis,
          ClientAddress.of(ctx.channel()),
          suppressed);
    }
    metrics.route(null, null).completed(HttpResponseStatus.REQUEST_TIMEOUT.code(), 0);
    ctx.writeAndFlush(
            LocalResponse.text(HttpResponseStatus.REQUEST_TIMEOUT).toResponse(ctx.alloc(), true))
        .addListener(ChannelFutureListener.CLOSE);
  }

  private final class BytesWatcher extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (awaitingHead && !deadline.armed() && msg instanceof ByteBuf buf && buf.isReadable()) {
        deadline.arm(ctx.executor(), timeoutMillis, TimeUnit.MILLISECONDS);
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      deadline.stop();
      ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
      deadline.stop();
    }
  }

  private final class HeadsWatcher extends ChannelInboundHandlerAdapter {
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      headsCtx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest) {
        awaitingHead = false;
        deadline.disarm();
      }
      if (msg instanceof LastHttpContent) {
        // Bytes of the next request already read along with this one's end start no timer;
        // they will once more of them arrive, or the idle timeout closes the connection.
        awaitingHead = true;
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
      headsCtx = null;
      deadline.stop();
    }
  }
}
