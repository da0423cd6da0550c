package dev.weir.dataplane.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.contract.snapshot.Endpoint;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * A test backend: an HTTP/1.1 server on a loopback address that tells who answered and what it
 * received. In {@link Mode#JSON} it answers every request with an {@link Echo} as JSON; in {@link
 * Mode#STREAM_BODY} it streams the request body back as the response body; in {@link
 * Mode#WEBSOCKET} it accepts a WebSocket upgrade with 101 and then echoes raw bytes. {@link
 * #start(String, String, Mode, Duration)} adds a delay before each response head (JSON and
 * WebSocket modes).
 */
public final class EchoBackend implements AutoCloseable {
  /** How the backend answers. */
  public enum Mode {
    JSON,
    STREAM_BODY,
    WEBSOCKET,
    /**
     * JSON, but the second request on a connection is read to its end and answered by closing the
     * connection: a server whose keep-alive timeout fires just as a request arrives, after the
     * proxy's pool had every reason to believe the connection alive.
     */
    CLOSE_ON_SECOND_REQUEST
  }

  /**
   * What a {@link Mode#JSON} backend reports about the request it received.
   *
   * @param headers header names in lower case, values in arrival order
   */
  public record Echo(
      String instance,
      String method,
      String uri,
      Map<String, List<String>> headers,
      long bodyLength) {
    public static Echo parse(String json) {
      try {
        return MAPPER.readValue(json, Echo.class);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("not an echo: " + json, e);
      }
    }

    /** The single value of a header, or null; fails when it was sent more than once. */
    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      if (values == null) {
        return null;
      }
      if (values.size() != 1) {
        throw new AssertionError(name + " was received " + values.size() + " times: " + values);
      }
      return values.get(0);
    }
  }

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  private final String id;
  private final Mode mode;
  private final Duration delay;
  private final EventLoopGroup group;
  private final Channel server;
  // Accepted connections, closed with the backend so that a client sees them end at once.
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger completeRequests = new AtomicInteger();
  private final List<String> serverNames = new CopyOnWriteArrayList<>();
  private final List<String> clientSubjects = new CopyOnWriteArrayList<>();

  private EchoBackend(String id, String address, int port, Mode mode, Duration delay)
      throws InterruptedException {
    this(id, address, port, mode, delay, null);
  }

  private EchoBackend(
      String id, String address, int port, Mode mode, Duration delay, SslContext tls)
      throws InterruptedException {
    this.id = id;
    this.mode = mode;
    this.delay = delay;
    this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    this.server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    connections.add(ch);
                    if (tls != null) {
                      ch.pipeline()
                          .addLast("tls", new SniHandler(name -> serverNameSeen(name, tls)));
                      ch.pipeline().addLast("tls-peer", new ClientSubjectRecorder());
                    }
                    ch.pipeline().addLast("codec", new HttpServerCodec());
                    ch.pipeline().addLast("echo", new EchoHandler());
                  }
                })
            .bind(address, port)
            .sync()
            .channel();
  }

  /** A JSON echo backend on 127.0.0.1. */
  public static EchoBackend start(String id) throws InterruptedException {
    return start(id, "127.0.0.1", Mode.JSON, Duration.ZERO);
  }

  /**
   * A backend on {@code address} (any 127.0.0.x works on Linux, to tell endpoints apart), port
   * chosen by the system.
   */
  public static EchoBackend start(String id, String address, Mode mode, Duration delay)
      throws InterruptedException {
    return new EchoBackend(id, address, 0, mode, delay);
  }

  /**
   * A JSON echo backend on 127.0.0.1 behind TLS with {@code server} (a server context: its
   * certificate, and whether it asks for a client certificate); it records the SNI names and client
   * certificates it sees.
   */
  public static EchoBackend startTls(String id, SslContext server) throws InterruptedException {
    return new EchoBackend(id, "127.0.0.1", 0, Mode.JSON, Duration.ZERO, server);
  }

  /** The SNI name of each TLS connection so far, "" for a ClientHello without one. */
  public List<String> serverNames() {
    return List.copyOf(serverNames);
  }

  /** The subject (RFC 2253) of each client certificate presented so far. */
  public List<String> clientSubjects() {
    return List.copyOf(clientSubjects);
  }

  private SslContext serverNameSeen(String name, SslContext tls) {
    serverNames.add(name == null ? "" : name);
    return tls;
  }

  /** Records the client certificate of a finished handshake, if any. */
  private final class ClientSubjectRecorder extends ChannelInboundHandlerAdapter {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof SslHandshakeCompletionEvent done && done.isSuccess()) {
        try {
          SSLSession session = ctx.pipeline().get(SslHandler.class).engine().getSession();
          clientSubjects.add(
              ((X509Certificate) session.getPeerCertificates()[0])
                  .getSubjectX500Principal()
                  .getName());
        } catch (SSLPeerUnverifiedException e) {
          // no client certificate
        }
      }
      ctx.fireUserEventTriggered(evt);
    }
  }

  /** A JSON echo backend on a given port, e.g. to restart one where it was. */
  public static EchoBackend startOnPort(String id, String address, int port)
      throws InterruptedException {
    return new EchoBackend(id, address, port, Mode.JSON, Duration.ZERO);
  }

  public String id() {
    return id;
  }

  public String address() {
    return ((InetSocketAddress) server.localAddress()).getAddress().getHostAddress();
  }

  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /** This backend as a ready snapshot endpoint. */
  public Endpoint endpoint() {
    return Endpoint.ready(address(), port());
  }

  /** Request heads received so far. */
  public int requestCount() {
    return requests.get();
  }

  /**
   * Requests received to their end as framed (Content-Length reached, last chunk read); a body cut
   * short by a closed connection does not count.
   */
  public int completeRequestCount() {
    return completeRequests.get();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    connections.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private final class EchoHandler extends ChannelInboundHandlerAdapter {
    private HttpRequest request;
    private long bodyLength;
    private int requestsOnConnection;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest r) {
        requests.incrementAndGet();
        requestsOnConnection++;
        request = r;
        bodyLength = 0;
        if (mode == Mode.WEBSOCKET && r.headers().contains(HttpHeaderNames.UPGRADE)) {
          ReferenceCountUtil.release(msg);
          later(ctx, () -> acceptWebSocket(ctx, r));
          return;
        }
        if (mode == Mode.STREAM_BODY) {
          later(ctx, () -> streamHead(ctx, r));
        }
      }
      if (msg instanceof LastHttpContent last && last.decoderResult().isSuccess()) {
        completeRequests.incrementAndGet();
      }
      if (msg instanceof HttpContent content) {
        bodyLength += content.content().readableBytes();
        if (mode == Mode.STREAM_BODY) {
          // Echo the bytes as they come, reading on only while the peer keeps up.
          ctx.writeAndFlush(content.retain());
          if (!ctx.channel().isWritable()) {
            ctx.channel().config().setAutoRead(false);
          }
        } else if (content instanceof LastHttpContent
            && mode == Mode.CLOSE_ON_SECOND_REQUEST
            && requestsOnConnection == 2) {
          ctx.close();
        } else if (content instanceof LastHttpContent) {
          HttpRequest r = request;
          long length = bodyLength;
          later(ctx, () -> answerJson(ctx, r, length));
        }
      }
      ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel().isWritable()) {
        ctx.channel().config().setAutoRead(true);
      }
    }

    private void later(ChannelHandlerContext ctx, Runnable action) {
      if (delay.isZero()) {
        action.run();
      } else {
        ctx.executor().schedule(action, delay.toMillis(), TimeUnit.MILLISECONDS);
      }
    }

    private void answerJson(ChannelHandlerContext ctx, HttpRequest r, long length) {
      Map<String, List<String>> headers = new LinkedHashMap<>();
      r.headers()
          .forEach(
              e ->
                  headers
                      .computeIfAbsent(e.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                      .add(e.getValue()));
      byte[] body;
      try {
        body = MAPPER.writeValueAsBytes(new Echo(id, r.method().name(), r.uri(), headers, length));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(body));
      response
          .headers()
          .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
          .set("x-echo-instance", id)
          .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
      boolean keepAlive = HttpUtil.isKeepAlive(r);
      if (!keepAlive) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      }
      var written = ctx.writeAndFlush(response);
      if (!keepAlive) {
        written.addListener(ChannelFutureListener.CLOSE);
      }
    }

    private void streamHead(ChannelHandlerContext ctx, HttpRequest r) {
      HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      response.headers().set("x-echo-instance", id);
      if (HttpUtil.isContentLengthSet(r)) {
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, HttpUtil.getContentLength(r));
      } else {
        response.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      }
      ctx.writeAndFlush(response);
    }

    private void acceptWebSocket(ChannelHandlerContext ctx, HttpRequest r) {
      String key = r.headers().get(HttpHeaderNames.SEC_WEBSOCKET_KEY, "");
      HttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS, Unpooled.EMPTY_BUFFER);
      response
          .headers()
          .set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET)
          .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE)
          .set(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT, acceptKey(key));
      ctx.writeAndFlush(response);
      // From here on: raw bytes, echoed.
      ctx.pipeline().remove("codec");
      ctx.pipeline()
          .replace(
              this,
              "bytes",
              new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext c, Object msg) {
                  if (msg instanceof ByteBuf) {
                    c.writeAndFlush(msg);
                  } else {
                    // The removed codec's end-of-request marker.
                    ReferenceCountUtil.release(msg);
                  }
                }
              });
    }
  }

  private static String acceptKey(String key) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-1")
              .digest((key + WEBSOCKET_GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
