package dev.weir.dataplane.extauth;

import dev.weir.contract.snapshot.Timeouts;
import dev.weir.dataplane.extauth.AuthService.AuthEndpoint;
import dev.weir.dataplane.proxy.upstream.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * Sends external-auth sub-requests (HTTP/1.1, plain or TLS) on the event loop of the request they
 * authorise, so a request never changes thread. One per data plane, shared by every route.
 *
 * <p>Connections are kept only for routes that ask for it ({@code auth-keepalive}): per event loop
 * and auth service, at most that many idle, each for at most so many sub-requests and so long idle;
 * otherwise each sub-request has a connection of its own, closed after it ({@code Connection:
 * close}), as ingress-nginx's default is.
 *
 * <p>The auth URL's host is a name more often than not (a Service's DNS name, or the request's own
 * host with {@code $host}): it is resolved by the JDK's resolver on a thread of its own, never on
 * an event loop, and remembered for {@link #ADDRESS_TTL_MILLIS}. TLS to the auth service sends the
 * host as SNI and verifies nothing, as nginx's {@code proxy_ssl_verify off} default does.
 */
public final class AuthClient {
  static final long ADDRESS_TTL_MILLIS = 30_000;

  /** {@code auth-keepalive}, {@code -requests} and {@code -timeout}; connections 0: none kept. */
  record Keepalive(int connections, int requests, long timeoutMillis) {
    static final Keepalive NONE = new Keepalive(0, 1, 1);
  }

  private record Resolved(InetAddress address, long expiresNanos) {}

  private final Transport transport;
  // Made on first use: most data planes never resolve a name.
  private ExecutorService resolver;
  private final ConcurrentHashMap<String, Resolved> addresses = new ConcurrentHashMap<>();
  // Touched only on their own event loop.
  private final ConcurrentHashMap<EventLoop, Map<AuthEndpoint, ArrayDeque<AuthConnection>>> idle =
      new ConcurrentHashMap<>();
  private volatile SslContext tls;

  private AuthClient(Transport transport) {
    this.transport = transport;
  }

  private synchronized ExecutorService resolver() {
    if (resolver == null) {
      resolver =
          Executors.newFixedThreadPool(
              2,
              r -> {
                Thread t = new Thread(r, "weir-auth-resolver");
                t.setDaemon(true);
                return t;
              });
    }
    return resolver;
  }

  public static AuthClient create(Transport transport) {
    return new AuthClient(transport);
  }

  /**
   * Sends one sub-request without a body; the future completes on {@code loop} with the response
   * head, or fails (no address, no connection, a broken response, the read timeout).
   */
  Future<AuthResponse> send(
      EventLoop loop,
      AuthService service,
      HttpMethod method,
      HttpHeaders headers,
      Timeouts timeouts,
      Keepalive keepalive) {
    Promise<AuthResponse> promise = loop.newPromise();
    FullHttpRequest request =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, method, service.pathAndQuery(), Unpooled.EMPTY_BUFFER);
    request.headers().set(headers);
    if (keepalive.connections() == 0) {
      request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    AuthEndpoint endpoint = service.endpoint();
    AuthConnection pooled = pooled(loop, endpoint);
    if (pooled != null) {
      pooled.send(request, promise, timeouts.readMillis());
      return promise;
    }
    resolve(loop, service.host())
        .addListener(
            (Future<InetAddress> address) -> {
              if (!address.isSuccess()) {
                request.release();
                promise.tryFailure(address.cause());
                return;
              }
              connect(loop, endpoint, address.getNow(), timeouts.connectMillis(), keepalive)
                  .addListener(
                      (Future<AuthConnection> c) -> {
                        if (c.isSuccess()) {
                          c.getNow().send(request, promise, timeouts.readMillis());
                        } else {
                          request.release();
                          promise.tryFailure(c.cause());
                        }
                      });
            });
    return promise;
  }

  private AuthConnection pooled(EventLoop loop, AuthEndpoint endpoint) {
    Map<AuthEndpoint, ArrayDeque<AuthConnection>> pools = idle.get(loop);
    ArrayDeque<AuthConnection> connections = pools == null ? null : pools.get(endpoint);
    while (connections != null && !connections.isEmpty()) {
      AuthConnection c = connections.pollLast();
      if (c.usable()) {
        return c;
      }
      c.channel.close();
    }
    return null;
  }

  /** Keeps {@code c} for the next sub-request to its service, or closes it if there is no room. */
  void release(AuthConnection c) {
    EventLoop loop = c.channel.eventLoop();
    ArrayDeque<AuthConnection> connections =
        idle.computeIfAbsent(loop, l -> new HashMap<>())
            .computeIfAbsent(c.endpoint, e -> new ArrayDeque<>());
    connections.addLast(c);
    while (connections.size() > c.keepalive.connections()) {
      connections.pollFirst().channel.close();
    }
    c.idleUntil(
        () -> {
          connections.remove(c);
          c.channel.close();
        });
  }

  private Future<InetAddress> resolve(EventLoop loop, String host) {
    Promise<InetAddress> promise = loop.newPromise();
    byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
    if (literal != null) {
      try {
        return promise.setSuccess(InetAddress.getByAddress(host, literal));
      } catch (UnknownHostException impossible) {
        return promise.setFailure(impossible);
      }
    }
    Resolved known = addresses.get(host);
    if (known != null && known.expiresNanos - System.nanoTime() > 0) {
      return promise.setSuccess(known.address);
    }
    resolver()
        .execute(
            () -> {
              try {
                InetAddress address = InetAddress.getByName(host);
                addresses.put(
                    host,
                    new Resolved(
                        address,
                        System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ADDRESS_TTL_MILLIS)));
                promise.trySuccess(address);
              } catch (UnknownHostException | SecurityException e) {
                promise.tryFailure(e);
              }
            });
    return promise;
  }

  private Future<AuthConnection> connect(
      EventLoop loop,
      AuthEndpoint endpoint,
      InetAddress address,
      long connectMillis,
      Keepalive keepalive) {
    Promise<AuthConnection> promise = loop.newPromise();
    SslContext context;
    try {
      context = endpoint.tls() ? tlsContext() : null;
    } catch (SSLException e) {
      return promise.setFailure(e);
    }
    AuthConnection[] made = new AuthConnection[1];
    ChannelFuture connect =
        new Bootstrap()
            .group(loop)
            .channel(transport.clientChannel())
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(connectMillis, Integer.MAX_VALUE))
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    if (context != null) {
                      SslHandler handler =
                          context.newHandler(ch.alloc(), endpoint.host(), endpoint.port());
                      handler.setHandshakeTimeoutMillis(connectMillis);
                      ch.pipeline().addLast(handler);
                    }
                    made[0] = new AuthConnection(AuthClient.this, ch, endpoint, keepalive);
                    ch.pipeline().addLast(new HttpClientCodec(), made[0]);
                  }
                })
            .connect(new InetSocketAddress(address, endpoint.port()));
    connect.addListener(
        (ChannelFuture f) -> {
          if (!f.isSuccess()) {
            promise.setFailure(f.cause());
            return;
          }
          SslHandler handler = f.channel().pipeline().get(SslHandler.class);
          if (handler == null) {
            promise.setSuccess(made[0]);
            return;
          }
          handler
              .handshakeFuture()
              .addListener(
                  h -> {
                    if (h.isSuccess()) {
                      promise.setSuccess(made[0]);
                    } else {
                      f.channel().close();
                      promise.setFailure(h.cause());
                    }
                  });
        });
    return promise;
  }

  private SslContext tlsContext() throws SSLException {
    SslContext context = tls;
    if (context == null) {
      // A benign race: every thread builds an equivalent context.
      context =
          SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
      tls = context;
    }
    return context;
  }
}
