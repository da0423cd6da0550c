package dev.weir.operator.publish;

import dev.weir.contract.control.ControlFrame;
import dev.weir.contract.control.ControlFrameCodec;
import dev.weir.contract.control.ControlTls;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.SnapshotUpdate;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's end of the control channel. Every data plane that connects with a client
 * certificate from the installation's CA gets the latest snapshot at once, then each newer one. A
 * data plane that reads slowly is never queued more than one snapshot: while its channel is not
 * writable newer snapshots replace the pending one, and the latest goes out when it drains.
 *
 * <p>A newer snapshot goes out as a delta against the previous one when the data plane holds, or
 * will hold once it reads what was sent, that previous one: the last frame sent to it was that
 * version and it has reported no refusal since (frames are ordered on one TLS stream, so waiting
 * for its acknowledgement would only turn deltas into full snapshots during bursts). Otherwise, on
 * connect, after a skipped version, and after the data plane refused something, the full snapshot.
 * The data plane checks the delta's base itself, so this choice can cost bytes, never correctness.
 */
public final class ControlServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlServer.class);

  /**
   * A published snapshot, encoded once for all data planes: the delta it was published with (null
   * when none), and its full frame, encoded when first needed (at 10,000 Ingresses that costs
   * hundreds of milliseconds, which a data plane taking the delta should not wait for).
   */
  private static final class Encoded {
    final long version;
    final Snapshot snapshot;
    final long baseVersion;
    final byte[] delta;
    private byte[] full;

    Encoded(SnapshotUpdate update) {
      this.version = update.snapshot().version();
      this.snapshot = update.snapshot();
      this.baseVersion = update.delta() == null ? -1 : update.delta().baseVersion();
      this.delta = update.delta() == null ? null : ControlFrameCodec.encodeDelta(update.delta());
    }

    synchronized byte[] full() {
      if (full == null) {
        full = ControlFrameCodec.encodeSnapshot(snapshot);
      }
      return full;
    }
  }

  /** Frames sent to data planes since start, and their bytes (kind and payload, gzipped). */
  public record Sent(long fullFrames, long fullBytes, long deltaFrames, long deltaBytes) {}

  /** What the operator knows of one connected data plane. */
  public record DataPlaneStatus(
      String node, String remoteAddress, long appliedVersion, String lastError) {}

  private final EventLoopGroup group;
  private final Channel serverChannel;
  private final Map<Channel, DataPlaneConnection> connections = new ConcurrentHashMap<>();
  private volatile Encoded latest;
  private final AtomicLong fullFrames = new AtomicLong();
  private final AtomicLong fullBytes = new AtomicLong();
  private final AtomicLong deltaFrames = new AtomicLong();
  private final AtomicLong deltaBytes = new AtomicLong();
  private final AtomicLong refusedHandshakes = new AtomicLong();

  private ControlServer(EventLoopGroup group, Channel serverChannel) {
    this.group = group;
    this.serverChannel = serverChannel;
  }

  /**
   * Binds the control port.
   *
   * @param tlsDir {@code tls.crt}, {@code tls.key} and {@code ca.crt} (see {@link ControlTls})
   */
  public static ControlServer start(String bindAddress, int port, Path tlsDir)
      throws IOException, InterruptedException {
    ControlTls.ReloadingServerContext ssl = new ControlTls.ReloadingServerContext(tlsDir);
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    ControlServer[] self = new ControlServer[1];
    try {
      Channel channel =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline().addLast(ssl.current().newHandler(ch.alloc()));
                      // Data planes send a status at least every 30 s; silence past 95 s is a dead
                      // peer.
                      ch.pipeline().addLast(new ReadTimeoutHandler(95, TimeUnit.SECONDS));
                      ControlFrameCodec.addTo(ch.pipeline());
                      ch.pipeline().addLast(self[0].new DataPlaneConnection());
                    }
                  })
              .bind(bindAddress, port)
              .sync()
              .channel();
      self[0] = new ControlServer(group, channel);
      log.info(
          "event=control_listening address={} port={}",
          bindAddress,
          ((InetSocketAddress) channel.localAddress()).getPort());
      return self[0];
    } catch (RuntimeException | InterruptedException e) {
      group.shutdownGracefully();
      throw e;
    }
  }

  public int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  /**
   * Sends {@code update.snapshot()} to every connected data plane, and to every one that connects
   * later: as the update's delta to a data plane that holds its base, else whole.
   */
  public void publish(SnapshotUpdate update) {
    Encoded encoded = new Encoded(update);
    latest = encoded;
    for (DataPlaneConnection connection : connections.values()) {
      connection.offer(encoded);
    }
  }

  /** Size of the latest snapshot as a full frame, gzipped, in bytes; 0 before the first. */
  public long latestFrameBytes() {
    Encoded e = latest;
    return e == null ? 0 : e.full().length;
  }

  /**
   * Size of the latest snapshot's delta frame, gzipped, in bytes; -1 when it was published without
   * a delta (the first snapshot, or a change no delta expresses).
   */
  public long latestDeltaBytes() {
    Encoded e = latest;
    return e == null || e.delta == null ? -1 : e.delta.length;
  }

  /** What was sent so far. */
  public Sent sent() {
    return new Sent(fullFrames.get(), fullBytes.get(), deltaFrames.get(), deltaBytes.get());
  }

  /**
   * TLS handshakes that failed since start: peers without a certificate from the installation's CA
   * (or not speaking TLS 1.3).
   */
  public long refusedHandshakes() {
    return refusedHandshakes.get();
  }

  /** The connected data planes (after their TLS handshake), sorted by node name. */
  public List<DataPlaneStatus> dataPlanes() {
    List<DataPlaneStatus> result = new ArrayList<>();
    for (DataPlaneConnection c : connections.values()) {
      result.add(c.status());
    }
    result.sort(Comparator.comparing(DataPlaneStatus::node));
    return result;
  }

  @Override
  public void close() {
    serverChannel.close().syncUninterruptibly();
    for (Channel connection : connections.keySet()) {
      connection.close().syncUninterruptibly();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** One data plane's connection; all its state is touched on the server's single event loop. */
  private final class DataPlaneConnection extends SimpleChannelInboundHandler<ControlFrame> {
    private Channel channel;
    private volatile String node = "?";
    private volatile long appliedVersion = -1;
    private volatile String lastError;
    private Encoded pending;
    private long sentVersion = -1;
    private boolean sentDelta;
    // False once the data plane may not hold sentVersion (it refused something): no delta until
    // a full snapshot went out.
    private boolean inSync;

    DataPlaneStatus status() {
      return new DataPlaneStatus(
          node, String.valueOf(channel.remoteAddress()), appliedVersion, lastError);
    }

    void offer(Encoded encoded) {
      channel
          .eventLoop()
          .execute(
              () -> {
                pending = encoded;
                flushPending();
              });
    }

    private void flushPending() {
      Encoded e = pending;
      if (e == null || !channel.isActive() || !channel.isWritable() || e.version == sentVersion) {
        return;
      }
      pending = null;
      boolean delta = inSync && e.delta != null && e.baseVersion == sentVersion;
      byte[] frame = delta ? e.delta : e.full();
      sentVersion = e.version;
      sentDelta = delta;
      inSync = true;
      (delta ? deltaFrames : fullFrames).incrementAndGet();
      (delta ? deltaBytes : fullBytes).addAndGet(frame.length);
      // The frame bytes are shared by every connection; the wrapper is this write's own.
      channel.writeAndFlush(Unpooled.wrappedBuffer(frame));
    }

    // A refusal while the data plane does not run what was sent last: after a delta (its base was
    // missed, or the result did not validate) the full snapshot goes out now; after a full one
    // resending it would be refused again, so the next snapshot goes out full instead.
    private void refused(long appliedVersion) {
      if (appliedVersion == sentVersion) {
        return; // a late report about an older frame; the data plane runs the latest sent
      }
      inSync = false;
      Encoded e = latest;
      if (sentDelta && e != null) {
        sentVersion = -1;
        pending = e;
        flushPending();
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof SslHandshakeCompletionEvent done) {
        if (done.isSuccess()) {
          channel = ctx.channel();
          connections.put(channel, this);
          Encoded e = latest;
          if (e != null) {
            pending = e; // inSync is false: the first snapshot on a connection is always full
            flushPending();
          }
        } else {
          refusedHandshakes.incrementAndGet();
          log.warn(
              "event=control_peer_refused remote={} reason=\"{}\"",
              ctx.channel().remoteAddress(),
              done.cause().getMessage());
          ctx.close();
        }
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ControlFrame frame) {
      if (frame instanceof ControlFrame.StatusFrame s) {
        boolean first = "?".equals(node);
        node = s.node() == null ? "?" : s.node();
        appliedVersion = s.appliedVersion();
        lastError = s.error();
        if (first) {
          log.info(
              "event=dataplane_connected node={} remote={} applied_version={}",
              node,
              ctx.channel().remoteAddress(),
              appliedVersion);
        }
        if (s.error() != null) {
          log.warn(
              "event=dataplane_refused_snapshot node={} applied_version={} reason=\"{}\"",
              node,
              appliedVersion,
              s.error());
          refused(s.appliedVersion());
        }
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      flushPending();
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (connections.remove(ctx.channel()) != null) {
        log.info(
            "event=dataplane_disconnected node={} remote={} applied_version={}",
            node,
            ctx.channel().remoteAddress(),
            appliedVersion);
      }
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug(
          "event=control_channel_error remote={} reason=\"{}\"",
          ctx.channel().remoteAddress(),
          cause.toString());
      ctx.close();
    }
  }
}
