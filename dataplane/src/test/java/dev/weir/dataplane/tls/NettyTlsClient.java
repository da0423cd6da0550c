package dev.weir.dataplane.tls;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A Netty TLS client over loopback. Its engines are made for the peer {@code (sni, 443)}, which is
 * what the client session cache is keyed by (for both the OpenSSL and the JDK provider): two
 * servers on different real ports then look like two replicas behind one address, and the second
 * one is offered the session the first one issued. (The JDK's SSLSocket keys its cache by the
 * socket's real port, so it cannot play this client.)
 */
final class NettyTlsClient implements AutoCloseable {
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final SslContext context;

  NettyTlsClient(SslContext context) {
    this.context = context;
  }

  /** Handshakes with {@code sni} and returns the server's report line; throws the failure. */
  String connect(int port, String sni) throws Throwable {
    CompletableFuture<String> line = new CompletableFuture<>();
    // Kept from the initializer: a refused handshake may close the channel and empty its pipeline
    // before a lookup there could find the handler.
    SslHandler[] tls = new SslHandler[1];
    Channel ch =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel c) {
                    tls[0] = context.newHandler(c.alloc(), sni, 443);
                    c.pipeline().addLast(tls[0]);
                    c.pipeline()
                        .addLast(
                            new SimpleChannelInboundHandler<ByteBuf>() {
                              private final StringBuilder received = new StringBuilder();

                              @Override
                              protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                                received.append(msg.toString(StandardCharsets.US_ASCII));
                                int end = received.indexOf("\n");
                                if (end >= 0) {
                                  line.complete(received.substring(0, end));
                                }
                              }

                              @Override
                              public void channelInactive(ChannelHandlerContext ctx) {
                                line.completeExceptionally(
                                    new IllegalStateException("closed before a report"));
                              }
                            });
                  }
                })
            .connect("127.0.0.1", port)
            .sync()
            .channel();
    try {
      Future<Channel> handshake = tls[0].handshakeFuture();
      if (!handshake.await(5, TimeUnit.SECONDS)) {
        throw new AssertionError("handshake did not finish within 5s");
      }
      if (!handshake.isSuccess()) {
        throw handshake.cause();
      }
      return line.get(5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause();
    } catch (TimeoutException e) {
      throw new AssertionError("no server report within 5s", e);
    } finally {
      ch.close().sync();
    }
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
