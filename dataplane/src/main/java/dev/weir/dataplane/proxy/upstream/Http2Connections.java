package dev.weir.dataplane.proxy.upstream;

import dev.weir.contract.snapshot.Endpoint;
import dev.weir.dataplane.tls.UpstreamTlsContext;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;

/**
 * HTTP/2 connections to the endpoints of gRPC backends ({@code GRPC}: h2c with prior knowledge;
 * {@code GRPCS}: TLS with ALPN {@code h2}), pooled per event loop and pool key like HTTP/1.1 ones,
 * but shared: each exchange gets a stream of its own ({@link UpstreamConnection#multiplexed}) on a
 * connection that has room for one. A connection takes at most the pod's {@code
 * SETTINGS_MAX_CONCURRENT_STREAMS} streams, and never more than {@link #MAX_STREAMS}; past that a
 * new connection is opened, counted against the same per-endpoint bound as HTTP/1.1 connections
 * (503 beyond it, as there). A connection still connecting takes streams too: they open once it is
 * ready, so a burst of calls to a cold endpoint opens one connection, not one per call.
 *
 * <p>Runs on the event loop passed, except {@link #retainOnly}, which hops to each loop.
 */
final class Http2Connections {
  /**
   * Streams on one connection at most, whatever the pod allows (servers often allow unlimited):
   * nginx's own default for HTTP/2 clients is 128, and more streams than that on one TCP connection
   * only queue behind its congestion window.
   */
  static final int MAX_STREAMS = 128;

  private static final int MAX_RESPONSE_HEADER_BYTES = 64 * 1024;

  private final UpstreamPools pools;
  private final ConcurrentHashMap<EventLoop, Map<Object, List<Connection>>> byLoop =
      new ConcurrentHashMap<>();

  Http2Connections(UpstreamPools pools) {
    this.pools = pools;
  }

  /** One HTTP/2 connection and the streams it carries. Confined to its event loop. */
  private final class Connection {
    final EndpointKey endpoint;
    final Object poolKey;
    final Promise<Void> ready;
    Channel channel;
    Http2FrameCodec codec;
    int streams;
    boolean carriedStreams;
    boolean closed;
    long idleSinceNanos;
    ScheduledFuture<?> idleCheck;

    Connection(EventLoop loop, EndpointKey endpoint, Object poolKey) {
      this.endpoint = endpoint;
      this.poolKey = poolKey;
      this.ready = loop.newPromise();
    }

    boolean hasRoom() {
      if (closed || streams >= MAX_STREAMS) {
        return false;
      }
      if (codec == null) {
        return true; // still connecting
      }
      // local().maxActiveStreams() is what the pod's SETTINGS allow this side to open.
      return !codec.connection().goAwayReceived()
          && streams < codec.connection().local().maxActiveStreams();
    }
  }

  Future<UpstreamConnection> acquire(
      EventLoop loop,
      Endpoint endpoint,
      EndpointKey key,
      Object poolKey,
      UpstreamTlsContext tls,
      String tlsName,
      long connectMillis,
      boolean fresh) {
    Promise<UpstreamConnection> promise = loop.newPromise();
    List<Connection> connections =
        byLoop
            .computeIfAbsent(loop, l -> new HashMap<>())
            .computeIfAbsent(poolKey, k -> new ArrayList<>());
    Connection chosen = null;
    if (!fresh) {
      for (Connection c : connections) {
        if (c.hasRoom()) {
          chosen = c;
          break;
        }
      }
    }
    if (chosen == null) {
      int max = pools.maxConnectionsPerEndpoint();
      if (!pools.reserve(key, max)) {
        return promise.setFailure(new UpstreamPools.PoolExhaustedException(key, max));
      }
      SocketAddress address;
      try {
        address = UpstreamPools.socketAddress(endpoint);
      } catch (UnknownHostException e) {
        pools.unreserve(key);
        return promise.setFailure(e);
      }
      chosen = connect(loop, address, key, poolKey, tls, tlsName, connectMillis);
      if (!chosen.closed) {
        // (A connect that failed at once has closed it already; its waiter learns why below.)
        connections.add(chosen);
      }
    }
    Connection c = chosen;
    c.streams++;
    c.ready.addListener(
        f -> {
          if (f.isSuccess()) {
            openStream(c, promise);
          } else {
            c.streams--;
            promise.setFailure(f.cause());
          }
        });
    return promise;
  }

  private Connection connect(
      EventLoop loop,
      SocketAddress address,
      EndpointKey key,
      Object poolKey,
      UpstreamTlsContext tls,
      String tlsName,
      long connectMillis) {
    Connection c = new Connection(loop, key, poolKey);
    ChannelFuture connect =
        pools
            .bootstrap(loop, connectMillis)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    if (tls != null) {
                      ch.pipeline()
                          .addLast(tls.newHandler(ch.alloc(), tlsName, key.port(), connectMillis));
                    }
                    c.codec =
                        Http2FrameCodecBuilder.forClient()
                            .initialSettings(
                                Http2Settings.defaultSettings()
                                    .pushEnabled(false)
                                    .maxHeaderListSize(MAX_RESPONSE_HEADER_BYTES))
                            .build();
                    ch.pipeline()
                        .addLast(c.codec, new Http2MultiplexHandler(NoPushedStreams.INSTANCE));
                    ch.pipeline().addLast(ClosingOnError.INSTANCE);
                  }
                })
            .connect(address);
    c.channel = connect.channel();
    c.channel
        .closeFuture()
        .addListener(
            f -> {
              c.closed = true;
              pools.unreserve(key);
              List<Connection> same = byLoop.get(loop).get(poolKey);
              if (same != null) {
                same.remove(c);
              }
              // A failed connect tells its own cause (below); otherwise whoever waits for a
              // connection that never became ready learns it now.
              if (connect.isSuccess()) {
                c.ready.tryFailure(new ConnectionClosedException(key));
              }
            });
    connect.addListener(
        (ChannelFuture f) -> {
          if (!f.isSuccess()) {
            c.ready.tryFailure(f.cause());
            return;
          }
          if (tls == null) {
            c.ready.trySuccess(null);
            return;
          }
          SslHandler handler = c.channel.pipeline().get(SslHandler.class);
          handler
              .handshakeFuture()
              .addListener(
                  h -> {
                    String protocol = handler.applicationProtocol();
                    if (h.isSuccess()
                        && (protocol == null || ApplicationProtocolNames.HTTP_2.equals(protocol))) {
                      c.ready.trySuccess(null);
                    } else {
                      Throwable cause =
                          h.isSuccess()
                              ? new SSLHandshakeException(
                                  "the pod chose " + protocol + " instead of h2 by ALPN")
                              : h.cause();
                      c.ready.tryFailure(new UpstreamPools.TlsHandshakeException(key, cause));
                      c.channel.close();
                    }
                  });
        });
    return c;
  }

  private void openStream(Connection c, Promise<UpstreamConnection> promise) {
    boolean reused = c.carriedStreams;
    c.carriedStreams = true;
    UpstreamConnection[] stream = new UpstreamConnection[1];
    new Http2StreamChannelBootstrap(c.channel)
        .handler(
            new ChannelInitializer<Http2StreamChannel>() {
              @Override
              protected void initChannel(Http2StreamChannel ch) {
                stream[0] = new UpstreamConnection(ch, c.endpoint, c.poolKey, true);
                stream[0].reused = reused;
                ch.pipeline()
                    .addLast(
                        new Http2StreamFrameToHttpObjectCodec(false),
                        new Http2UpstreamStream(),
                        new UpstreamHandler(stream[0]));
              }
            })
        .open()
        .addListener(
            (Future<Http2StreamChannel> f) -> {
              if (!f.isSuccess()) {
                streamEnded(c);
                promise.setFailure(f.cause());
                return;
              }
              f.getNow().closeFuture().addListener(x -> streamEnded(c));
              promise.setSuccess(stream[0]);
            });
  }

  private void streamEnded(Connection c) {
    if (--c.streams > 0 || c.closed) {
      return;
    }
    if (!pools.isLive(c.endpoint)) {
      c.channel.close();
      return;
    }
    c.idleSinceNanos = System.nanoTime();
    if (c.idleCheck == null) {
      scheduleIdleCheck(c, pools.idleMillis());
    }
  }

  // As for HTTP/1.1 connections: one check per connection that re-arms for the rest of the idle
  // time, not a timer scheduled and cancelled per stream.
  private void scheduleIdleCheck(Connection c, long delayMillis) {
    c.idleCheck =
        c.channel.eventLoop().schedule(() -> idleCheck(c), delayMillis, TimeUnit.MILLISECONDS);
  }

  private void idleCheck(Connection c) {
    c.idleCheck = null;
    if (c.streams > 0 || c.closed) {
      return; // its last stream's end arms a new check
    }
    long idleMillis = pools.idleMillis();
    long idleFor = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - c.idleSinceNanos);
    if (idleFor < idleMillis) {
      scheduleIdleCheck(c, idleMillis - idleFor);
    } else {
      c.channel.close();
    }
  }

  /**
   * Closes the connections without streams to endpoints not in {@code live}; the busy ones close
   * when their last stream ends.
   */
  void retainOnly(Set<EndpointKey> live) {
    byLoop.forEach(
        (loop, connections) ->
            loop.execute(
                () -> {
                  for (List<Connection> list : connections.values()) {
                    for (Connection c : list.toArray(new Connection[0])) {
                      if (c.streams == 0 && !live.contains(c.endpoint)) {
                        c.channel.close();
                      }
                    }
                  }
                  // Closing removed the closed connections from their lists (on this loop).
                  connections
                      .entrySet()
                      .removeIf(
                          e ->
                              e.getValue().isEmpty()
                                  && !live.contains(UpstreamPools.endpointOf(e.getKey())));
                }));
  }

  /** The connection closed before it was ready to carry streams. */
  static final class ConnectionClosedException extends Exception {
    ConnectionClosedException(EndpointKey endpoint) {
      super("HTTP/2 connection to " + endpoint + " closed", null, false, false);
    }
  }

  /** Server push is disabled in the settings sent: a stream the pod opens anyway is closed. */
  @ChannelHandler.Sharable
  private static final class NoPushedStreams extends ChannelInboundHandlerAdapter {
    static final NoPushedStreams INSTANCE = new NoPushedStreams();

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.close();
    }
  }

  /** A connection-level error ends the connection; its streams see their channels close. */
  @ChannelHandler.Sharable
  private static final class ClosingOnError extends ChannelInboundHandlerAdapter {
    static final ClosingOnError INSTANCE = new ClosingOnError();

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
