package dev.weir.chart;

import dev.weir.contract.control.ControlTls;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The control channel's TLS, exactly as operator and data plane set it up ({@link ControlTls}: TLS
 * 1.3, client certificate required, host name verified), over loopback. The client verifies the
 * server's certificate against the name the data plane would dial, not against 127.0.0.1.
 */
final class ControlChannelHandshake {
  private ControlChannelHandshake() {}

  /**
   * Writes tls.crt, tls.key and ca.crt (PEM text) into a new directory, as a Secret mount would.
   */
  static Path tlsDir(Path parent, String name, Map<String, String> pemFiles) {
    try {
      Path dir = Files.createDirectories(parent.resolve(name));
      for (String file : new String[] {"tls.crt", "tls.key", "ca.crt"}) {
        Files.writeString(dir.resolve(file), pemFiles.get(file), StandardCharsets.US_ASCII);
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Null when both ends completed the handshake, else why it failed. */
  static Throwable handshake(Path operatorDir, Path dataplaneDir, String dialedHost)
      throws Exception {
    SslContext server = ControlTls.serverContext(operatorDir);
    SslContext client = ControlTls.clientContext(dataplaneDir);
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      SslHandler[] serverSide = new SslHandler[1];
      Channel listener =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      serverSide[0] = server.newHandler(ch.alloc());
                      ch.pipeline().addLast(serverSide[0]);
                    }
                  })
              .bind("127.0.0.1", 0)
              .sync()
              .channel();
      int port = ((InetSocketAddress) listener.localAddress()).getPort();
      SslHandler[] clientSide = new SslHandler[1];
      Channel connection =
          new Bootstrap()
              .group(group)
              .channel(NioSocketChannel.class)
              .handler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      clientSide[0] = client.newHandler(ch.alloc(), dialedHost, port);
                      ch.pipeline().addLast(clientSide[0]);
                    }
                  })
              .connect("127.0.0.1", port)
              .sync()
              .channel();
      Future<Channel> clientDone =
          clientSide[0].handshakeFuture().await(10, TimeUnit.SECONDS)
              ? clientSide[0].handshakeFuture()
              : null;
      try {
        if (clientDone == null) {
          return new AssertionError("handshake did not finish in 10 s");
        }
        if (!clientDone.isSuccess()) {
          return clientDone.cause();
        }
        // TLS 1.3: the server checks the client certificate after the client's handshake is done.
        Future<Channel> serverDone = serverSide[0].handshakeFuture();
        if (!serverDone.await(10, TimeUnit.SECONDS)) {
          return new AssertionError("server side of the handshake did not finish in 10 s");
        }
        if (!serverDone.isSuccess()) {
          return serverDone.cause();
        }
        String protocol = clientSide[0].engine().getSession().getProtocol();
        return "TLSv1.3".equals(protocol) ? null : new AssertionError("negotiated " + protocol);
      } finally {
        connection.close().sync();
        listener.close().sync();
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }
}
