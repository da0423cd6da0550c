package dev.weir.dataplane.proxy.exchange;

import dev.weir.dataplane.proxy.Deadline;
import dev.weir.dataplane.proxy.Drainable;
import dev.weir.dataplane.proxy.ListenerContext;
import dev.weir.dataplane.proxy.http.ClientAddress;
import dev.weir.dataplane.proxy.http.ValidatedRequest;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a client connection (HTTP/1.1) or stream (HTTP/2): creates an {@link
 * Exchange} for each request head and passes it the request's body, one exchange at a time. Between
 * exchanges it holds no request state; what it keeps is the connection's: whether a read is
 * pending, whether the connection drains or closes, and the read timer the exchanges share.
 *
 * <p>The client channel does not auto-read: a {@code FlowControlHandler} before this handler
 * delivers one message per {@code read()}, and {@link #readNext} is called only when the exchange
 * can take the next message (the upstream connection is writable, or the connection is idle). The
 * response side toggles the upstream connection's auto-read on the client channel's writability. So
 * neither body is ever held in memory beyond one read.
 */
public final class ExchangeHandler extends ChannelInboundHandlerAdapter implements Drainable {
  private static final Logger log = LoggerFactory.getLogger(ExchangeHandler.class);

  final ListenerContext listener;
  final boolean http2;
  ChannelHandlerContext ctx;
  // HTTP/1.x: where bytes for the client are written past the response encoder; see Exchange.
  ChannelHandlerContext bytesOut;
  private boolean readPending;
  private boolean draining;
  private boolean closed;
  private boolean upgraded;
  private Exchange current;
  // Armed and disarmed a few times per request without scheduling a task each time; see Deadline.
  private final Deadline readDeadline = new Deadline(this::readTimedOut);

  public ExchangeHandler(ListenerContext listener, boolean http2) {
    this.listener = listener;
    this.http2 = http2;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    if (!http2) {
      ctx.channel().attr(Drainable.KEY).set(this);
      bytesOut = ctx.pipeline().context(WebSocketUpgrade.RESPONSE_ENCODER);
    }
    if (ctx.channel().isActive()) {
      readNext();
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    readNext();
    ctx.fireChannelActive();
  }

  /** Asks for the next message of the client: a request head, or a part of the current body. */
  void readNext() {
    if (!readPending && !closed && ctx.channel().isActive()) {
      readPending = true;
      ctx.read();
    }
  }

  // A read cycle may end without the message asked for (FlowControlHandler counts a read() as
  // answered by the end of the cycle): ask again, or the connection would stall.
  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (readPending) {
      readPending = false;
      if (current == null) {
        readNext();
      } else {
        current.readCycleEnded();
      }
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    readPending = false;
    if (msg instanceof ValidatedRequest request) {
      if (current == null && !closed) {
        current = new Exchange(this, request.request());
        current.start(request);
      } else {
        ReferenceCountUtil.release(request.request());
      }
    } else if (msg instanceof HttpContent content) {
      if (current != null) {
        current.requestContent(content);
      } else {
        // Only a head starts an exchange; a body without one cannot be trusted.
        boolean broken = content.decoderResult().isFailure();
        content.release();
        if (broken) {
          close();
        }
      }
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (current != null) {
      current.clientWritabilityChanged();
    }
    ctx.fireChannelWritabilityChanged();
  }

  /** {@code exchange} is over: the connection takes the next request, or closes if it drains. */
  void exchangeEnded(Exchange exchange) {
    if (exchange != current) {
      return;
    }
    current = null;
    if (http2) {
      return;
    }
    if (draining) {
      close();
    } else {
      readNext();
    }
  }

  /**
   * The current exchange switched the connection to a byte relay: this handler leaves the pipeline,
   * and the connection is no longer drained as HTTP.
   */
  void upgraded() {
    upgraded = true;
    current = null;
    readDeadline.stop();
    ctx.channel().attr(Drainable.KEY).set(null);
  }

  boolean draining() {
    return draining;
  }

  EventLoop eventLoop() {
    return ctx.channel().eventLoop();
  }

  void armReadTimer(long millis) {
    readDeadline.arm(ctx.channel().eventLoop(), millis, TimeUnit.MILLISECONDS);
  }

  /** Disarms the read timeout; a pending task stays and finds nothing to do. */
  void disarmReadTimer() {
    readDeadline.disarm();
  }

  private void readTimedOut() {
    if (current != null) {
      current.readTimedOut();
    }
  }

  @Override
  public void drain() {
    draining = true;
    if (current == null) {
      close();
    }
  }

  @Override
  public void idle() {
    if (current == null) {
      close();
    }
  }

  /**
   * Ends a response that cannot be completed: an HTTP/1.x connection is closed (the client sees the
   * body end short of its framing); an HTTP/2 stream is reset, which closing it would not do once
   * the client has ended its side.
   */
  void reset() {
    if (http2 && !closed && ctx.channel().isActive()) {
      ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.INTERNAL_ERROR));
    }
    close();
  }

  void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (current != null) {
      current.connectionClosing();
    }
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (!upgraded) {
      closed = true;
      readDeadline.stop();
      if (current != null) {
        current.clientClosed();
      }
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug(
        "event=client_error client={} error={}",
        ClientAddress.of(ctx.channel()),
        cause.getClass().getSimpleName());
    close();
  }
}
