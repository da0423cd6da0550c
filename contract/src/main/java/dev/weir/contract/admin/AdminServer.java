package dev.weir.contract.admin;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
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
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin port: {@code /healthz} (the process answers), {@code /readyz} (a snapshot is applied
 * and the process is not draining) and {@code /metrics} (Prometheus text). It has its own event
 * loop, so a slow scrape never delays proxied traffic, and proxied load never starves a probe.
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final EventLoopGroup group;
  private final Channel channel;

  private AdminServer(EventLoopGroup group, Channel channel) {
    this.group = group;
    this.channel = channel;
  }

  /**
   * Binds the admin port.
   *
   * @param metricsText the Prometheus text exposition, produced per scrape
   * @param ready true once the served configuration is applied and while not draining
   */
  public static AdminServer start(
      String bindAddress, int port, Supplier<String> metricsText, BooleanSupplier ready)
      throws InterruptedException {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      Channel channel =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline()
                          .addLast(new ReadTimeoutHandler(30))
                          .addLast(new HttpServerCodec(4096, 8192, 8192))
                          .addLast(new HttpObjectAggregator(8192))
                          .addLast(new AdminHandler(metricsText, ready));
                    }
                  })
              .bind(bindAddress, port)
              .sync()
              .channel();
      log.info(
          "event=admin_listening address={} port={}",
          bindAddress,
          ((InetSocketAddress) channel.localAddress()).getPort());
      return new AdminServer(group, channel);
    } catch (RuntimeException | InterruptedException e) {
      group.shutdownGracefully();
      throw e;
    }
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    // Nothing is in flight that needs Netty's default two-second quiet period.
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final Supplier<String> metricsText;
    private final BooleanSupplier ready;

    AdminHandler(Supplier<String> metricsText, BooleanSupplier ready) {
      this.metricsText = metricsText;
      this.ready = ready;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      if (!request.decoderResult().isSuccess()) {
        respond(ctx, request, HttpResponseStatus.BAD_REQUEST, "bad request\n", "text/plain");
        return;
      }
      String path = new QueryStringDecoder(request.uri()).path();
      boolean known = path.equals("/healthz") || path.equals("/readyz") || path.equals("/metrics");
      if (!known) {
        respond(ctx, request, HttpResponseStatus.NOT_FOUND, "not found\n", "text/plain");
      } else if (!request.method().equals(HttpMethod.GET)
          && !request.method().equals(HttpMethod.HEAD)) {
        respond(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET\n", "text/plain");
      } else if (path.equals("/healthz")) {
        respond(ctx, request, HttpResponseStatus.OK, "ok\n", "text/plain");
      } else if (path.equals("/readyz")) {
        boolean isReady = ready.getAsBoolean();
        respond(
            ctx,
            request,
            isReady ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
            isReady ? "ready\n" : "not ready\n",
            "text/plain");
      } else {
        respond(ctx, request, HttpResponseStatus.OK, metricsText.get(), PROMETHEUS_TEXT);
      }
    }

    private static void respond(
        ChannelHandlerContext ctx,
        FullHttpRequest request,
        HttpResponseStatus status,
        String body,
        String contentType) {
      ByteBuf content =
          request.method().equals(HttpMethod.HEAD)
              ? Unpooled.EMPTY_BUFFER
              : Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
      FullHttpResponse response =
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
      response
          .headers()
          .set(HttpHeaderNames.CONTENT_TYPE, contentType)
          .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
          .setInt(HttpHeaderNames.CONTENT_LENGTH, body.getBytes(StandardCharsets.UTF_8).length);
      boolean keepAlive = HttpUtil.isKeepAlive(request) && request.decoderResult().isSuccess();
      HttpUtil.setKeepAlive(response, keepAlive);
      var future = ctx.writeAndFlush(response);
      if (!keepAlive) {
        future.addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
