package dev.weir.dataplane.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP/2 client over TLS (ALPN h2) on Netty's frame codec, for what the JDK's client hides:
 * trailers, and the frames of a stream one by one as they arrive (a streaming call).
 */
public final class Http2TestClient implements AutoCloseable {
  /** What arrived on a stream: a header block (head or trailers), DATA, or a reset. */
  public sealed interface Frame {}

  public record Headers(Http2Headers headers, boolean endStream) implements Frame {}

  public record Data(String content, boolean endStream) implements Frame {}

  public record Reset(long errorCode) implements Frame {}

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel connection;
  private final BlockingQueue<Long> goAways = new LinkedBlockingQueue<>();

  public Http2TestClient(SslContext tls, int port) throws InterruptedException {
    connection =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(
                            tls.newHandler(ch.alloc(), "localhost", port),
                            Http2FrameCodecBuilder.forClient().build(),
                            new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()),
                            new ChannelInboundHandlerAdapter() {
                              @Override
                              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                if (msg instanceof Http2GoAwayFrame goAway) {
                                  goAways.add(goAway.errorCode());
                                }
                                ReferenceCountUtil.release(msg);
                              }
                            });
                  }
                })
            .connect("127.0.0.1", port)
            .sync()
            .channel();
  }

  /**
   * A POST to {@code path} of {@code host} as gRPC sends it; the body follows with {@link
   * Call#send}.
   */
  public Call call(String host, String path) throws InterruptedException {
    return request(
        new DefaultHttp2Headers()
            .method("POST")
            .scheme("https")
            .authority(host)
            .path(path)
            .set("content-type", "application/grpc")
            .set("te", "trailers"),
        false);
  }

  /** A stream opened with {@code headers}. */
  public Call request(Http2Headers headers, boolean endStream) throws InterruptedException {
    Call call = new Call();
    Http2StreamChannel stream =
        new Http2StreamChannelBootstrap(connection).handler(call).open().sync().getNow();
    call.stream = stream;
    stream.writeAndFlush(new DefaultHttp2HeadersFrame(headers, endStream)).sync();
    return call;
  }

  /**
   * A stream opened with {@code headers} whose frames the client leaves unread, so that it gives no
   * window back, until {@link Call#resume}.
   */
  public Call requestPaused(Http2Headers headers, boolean endStream) throws InterruptedException {
    Call call = new Call();
    Http2StreamChannel stream =
        new Http2StreamChannelBootstrap(connection)
            .option(ChannelOption.AUTO_READ, false)
            .handler(call)
            .open()
            .sync()
            .getNow();
    call.stream = stream;
    stream.writeAndFlush(new DefaultHttp2HeadersFrame(headers, endStream)).sync();
    return call;
  }

  /** The DATA of {@code frames} as text. */
  public static String body(List<Frame> frames) {
    StringBuilder body = new StringBuilder();
    for (Frame f : frames) {
      if (f instanceof Data d) {
        body.append(d.content());
      }
    }
    return body.toString();
  }

  /** The error code of the server's GOAWAY, failing after 10 s. */
  public long awaitGoAway() throws InterruptedException {
    Long code = goAways.poll(10, TimeUnit.SECONDS);
    if (code == null) {
      throw new AssertionError("no GOAWAY within 10 s");
    }
    return code;
  }

  /** Whether the server closed the connection within 10 s. */
  public boolean closedByServer() {
    return connection.closeFuture().awaitUninterruptibly(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    connection.close().syncUninterruptibly();
    group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** One stream. */
  public static final class Call extends ChannelInboundHandlerAdapter {
    private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    private Http2StreamChannel stream;

    public void send(String content, boolean endStream) throws InterruptedException {
      stream
          .writeAndFlush(
              new DefaultHttp2DataFrame(
                  Unpooled.copiedBuffer(content, StandardCharsets.UTF_8), endStream))
          .sync();
    }

    /** Sends {@code content} as DATA without waiting for it to leave (flow control may hold it). */
    public ChannelFuture sendBytes(ByteBuf content, boolean endStream) {
      return stream.writeAndFlush(new DefaultHttp2DataFrame(content, endStream));
    }

    /** Ends the request with {@code trailers}. */
    public void sendTrailers(Http2Headers trailers) throws InterruptedException {
      stream.writeAndFlush(new DefaultHttp2HeadersFrame(trailers, true)).sync();
    }

    /** Resets the stream with CANCEL, as a client giving up on a response does. */
    public void reset() throws InterruptedException {
      stream.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL)).sync();
    }

    /** Reads the frames of a stream opened paused, giving window back as they are read. */
    public void resume() {
      stream.eventLoop().execute(() -> stream.config().setAutoRead(true));
    }

    /** The next frame of the stream if one arrives within {@code millis}, else null. */
    public Frame poll(long millis) throws InterruptedException {
      return frames.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** The next frame of the stream, failing after 10 s. */
    public Frame next() throws InterruptedException {
      Frame f = frames.poll(10, TimeUnit.SECONDS);
      if (f == null) {
        throw new AssertionError("no frame within 10 s");
      }
      return f;
    }

    /** Every frame up to the end of the stream (END_STREAM or a reset). */
    public List<Frame> rest() throws InterruptedException {
      List<Frame> all = new ArrayList<>();
      while (true) {
        Frame f = next();
        all.add(f);
        if (f instanceof Reset
            || f instanceof Headers h && h.endStream()
            || f instanceof Data d && d.endStream()) {
          return all;
        }
      }
    }

    // A received RST_STREAM reaches the stream as a user event, not as a read.
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof Http2ResetFrame r) {
        frames.add(new Reset(r.errorCode()));
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof Http2HeadersFrame h) {
          frames.add(new Headers(h.headers(), h.isEndStream()));
        } else if (msg instanceof Http2DataFrame d) {
          frames.add(new Data(d.content().toString(StandardCharsets.UTF_8), d.isEndStream()));
        } else if (msg instanceof Http2ResetFrame r) {
          frames.add(new Reset(r.errorCode()));
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }
  }
}
