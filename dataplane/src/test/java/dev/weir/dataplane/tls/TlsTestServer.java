package dev.weir.dataplane.tls;

import dev.weir.dataplane.metrics.DataplaneMetrics;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A loopback TLS server shaped like the data plane's HTTPS listener: {@link SniHandler} over a
 * swappable {@link SniCertificateStore}, then {@link HandshakeRecorder}. After each handshake it
 * writes one line, {@code alpn=<protocol> resumed=<true|false> protocol=<TLS version>}.
 */
final class TlsTestServer implements AutoCloseable {
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final AtomicReference<SniCertificateStore> store;
  private final DataplaneMetrics metrics = new DataplaneMetrics();
  private final Channel channel;

  TlsTestServer(SniCertificateStore initial) throws InterruptedException {
    this.store = new AtomicReference<>(initial);
    this.channel =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new SniHandler(name -> store.get().map(name)));
                    ch.pipeline().addLast(new HandshakeRecorder(metrics));
                    ch.pipeline().addLast(new Reporter());
                  }
                })
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
  }

  int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  void swap(SniCertificateStore next) {
    store.set(next);
  }

  DataplaneMetrics metrics() {
    return metrics;
  }

  double handshakes(String kind) {
    return metrics.registry().get("weir.tls.handshakes").tag("kind", kind).counter().count();
  }

  /** Waits (bounded) until the handshake counter of {@code kind} reaches {@code expected}. */
  double awaitHandshakes(String kind, double expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (handshakes(kind) < expected && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    return handshakes(kind);
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static final class Reporter extends ChannelInboundHandlerAdapter {
    private long startedMillis;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      startedMillis = System.currentTimeMillis();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof SslHandshakeCompletionEvent e && e.isSuccess()) {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        String line =
            "alpn="
                + ssl.applicationProtocol()
                + " resumed="
                + HandshakeRecorder.isResumed(ssl.engine(), startedMillis)
                + " protocol="
                + ssl.engine().getSession().getProtocol()
                + "\n";
        ctx.writeAndFlush(Unpooled.copiedBuffer(line, StandardCharsets.US_ASCII));
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
