package dev.weir.dataplane.proxy.exchange;

import dev.weir.dataplane.proxy.Deadline;
import dev.weir.dataplane.proxy.Drainable;
import dev.weir.dataplane.proxy.ListenerContext;
import dev.weir.dataplane.proxy.http.ClientAddress;
import dev.weir.dataplane.proxy.http.ValidatedRequest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of an HTTP/1.1 client connection, and its {@link ClientSide}: creates an {@link
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
public final class ExchangeHandler extends ChannelInboundHandlerAdapter
    implements Drainable, ClientSide {
  private static final Logger log = LoggerFactory.getLogger(ExchangeHandler.class);

  private final ListenerContext listener;
  private ChannelHandlerContext ctx;
  // Where bytes for the client are written past the response encoder; see Exchange.
  private ChannelHandlerContext bytesOut;
  private boolean readPending;
  private boolean draining;
  private boolean closed;
  private boolean upgraded;
  private Exchange current;
  // Armed and disarmed a few times per request without scheduling a task each time; see Deadline.
  private final Deadline readDeadline = new Deadline(this::readTimedOut);

  public ExchangeHandler(ListenerContext listener) {
    this.listener = listener;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    ctx.channel().attr(Drainable.KEY).set(this);
    bytesOut = ctx.pipeline().context(WebSocketUpgrade.RESPONSE_ENCODER);
    if (ctx.channel().isActive()) {
      readNext();
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    readNext();
    ctx.fireChannelActive();
  }

  @Override
  public ListenerContext listener() {
    return listener;
  }

  @Override
  public boolean http2() {
    return false;
  }

  @Override
  public Channel connection() {
    return ctx.channel();
  }

  @Override
  public void write(HttpObject msg) {
    ctx.writeAndFlush(msg, ctx.voidPromise());
  }

  @Override
  public ChannelFuture writeLast(HttpObject msg) {
    return ctx.writeAndFlush(msg);
  }

  @Override
  public void relay(ByteBuf bytes) {
    bytesOut.writeAndFlush(bytes, bytesOut.voidPromise());
  }

  @Override
  public ChannelFuture relayLast(ByteBuf bytes) {
    return bytesOut.writeAndFlush(bytes);
  }

  @Override
  public boolean isWritable() {
    return ctx.channel().isWritable();
  }

  @Override
  public void readNext() {
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
      if (ClientSide.bodyPart(current, content)) {
        close();
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

  @Override
  public void exchangeEnded(Exchange exchange) {
    if (exchange != current) {
      return;
    }
    current = null;
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
  @Override
  public void upgraded() {
    upgraded = true;
    current = null;
    readDeadline.stop();
    ctx.channel().attr(Drainable.KEY).set(null);
  }

  @Override
  public boolean draining() {
    return draining;
  }

  @Override
  public void armReadTimer(long millis) {
    readDeadline.arm(eventLoop(), millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void disarmReadTimer() {
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

  @Override
  public void reset() {
    close();
  }

  @Override
  public void close() {
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
