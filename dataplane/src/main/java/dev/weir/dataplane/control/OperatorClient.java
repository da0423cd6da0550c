package dev.weir.dataplane.control;

import dev.weir.contract.control.ControlFrame;
import dev.weir.contract.control.ControlFrameCodec;
import dev.weir.contract.control.ControlTls;
import dev.weir.contract.control.SnapshotSink;
import dev.weir.contract.snapshot.InvalidSnapshotException;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.SnapshotDelta;
import dev.weir.contract.snapshot.SnapshotUpdate;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A data plane's end of the control channel: dials the operator, applies every snapshot it sends,
 * reports the version applied (or why one was refused), and redials with capped exponential backoff
 * whenever the connection is lost. Between connections the data plane keeps serving what it has.
 *
 * <p>Its own single event loop runs the channel and the applies, so a large snapshot's decoding
 * never delays proxied traffic.
 */
public final class OperatorClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OperatorClient.class);
  private static final long MIN_BACKOFF_MILLIS = 100;
  private static final long MAX_BACKOFF_MILLIS = 5_000;

  private final String host;
  private final int port;
  private final Path tlsDir;
  private final String node;
  private final SnapshotSink sink;
  private final DataplaneMetrics metrics;
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final AtomicLong appliedVersion = new AtomicLong(-1);
  // The snapshot last applied from the operator: the base its deltas apply to. Event loop only.
  private Snapshot held;
  private volatile boolean closed;
  private volatile Channel channel;
  private long backoffMillis = MIN_BACKOFF_MILLIS;

  public OperatorClient(
      String host,
      int port,
      Path tlsDir,
      String node,
      SnapshotSink sink,
      DataplaneMetrics metrics) {
    this.host = host;
    this.port = port;
    this.tlsDir = tlsDir;
    this.node = node;
    this.sink = sink;
    this.metrics = metrics;
  }

  /** Starts dialing; returns at once. */
  public OperatorClient start() {
    group.execute(this::connect);
    return this;
  }

  /** Version of the last snapshot applied from the operator; -1 before the first. */
  public long appliedVersion() {
    return appliedVersion.get();
  }

  public boolean connected() {
    Channel c = channel;
    return c != null && c.isActive();
  }

  // Runs on the client's event loop.
  private void connect() {
    if (closed) {
      return;
    }
    SslContext ssl;
    try {
      // Re-read at every dial, so rotated channel certificates are picked up on reconnect.
      ssl = ControlTls.clientContext(tlsDir);
    } catch (IOException e) {
      log.warn(
          "event=control_tls_unavailable operator={}:{} reason=\"{}\"", host, port, e.getMessage());
      scheduleReconnect();
      return;
    }
    ChannelFuture dial =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
            .option(ChannelOption.SO_KEEPALIVE, true)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    SslHandler tls = ssl.newHandler(ch.alloc(), host, port);
                    ch.pipeline().addLast(tls);
                    // The operator sends nothing while nothing changes; TCP keepalive and this
                    // read-idle
                    // probe (a status frame) keep a dead peer from going unnoticed for long.
                    ch.pipeline().addLast(new IdleStateHandler(0, 30, 0, TimeUnit.SECONDS));
                    ControlFrameCodec.addTo(ch.pipeline());
                    ch.pipeline().addLast(new SnapshotReceiver());
                  }
                })
            .connect(host, port);
    dial.addListener(
        f -> {
          if (!f.isSuccess()) {
            log.warn(
                "event=control_connect_failed operator={}:{} reason=\"{}\" retry_in_ms={}",
                host,
                port,
                f.cause().toString(),
                backoffMillis);
            scheduleReconnect();
            return;
          }
          channel = dial.channel();
          dial.channel()
              .closeFuture()
              .addListener(
                  c -> {
                    log.warn(
                        "event=control_disconnected operator={}:{} action=keep_serving_last_snapshot "
                            + "applied_version={}",
                        host,
                        port,
                        appliedVersion.get());
                    scheduleReconnect();
                  });
        });
  }

  private void scheduleReconnect() {
    if (closed) {
      return;
    }
    long delay = backoffMillis / 2 + ThreadLocalRandom.current().nextLong(backoffMillis / 2 + 1);
    backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
    group.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
  }

  private final class SnapshotReceiver extends SimpleChannelInboundHandler<ControlFrame> {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof SslHandshakeCompletionEvent done) {
        if (done.isSuccess()) {
          backoffMillis = MIN_BACKOFF_MILLIS;
          log.info(
              "event=control_connected operator={}:{} applied_version={}",
              host,
              port,
              appliedVersion.get());
          ctx.writeAndFlush(new ControlFrame.StatusFrame(node, appliedVersion.get(), null));
        } else {
          log.warn(
              "event=control_handshake_failed operator={}:{} reason=\"{}\"",
              host,
              port,
              done.cause().toString());
          ctx.close();
        }
      } else if (evt instanceof IdleStateEvent) {
        ctx.writeAndFlush(new ControlFrame.StatusFrame(node, appliedVersion.get(), null));
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ControlFrame frame) {
      if (frame instanceof ControlFrame.SnapshotFrame s) {
        apply(ctx, SnapshotUpdate.full(s.snapshot()));
      } else if (frame instanceof ControlFrame.DeltaFrame d) {
        applyDelta(ctx, d.delta());
      }
    }

    private void applyDelta(ChannelHandlerContext ctx, SnapshotDelta delta) {
      Snapshot next;
      try {
        if (held == null) {
          throw new InvalidSnapshotException(
              "baseVersion",
              "is " + delta.baseVersion() + ", the data plane holds no snapshot from the operator");
        }
        next = delta.applyTo(held);
      } catch (InvalidSnapshotException e) {
        // The operator answers an error after a delta with the full snapshot.
        metrics.snapshotRejected();
        log.warn(
            "event=delta_rejected base_version={} version={} reason=\"{}\" "
                + "action=keep_serving_previous",
            delta.baseVersion(),
            delta.version(),
            e.getMessage().replace('"', '\''));
        ctx.writeAndFlush(new ControlFrame.StatusFrame(node, appliedVersion.get(), e.getMessage()));
        return;
      }
      // Validated by the sink with the outcome of a full snapshot's validation; the delta tells
      // it what to check and compile.
      apply(ctx, new SnapshotUpdate(next, delta));
    }

    private void apply(ChannelHandlerContext ctx, SnapshotUpdate update) {
      Snapshot snapshot = update.snapshot();
      try {
        // The data plane counts and logs what it applies or refuses; the operator hears of both.
        sink.apply(update);
        held = snapshot;
        appliedVersion.set(snapshot.version());
        ctx.writeAndFlush(new ControlFrame.StatusFrame(node, snapshot.version(), null));
      } catch (InvalidSnapshotException e) {
        ctx.writeAndFlush(new ControlFrame.StatusFrame(node, appliedVersion.get(), e.getMessage()));
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (cause instanceof DecoderException
          && cause.getCause() instanceof InvalidSnapshotException e) {
        // A snapshot this data plane cannot read: say so, keep the connection and the old snapshot.
        metrics.snapshotRejected();
        log.warn(
            "event=snapshot_rejected source=operator reason=\"{}\" action=keep_serving_previous",
            e.getMessage());
        ctx.writeAndFlush(new ControlFrame.StatusFrame(node, appliedVersion.get(), e.getMessage()));
        return;
      }
      log.warn(
          "event=control_channel_error operator={}:{} reason=\"{}\"", host, port, cause.toString());
      ctx.close();
    }
  }

  @Override
  public void close() {
    closed = true;
    Channel c = channel;
    if (c != null) {
      c.close().syncUninterruptibly();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
