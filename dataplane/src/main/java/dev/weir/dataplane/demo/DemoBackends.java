package dev.weir.dataplane.demo;

import dev.weir.contract.cli.Shutdown;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Tiny HTTP servers standing in for pods in the examples: each answers every request with one line
 * naming itself and what it received, so a newcomer sees which pod a request reached. Not a
 * production component; the quickstart and the snapshot example use it.
 *
 * <p>{@code java -cp weir-dataplane.jar dev.weir.dataplane.demo.DemoBackends NAME=ADDR:PORT ...}
 */
public final class DemoBackends implements AutoCloseable {
  /** A demo pod: its name and where it listens. */
  public record Pod(String name, String address, int port) {
    /** Parses {@code NAME=ADDR:PORT}. */
    public static Pod parse(String spec) {
      int eq = spec.indexOf('=');
      int colon = spec.lastIndexOf(':');
      if (eq <= 0 || colon <= eq + 1) {
        throw new IllegalArgumentException("'" + spec + "' is not NAME=ADDRESS:PORT");
      }
      return new Pod(
          spec.substring(0, eq),
          spec.substring(eq + 1, colon),
          Integer.parseInt(spec.substring(colon + 1)));
    }
  }

  private final EventLoopGroup group;
  private final List<Channel> channels;

  private DemoBackends(EventLoopGroup group, List<Channel> channels) {
    this.group = group;
    this.channels = channels;
  }

  public static DemoBackends start(List<Pod> pods) throws InterruptedException {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    List<Channel> channels = new ArrayList<>();
    try {
      for (Pod pod : pods) {
        channels.add(
            new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(
                    new ChannelInitializer<SocketChannel>() {
                      @Override
                      protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                            .addLast(new HttpServerCodec())
                            // Bodies are counted as they stream, never held: a demo pod takes
                            // an upload of any size, so a 413 seen in the quickstart is Weir's.
                            .addLast(new HttpServerExpectContinueHandler())
                            .addLast(new Answer(pod.name()));
                      }
                    })
                .bind(pod.address(), pod.port())
                .sync()
                .channel());
      }
    } catch (RuntimeException | InterruptedException e) {
      group.shutdownGracefully();
      throw e;
    }
    return new DemoBackends(group, channels);
  }

  @Override
  public void close() {
    channels.forEach(c -> c.close().syncUninterruptibly());
    // Nothing is in flight that needs Netty's default two-second quiet period.
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  public static void main(String[] args) throws InterruptedException {
    if (args.length == 0) {
      System.err.println("usage: DemoBackends NAME=ADDRESS:PORT ...");
      System.exit(2);
    }
    List<Pod> pods = new ArrayList<>();
    for (String arg : args) {
      pods.add(Pod.parse(arg));
    }
    DemoBackends backends = start(pods);
    pods.forEach(
        p -> System.out.println("demo pod " + p.name() + " on " + p.address() + ":" + p.port()));
    Shutdown.awaitThenRun(backends::close);
  }

  private static final class Answer extends SimpleChannelInboundHandler<HttpObject> {
    private final String name;
    private HttpRequest request;
    private long bodyBytes;

    Answer(String name) {
      this.name = name;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject message) {
      if (message instanceof HttpRequest head) {
        request = head;
        bodyBytes = 0;
      }
      if (message instanceof HttpContent content) {
        bodyBytes += content.content().readableBytes();
      }
      if (message instanceof LastHttpContent && request != null) {
        answer(ctx, request, bodyBytes);
        request = null;
      }
    }

    private void answer(ChannelHandlerContext ctx, HttpRequest request, long bodyBytes) {
      String body =
          "pod="
              + name
              + " method="
              + request.method()
              + " host="
              + request.headers().get(HttpHeaderNames.HOST)
              + " path="
              + request.uri()
              + " x-forwarded-for="
              + request.headers().get("x-forwarded-for")
              + " x-forwarded-proto="
              + request.headers().get("x-forwarded-proto")
              + (bodyBytes > 0 ? " body-bytes=" + bodyBytes : "")
              + "\n";
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              HttpResponseStatus.OK,
              Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
      response
          .headers()
          .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
          .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
          .set("x-demo-pod", name);
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      HttpUtil.setKeepAlive(response, keepAlive);
      var written = ctx.writeAndFlush(response);
      if (!keepAlive) {
        written.addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
