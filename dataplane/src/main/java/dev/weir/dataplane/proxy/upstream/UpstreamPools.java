package dev.weir.dataplane.proxy.upstream;

import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.Endpoint;
import dev.weir.contract.snapshot.Settings;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.dataplane.tls.UpstreamTlsContext;
import dev.weir.dataplane.tls.UpstreamTlsContexts;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Keep-alive connections to endpoints, pooled per event loop and per endpoint, so a request is
 * proxied on its client connection's event loop without a thread hop. Pools are keyed by address
 * and port, not by snapshot: an endpoint that stays in the next snapshot keeps its warm
 * connections; idle connections to endpoints that left are closed.
 *
 * <p>The bound {@code settings.upstreamMaxConnectionsPerEndpoint} counts every open connection to
 * an endpoint across event loops. When it is reached, {@link #acquire} fails at once with {@link
 * PoolExhaustedException} (answered 503) instead of queueing: the bound exists to protect the pod,
 * a queue in the proxy would only hide its overload behind growing latency, and a waiter on one
 * event loop could not take a connection freed on another without a thread hop.
 *
 * <p>Connections to a re-encrypting backend are TLS, pooled like plain ones but apart from them: by
 * endpoint, TLS settings and verified name (see {@link #acquire}). A gRPC backend's connections are
 * HTTP/2, shared by concurrent exchanges, each on a stream of its own ({@link Http2Connections}).
 *
 * <p>Every method except {@link #retainEndpointsOf}, {@link #prepareTls} and {@link #closeAll} runs
 * on the event loop passed.
 */
public final class UpstreamPools {
  /** The endpoint already has as many connections as the settings allow. */
  public static final class PoolExhaustedException extends Exception {
    PoolExhaustedException(EndpointKey endpoint, int max) {
      super(
          "pool of " + endpoint + " is at its bound of " + max + " connections",
          null,
          false,
          false);
    }
  }

  /**
   * The backend cannot be connected to at all (its TLS Secret is unavailable or unusable): answered
   * 502 without trying another endpoint.
   */
  public static final class BackendUnusableException extends Exception {
    BackendUnusableException(String problem) {
      super(problem, null, false, false);
    }
  }

  /** The TLS handshake with an endpoint failed: its certificate did not verify, or TLS broke. */
  public static final class TlsHandshakeException extends Exception {
    TlsHandshakeException(EndpointKey endpoint, Throwable cause) {
      super("TLS handshake with " + endpoint + " failed: " + reason(cause), null, false, false);
    }

    // The verification's own words when there are some, else what TLS said.
    private static String reason(Throwable cause) {
      for (Throwable t = cause; t != null; t = t.getCause()) {
        if (t instanceof CertificateException && t.getMessage() != null) {
          return t.getMessage();
        }
      }
      return cause.getClass().getSimpleName()
          + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
  }

  /**
   * Pipeline name of an HTTP/1.1 upstream connection's one handler, its {@link
   * UpstreamResponseDecoder} (a WebSocket upgrade replaces it).
   */
  public static final String UPSTREAM_HANDLER = "upstream";

  private static final String TLS = "tls";

  private final Transport transport;
  private final Supplier<Settings> settings;
  private final UpstreamTlsContexts tlsContexts = new UpstreamTlsContexts();
  private final Http2Connections http2 = new Http2Connections(this);
  // Idle connections by pool key: an EndpointKey for plain HTTP, a TlsPoolKey for TLS.
  private final ConcurrentHashMap<EventLoop, Map<Object, ArrayDeque<UpstreamConnection>>>
      idleByLoop = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<EndpointKey, Integer> openCounts = new ConcurrentHashMap<>();
  private volatile Set<EndpointKey> liveEndpoints = Set.of();
  // Guarded by this: the backends whose endpoints liveEndpoints holds.
  private List<Backend> retainedBackends = List.of();

  public UpstreamPools(Transport transport, Supplier<Settings> settings) {
    this.transport = transport;
    this.settings = settings;
  }

  /**
   * Builds the TLS contexts of {@code snapshot}'s re-encrypting backends that are new; call before
   * the snapshot serves requests.
   */
  public void prepareTls(Snapshot snapshot) {
    tlsContexts.prepare(snapshot);
  }

  /**
   * A connection to {@code endpoint} of {@code backend} on {@code loop}: the most recently released
   * idle one unless {@code fresh}, else a new one. For a re-encrypting backend the connection is
   * TLS, complete only once its handshake (and verification) succeeded, and pooled apart from other
   * TLS settings and other verified names.
   *
   * @param requestHost the request's Host, which upstream TLS may verify and send as SNI (only a
   *     TLS backend needs it)
   */
  public Future<UpstreamConnection> acquire(
      EventLoop loop,
      Endpoint endpoint,
      Backend backend,
      String requestHost,
      long connectMillis,
      boolean fresh) {
    Promise<UpstreamConnection> promise = loop.newPromise();
    UpstreamTlsContext tls = tlsContexts.forBackend(backend);
    if (tls != null && tls.problem() != null) {
      return promise.setFailure(new BackendUnusableException(tls.problem()));
    }
    EndpointKey key = EndpointKey.of(endpoint);
    String tlsName = tls == null ? null : tls.nameFor(requestHost);
    Object poolKey = tls == null ? key : new TlsPoolKey(key, tls, tlsName);
    if (backend.protocol().http2()) {
      return http2.acquire(loop, endpoint, key, poolKey, tls, tlsName, connectMillis, fresh);
    }
    if (!fresh) {
      UpstreamConnection c = pollIdle(loop, poolKey);
      if (c != null) {
        return promise.setSuccess(c);
      }
    }
    int max = maxConnectionsPerEndpoint();
    if (!reserve(key, max)) {
      return promise.setFailure(new PoolExhaustedException(key, max));
    }
    SocketAddress address;
    try {
      address = socketAddress(endpoint);
    } catch (UnknownHostException e) {
      unreserve(key);
      return promise.setFailure(e);
    }
    ChannelFuture connect =
        bootstrap(loop, connectMillis)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    UpstreamResponseDecoder decoder = new UpstreamResponseDecoder();
                    UpstreamConnection c = new UpstreamConnection(ch, key, poolKey, decoder);
                    if (tls != null) {
                      ch.pipeline()
                          .addLast(
                              TLS, tls.newHandler(ch.alloc(), tlsName, key.port(), connectMillis));
                    }
                    decoder.deliverTo(c);
                    ch.pipeline().addLast(UPSTREAM_HANDLER, decoder);
                  }
                })
            .connect(address);
    Channel ch = connect.channel();
    ch.closeFuture().addListener(f -> unreserve(key));
    connect.addListener(
        (ChannelFuture f) -> {
          if (!f.isSuccess()) {
            promise.setFailure(f.cause());
            return;
          }
          UpstreamConnection c =
              ((UpstreamResponseDecoder) ch.pipeline().get(UPSTREAM_HANDLER)).connection();
          if (tls == null) {
            promise.setSuccess(c);
            return;
          }
          ((SslHandler) ch.pipeline().get(TLS))
              .handshakeFuture()
              .addListener(
                  h -> {
                    if (h.isSuccess()) {
                      promise.setSuccess(c);
                    } else {
                      ch.close();
                      promise.setFailure(new TlsHandshakeException(key, h.cause()));
                    }
                  });
        });
    return promise;
  }

  /**
   * The idle connection {@link #acquire} would take for the same arguments (not {@code fresh}),
   * taken out of its pool; null when there is none, or the backend is gRPC or unusable: {@link
   * #acquire} then connects or says why not. A request on a warm pool continues at once, with no
   * promise and no listener.
   */
  public UpstreamConnection takeIdle(
      EventLoop loop, Endpoint endpoint, Backend backend, String requestHost) {
    if (backend.protocol().http2()) {
      return null;
    }
    UpstreamTlsContext tls = tlsContexts.forBackend(backend);
    if (tls == null) {
      return pollIdle(loop, EndpointKey.of(endpoint));
    }
    if (tls.problem() != null) {
      return null;
    }
    return pollIdle(loop, new TlsPoolKey(EndpointKey.of(endpoint), tls, tls.nameFor(requestHost)));
  }

  private UpstreamConnection pollIdle(EventLoop loop, Object poolKey) {
    ArrayDeque<UpstreamConnection> idle = idle(loop).get(poolKey);
    while (idle != null && !idle.isEmpty()) {
      // Most recently used first: the likeliest to be alive, and the rest can idle out.
      UpstreamConnection c = idle.pollLast();
      c.pooled = false;
      if (c.channel.isActive() && c.clean()) {
        c.reused = true;
        return c;
      }
      // Out of the pool for good: an unclean one must not stay open, counted against the bound.
      c.channel.close();
    }
    return null;
  }

  /**
   * What a TLS connection is pooled by: its endpoint, its context (TLS settings) and the name it
   * verified or announced (null when neither).
   */
  private record TlsPoolKey(EndpointKey endpoint, UpstreamTlsContext tls, String name) {}

  static EndpointKey endpointOf(Object poolKey) {
    return poolKey instanceof TlsPoolKey k ? k.endpoint() : (EndpointKey) poolKey;
  }

  /**
   * A TCP connection to {@code endpoint} on {@code loop} that belongs to no pool and is not counted
   * against the per-endpoint bound: a TLS passthrough connection, relayed as bytes for as long as
   * its client keeps it. {@code handler} is its whole pipeline.
   */
  public ChannelFuture connectUnpooled(
      EventLoop loop, Endpoint endpoint, long connectMillis, ChannelHandler handler)
      throws UnknownHostException {
    SocketAddress address = socketAddress(endpoint);
    return bootstrap(loop, connectMillis)
        // Reads start once the client side is wired to it.
        .option(ChannelOption.AUTO_READ, false)
        .handler(handler)
        .connect(address);
  }

  /** A TCP connection's bootstrap on {@code loop}; the caller adds the handler. */
  Bootstrap bootstrap(EventLoop loop, long connectMillis) {
    return new Bootstrap()
        .group(loop)
        .channel(transport.clientChannel())
        .option(
            ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(connectMillis, Integer.MAX_VALUE))
        .option(ChannelOption.TCP_NODELAY, true);
  }

  /**
   * Gives a connection back: kept for reuse when {@code reusable}, else closed. An HTTP/2 stream is
   * closed either way (reset if unfinished); its connection stays for other streams.
   */
  public void release(UpstreamConnection c, boolean reusable) {
    c.detach();
    Channel ch = c.channel;
    if (c.multiplexed) {
      ch.close();
      return;
    }
    // Not clean: bytes beyond the response arrived, which must never answer a next request.
    if (!reusable || !ch.isActive() || !c.clean() || !isLive(c.endpoint)) {
      ch.close();
      return;
    }
    // A pooled connection reads so that a close or stray bytes from the server are noticed.
    ch.config().setAutoRead(true);
    EventLoop loop = ch.eventLoop();
    ArrayDeque<UpstreamConnection> idle =
        idle(loop).computeIfAbsent(c.poolKey, k -> new ArrayDeque<>());
    idle.addLast(c);
    c.pooled = true;
    c.idleSinceNanos = System.nanoTime();
    // One idle check per connection, not one timer per release: a connection reused thousands of
    // times a second would otherwise schedule and cancel a task on every request. The check
    // looks at how long the connection has been idle when it fires, and re-arms for the rest.
    if (c.idleCheck == null) {
      scheduleIdleCheck(c, idleMillis());
    }
  }

  private void scheduleIdleCheck(UpstreamConnection c, long delayMillis) {
    c.idleCheck =
        c.channel.eventLoop().schedule(() -> idleCheck(c), delayMillis, TimeUnit.MILLISECONDS);
  }

  private void idleCheck(UpstreamConnection c) {
    c.idleCheck = null;
    if (!c.pooled || !c.channel.isActive()) {
      // In use (its next release arms a new check) or already gone.
      return;
    }
    long idleMillis = settings.get().upstreamIdleMillis();
    long idleFor = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - c.idleSinceNanos);
    if (idleFor < idleMillis) {
      scheduleIdleCheck(c, idleMillis - idleFor);
      return;
    }
    ArrayDeque<UpstreamConnection> idle = idle(c.channel.eventLoop()).get(c.poolKey);
    if (idle != null) {
      idle.remove(c);
    }
    c.channel.close();
  }

  /**
   * Keeps pools only for the endpoints of {@code snapshot}: idle connections to the others are
   * closed now, busy ones when they are released.
   */
  public synchronized void retainEndpointsOf(Snapshot snapshot) {
    if (sameInstances(snapshot.backends(), retainedBackends)) {
      return; // a change that touched no backend (most of them): the same endpoints
    }
    retainedBackends = snapshot.backends();
    Set<EndpointKey> endpoints = new HashSet<>();
    for (Backend b : snapshot.backends()) {
      for (Endpoint e : b.endpoints()) {
        endpoints.add(EndpointKey.of(e));
      }
    }
    retainOnly(endpoints);
  }

  private static boolean sameInstances(List<Backend> a, List<Backend> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i) != b.get(i)) {
        return false;
      }
    }
    return true;
  }

  private void retainOnly(Set<EndpointKey> endpoints) {
    liveEndpoints = Set.copyOf(endpoints);
    http2.retainOnly(liveEndpoints);
    idleByLoop.forEach(
        (loop, pools) ->
            loop.execute(
                () -> {
                  for (Iterator<Map.Entry<Object, ArrayDeque<UpstreamConnection>>> it =
                          pools.entrySet().iterator();
                      it.hasNext(); ) {
                    Map.Entry<Object, ArrayDeque<UpstreamConnection>> e = it.next();
                    if (!liveEndpoints.contains(endpointOf(e.getKey()))) {
                      for (UpstreamConnection c : e.getValue().toArray(new UpstreamConnection[0])) {
                        c.channel.close();
                      }
                      it.remove();
                    }
                  }
                }));
  }

  /** Closes every idle connection (at shutdown, after the client connections drained). */
  public void closeAll() {
    retainOnly(Set.of());
  }

  /** Open connections to {@code endpoint}, busy or idle, on every event loop. */
  public int openConnections(String address, int port) {
    return openCounts.getOrDefault(new EndpointKey(address, port), 0);
  }

  private Map<Object, ArrayDeque<UpstreamConnection>> idle(EventLoop loop) {
    Map<Object, ArrayDeque<UpstreamConnection>> pools = idleByLoop.get(loop);
    return pools != null ? pools : idleByLoop.computeIfAbsent(loop, l -> new HashMap<>());
  }

  int maxConnectionsPerEndpoint() {
    return settings.get().upstreamMaxConnectionsPerEndpoint();
  }

  long idleMillis() {
    return settings.get().upstreamIdleMillis();
  }

  /** Whether the current snapshot still has {@code endpoint}. */
  boolean isLive(EndpointKey endpoint) {
    return liveEndpoints.contains(endpoint);
  }

  boolean reserve(EndpointKey key, int max) {
    boolean[] reserved = new boolean[1];
    openCounts.compute(
        key,
        (k, n) -> {
          int open = n == null ? 0 : n;
          if (open >= max) {
            return n;
          }
          reserved[0] = true;
          return open + 1;
        });
    return reserved[0];
  }

  void unreserve(EndpointKey key) {
    openCounts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
  }

  // SnapshotValidator admits IP literals only, so nothing here ever waits for DNS on an event
  // loop; a name that got through anyway fails the connect instead of blocking.
  static SocketAddress socketAddress(Endpoint e) throws UnknownHostException {
    byte[] ip = NetUtil.createByteArrayFromIpAddressString(e.address());
    if (ip == null) {
      throw new UnknownHostException("endpoint address is not an IP literal");
    }
    return new InetSocketAddress(InetAddress.getByAddress(ip), e.port());
  }
}
