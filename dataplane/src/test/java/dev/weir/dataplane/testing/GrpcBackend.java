package dev.weir.dataplane.testing;

import dev.weir.contract.snapshot.Endpoint;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC-like pod: HTTP/2 with prior knowledge (h2c), or over TLS when given a server context (with
 * ALPN h2). Per stream, by {@code :path}:
 *
 * <ul>
 *   <li>{@code /test.Echo/Unary}: collects the request body, then answers headers ({@code
 *       content-type: application/grpc}), the body back as one DATA frame, and trailers {@code
 *       grpc-status: 0}, {@code grpc-message: served by ID}.
 *   <li>{@code /test.Echo/Stream}: answers headers at once, echoes each DATA frame as it arrives,
 *       and ends with the same trailers when the request ends.
 *   <li>{@code /test.Echo/Missing}: a Trailers-Only answer ({@code grpc-status: 5}, one HEADERS
 *       frame with END_STREAM).
 * </ul>
 *
 * Every request's header block is kept ({@link #requests}).
 */
public final class GrpcBackend implements AutoCloseable {
  private final String id;
  private final EventLoopGroup group;
  private final Channel server;
  private final List<Http2Headers> requests = new CopyOnWriteArrayList<>();
  private final List<Channel> connections = new CopyOnWriteArrayList<>();

  private GrpcBackend(String id, SslContext tls, int maxConcurrentStreams)
      throws InterruptedException {
    this.id = id;
    this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    this.server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    connections.add(ch);
                    if (tls != null) {
                      ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                    }
                    ch.pipeline()
                        .addLast(
                            Http2FrameCodecBuilder.forServer()
                                .initialSettings(
                                    Http2Settings.defaultSettings()
                                        .maxConcurrentStreams(maxConcurrentStreams))
                                .build(),
                            new Http2MultiplexHandler(
                                new ChannelInitializer<Channel>() {
                                  @Override
                                  protected void initChannel(Channel stream) {
                                    stream.pipeline().addLast(new Call());
                                  }
                                }));
                  }
                })
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
  }

  /** An h2c pod. */
  public static GrpcBackend start(String id) throws InterruptedException {
    return new GrpcBackend(id, null, Integer.MAX_VALUE);
  }

  /** A pod over TLS with {@code tls} (which must offer h2 by ALPN). */
  public static GrpcBackend startTls(String id, SslContext tls) throws InterruptedException {
    return new GrpcBackend(id, tls, Integer.MAX_VALUE);
  }

  /** An h2c pod that allows {@code maxConcurrentStreams} streams per connection. */
  public static GrpcBackend start(String id, int maxConcurrentStreams) throws InterruptedException {
    return new GrpcBackend(id, null, maxConcurrentStreams);
  }

  public Endpoint endpoint() {
    return Endpoint.ready("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort());
  }

  /** The header blocks of the requests received, in order. */
  public List<Http2Headers> requests() {
    return requests;
  }

  /** Connections accepted so far. */
  public int connectionCount() {
    return connections.size();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    // Accepted connections too: a pooled connection left open to a stopped pod would make the
    // next test's request wait for a timeout instead of failing over at once.
    for (Channel c : connections) {
      c.close().syncUninterruptibly();
    }
    group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private Http2Headers trailers() {
    return new DefaultHttp2Headers().set("grpc-status", "0").set("grpc-message", "served by " + id);
  }

  private static Http2Headers head() {
    return new DefaultHttp2Headers().status("200").set("content-type", "application/grpc");
  }

  /** One call (stream). */
  private final class Call extends ChannelInboundHandlerAdapter {
    private String path;
    private ByteBuf body;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof Http2HeadersFrame headers) {
          requests.add(headers.headers());
          path = String.valueOf(headers.headers().path());
          if (path.endsWith("/Missing")) {
            ctx.writeAndFlush(
                new DefaultHttp2HeadersFrame(
                    head().set("grpc-status", "5").set("grpc-message", "no such thing"), true));
          } else if (path.endsWith("/Stream")) {
            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(head()));
          } else {
            body = Unpooled.buffer();
          }
          if (headers.isEndStream()) {
            ended(ctx);
          }
        } else if (msg instanceof Http2DataFrame data) {
          if (path.endsWith("/Stream")) {
            if (data.content().isReadable()) {
              ctx.writeAndFlush(new DefaultHttp2DataFrame(data.content().retain()));
            }
          } else if (body != null) {
            body.writeBytes(data.content());
          }
          if (data.isEndStream()) {
            ended(ctx);
          }
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private void ended(ChannelHandlerContext ctx) {
      if (path.endsWith("/Missing")) {
        return;
      }
      if (body != null) {
        ctx.write(new DefaultHttp2HeadersFrame(head()));
        ctx.write(new DefaultHttp2DataFrame(body));
        body = null;
      }
      ctx.writeAndFlush(new DefaultHttp2HeadersFrame(trailers(), true));
    }
  }
}
