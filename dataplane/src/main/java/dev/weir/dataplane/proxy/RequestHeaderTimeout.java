package dev.weir.dataplane.proxy;

import dev.weir.dataplane.admin.DataplaneMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.ScheduledFuture;
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
final class RequestHeaderTimeout {
  private static final Logger log = LoggerFactory.getLogger(RequestHeaderTimeout.class);

  static final String BYTES = "request-header-timeout-bytes";
  static final String HEADS = "request-header-timeout-heads";

  private final long timeoutMillis;
  private final DataplaneMetrics metrics;
  private final ChannelHandler bytes = new BytesWatcher();
  private final ChannelHandler heads = new HeadsWatcher();
  private boolean awaitingHead = true;
  // Started on a request's first bytes, stopped at its head: on a keep-alive connection that is
  // every request, so the timer is a deadline and the scheduled task only checks it, re-arming
  // itself for the rest when it fires early, rather than a task scheduled and cancelled per
  // request. The timeout is the same for the whole connection, so a pending task never fires
  // after a newer deadline.
  private boolean running;
  private long deadlineNanos;
  private ScheduledFuture<?> timer;
  private ChannelHandlerContext headsCtx;

  RequestHeaderTimeout(long timeoutMillis, DataplaneMetrics metrics) {
    this.timeoutMillis = timeoutMillis;
    this.metrics = metrics;
  }

  ChannelHandler bytes() {
    return bytes;
  }

  ChannelHandler heads() {
    return heads;
  }

  private void start(ChannelHandlerContext ctx) {
    running = true;
    deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    if (timer == null) {
      timer = ctx.executor().schedule(RequestHeaderTimeout.this::fired, timeoutMillis,
          TimeUnit.MILLISECONDS);
    }
  }

  /** Stops the clock; a pending task stays and finds nothing to do. */
  private void cancel() {
    running = false;
  }

  /** Stops the clock and the task: the connection or the HTTP/1.1 pipeline is gone. */
  private void stop() {
    running = false;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void fired() {
    timer = null;
    if (!running) {
      return;
    }
    long left = deadlineNanos - System.nanoTime();
    ChannelHandlerContext ctx = headsCtx;
    if (left > 0 && ctx != null) {
      timer = ctx.executor().schedule(RequestHeaderTimeout.this::fired, left,
          TimeUnit.NANOSECONDS);
      return;
    }
    timedOut();
  }

  private void timedOut() {
    running = false;
    ChannelHandlerContext ctx = headsCtx;
    if (ctx == null || !ctx.channel().isActive()) {
      return;
    }
    awaitingHead = false;
    long suppressed = LogLimiter.FAILURES.admit("refused 408");
    if (suppressed != LogLimiter.SUPPRESS) {
      log.info("event=request_refused status=408 reason=request_header_timeout timeout_ms={}"
          + " client={} suppressed={}", timeoutMillis, ClientAddress.of(ctx.channel()), suppressed);
    }
    metrics.route(null, null).completed(HttpResponseStatus.REQUEST_TIMEOUT.code(), 0);
    ctx.writeAndFlush(LocalResponses.text(ctx.alloc(), HttpResponseStatus.REQUEST_TIMEOUT, true))
        .addListener(ChannelFutureListener.CLOSE);
  }

  private final class BytesWatcher extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (awaitingHead && !running && msg instanceof ByteBuf buf && buf.isReadable()) {
        start(ctx);
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      stop();
      ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
      stop();
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
        cancel();
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
      stop();
    }
  }
}
