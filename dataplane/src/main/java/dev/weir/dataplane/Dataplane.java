package dev.weir.dataplane;

import dev.weir.contract.cli.AccessLogFormat;
import dev.weir.contract.cli.Edge;
import dev.weir.contract.cli.OutlierSettings;
import dev.weir.contract.snapshot.InvalidSnapshotException;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.SnapshotDelta;
import dev.weir.contract.snapshot.SnapshotUpdate;
import dev.weir.contract.snapshot.SnapshotValidator;
import dev.weir.dataplane.accesslog.AccessLog;
import dev.weir.dataplane.balance.OutlierDetection;
import dev.weir.dataplane.extauth.AuthClient;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.proxy.ListenerContext;
import dev.weir.dataplane.proxy.http.TrustedProxies;
import dev.weir.dataplane.proxy.listener.ClientConnections;
import dev.weir.dataplane.proxy.listener.PlainListenerInitializer;
import dev.weir.dataplane.proxy.listener.TlsListenerInitializer;
import dev.weir.dataplane.proxy.upstream.Transport;
import dev.weir.dataplane.proxy.upstream.UpstreamPools;
import dev.weir.dataplane.ratelimit.RateLimitZones;
import dev.weir.dataplane.routing.CompiledSnapshot;
import dev.weir.dataplane.routing.RouteOptions;
import dev.weir.dataplane.tls.ServerTls;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data plane server: an HTTP and an HTTPS listener proxying to the backends of the current
 * snapshot. {@link #apply} compiles a snapshot and swaps it in with one volatile write; requests in
 * flight finish on the snapshot they started with. Only what changed is validated and compiled
 * again (the update's delta, or the difference from the current snapshot when it has none that
 * applies), so applying a one-host change costs about one host.
 *
 * <p>The listeners are bound by the first {@link #apply}, not at start: until a data plane has a
 * snapshot its ports refuse connections, so a client (or a load balancer's health check) never gets
 * the 404s of an empty routing table from a replica that has just started.
 */
public final class Dataplane implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Dataplane.class);
  private static final long SHUTDOWN_POLL_MILLIS = 20;

  /**
   * Listener settings.
   *
   * @param bindAddress address both listeners bind to
   * @param httpPort plain HTTP port; 0 = any free port, -1 = no HTTP listener
   * @param httpsPort HTTPS port; 0 = any free port, -1 = no HTTPS listener
   * @param drainTimeout how long {@link #shutdown} lets in-flight requests finish
   * @param ioThreads event loops; each accepts, serves its client connections and keeps its own
   *     upstream pools
   * @param httpsRedirectPort the port in the https URLs plain HTTP is redirected to (443: none in
   *     the URL; 0: the HTTPS listener's own port, for a data plane clients reach directly)
   * @param edge PROXY protocol, trusted proxies and the access log
   * @param transport the socket transport asked for (the first available of its choices is used)
   * @param outliers when failing endpoints are ejected from balancing
   */
  public record Options(
      String bindAddress,
      int httpPort,
      int httpsPort,
      Duration drainTimeout,
      int ioThreads,
      int httpsRedirectPort,
      Edge edge,
      Transport.Preference transport,
      OutlierSettings outliers) {
    public static final int DEFAULT_HTTPS_REDIRECT_PORT = 443;

    public Options {
      Objects.requireNonNull(bindAddress, "bindAddress");
      Objects.requireNonNull(drainTimeout, "drainTimeout");
      Objects.requireNonNull(edge, "edge");
      Objects.requireNonNull(transport, "transport");
      Objects.requireNonNull(outliers, "outliers");
      if (ioThreads < 1) {
        throw new IllegalArgumentException("ioThreads must be at least 1, not " + ioThreads);
      }
    }

    /**
     * With the transport {@link Transport.Preference#AUTO} picks and {@link
     * OutlierSettings#DEFAULTS}.
     */
    public Options(
        String bindAddress,
        int httpPort,
        int httpsPort,
        Duration drainTimeout,
        int ioThreads,
        int httpsRedirectPort,
        Edge edge) {
      this(
          bindAddress,
          httpPort,
          httpsPort,
          drainTimeout,
          ioThreads,
          httpsRedirectPort,
          edge,
          Transport.Preference.AUTO,
          OutlierSettings.DEFAULTS);
    }

    /** With {@link Edge#DEFAULTS} but no access log: what a test (or an embedding) starts. */
    public Options(
        String bindAddress,
        int httpPort,
        int httpsPort,
        Duration drainTimeout,
        int ioThreads,
        int httpsRedirectPort) {
      this(
          bindAddress,
          httpPort,
          httpsPort,
          drainTimeout,
          ioThreads,
          httpsRedirectPort,
          Edge.DEFAULTS.withAccessLog(AccessLogFormat.OFF));
    }

    public Options(
        String bindAddress, int httpPort, int httpsPort, Duration drainTimeout, int ioThreads) {
      this(bindAddress, httpPort, httpsPort, drainTimeout, ioThreads, DEFAULT_HTTPS_REDIRECT_PORT);
    }

    /** One event loop per available processor. */
    public Options(String bindAddress, int httpPort, int httpsPort, Duration drainTimeout) {
      this(bindAddress, httpPort, httpsPort, drainTimeout, defaultIoThreads());
    }

    /** These options, redirecting plain HTTP to https URLs with {@code port}. */
    public Options withHttpsRedirectPort(int port) {
      return with(port, edge, transport, outliers);
    }

    /** These options, meeting clients as {@code edge} says. */
    public Options withEdge(Edge edge) {
      return with(httpsRedirectPort, edge, transport, outliers);
    }

    /** These options, with the socket transport {@code transport} asks for. */
    public Options withTransport(Transport.Preference transport) {
      return with(httpsRedirectPort, edge, transport, outliers);
    }

    /** These options, ejecting failing endpoints as {@code outliers} says. */
    public Options withOutliers(OutlierSettings outliers) {
      return with(httpsRedirectPort, edge, transport, outliers);
    }

    private Options with(
        int port, Edge edge, Transport.Preference transport, OutlierSettings outliers) {
      return new Options(
          bindAddress,
          httpPort,
          httpsPort,
          drainTimeout,
          ioThreads,
          port,
          edge,
          transport,
          outliers);
    }

    /** The processors this JVM may use (its CPU affinity or container limit). */
    public static int defaultIoThreads() {
      return Runtime.getRuntime().availableProcessors();
    }
  }

  /**
   * Turns a snapshot's certificates into the SNI mapping; {@link ServerTls#compile} in production.
   */
  interface SniCompiler {
    Mapping<String, SslContext> compile(Snapshot snapshot) throws InvalidSnapshotException;

    /** As {@link #compile(Snapshot)} for a snapshot {@code delta} made of the last compiled one. */
    default Mapping<String, SslContext> compile(Snapshot snapshot, SnapshotDelta delta)
        throws InvalidSnapshotException {
      return compile(snapshot);
    }
  }

  private final Options options;
  private final DataplaneMetrics metrics;
  private final SniCompiler sni;
  // The TLS this data plane made for itself (null when a test passed its own SniCompiler); closed
  // with it.
  private final ServerTls tls;
  private final EventLoopGroup workers;
  private final UpstreamPools pools;
  private final ClientConnections connections;
  private final TrustedProxies trustedProxies;
  private final AccessLog accessLog;
  private volatile CompiledSnapshot current;
  private final Object applyLock = new Object();
  // Guarded by applyLock: the current snapshot's validation, for the next by delta.
  private SnapshotValidator.Validated validated;
  private volatile boolean applied;
  private final Transport transport;
  // Set once by the first apply (under this); read by any thread.
  private volatile Channel httpChannel;
  private volatile Channel httpsChannel;
  private boolean shutDown;

  private Dataplane(
      Options options,
      DataplaneMetrics metrics,
      SniCompiler sni,
      ServerTls ownTls,
      Transport transport,
      CompiledSnapshot initial,
      AccessLog accessLog) {
    this.options = options;
    this.trustedProxies = TrustedProxies.of(options.edge().forwardedHeadersTrustedFrom());
    this.accessLog = accessLog;
    this.metrics = metrics;
    this.sni = sni;
    this.tls = ownTls;
    this.current = initial;
    try {
      this.validated =
          SnapshotValidator.validate(initial.snapshot(), (SnapshotValidator.Validated) null);
    } catch (InvalidSnapshotException e) {
      throw new IllegalStateException("the empty snapshot is not valid", e);
    }
    this.transport = transport;
    this.workers = transport.newGroup(options.ioThreads());
    this.pools = new UpstreamPools(transport, () -> current.snapshot().settings());
    this.connections = new ClientConnections(metrics);
  }

  /**
   * Starts the data plane; its listeners are bound when the first snapshot is applied. The access
   * log, if the options ask for one, goes to standard output.
   *
   * @throws IllegalArgumentException when a trusted proxy range is not a CIDR
   */
  public static Dataplane start(Options options, DataplaneMetrics metrics)
      throws InterruptedException {
    AccessLog accessLog = AccessLog.toStandardOutput(options.edge().accessLog(), metrics);
    try {
      return start(options, metrics, accessLog);
    } catch (InterruptedException | RuntimeException e) {
      accessLog.close();
      throw e;
    }
  }

  /**
   * As {@link #start(Options, DataplaneMetrics)}, logging to {@code accessLog} (closed with it).
   */
  public static Dataplane start(Options options, DataplaneMetrics metrics, AccessLog accessLog)
      throws InterruptedException {
    ServerTls tls = ServerTls.create();
    SniCompiler sni =
        new SniCompiler() {
          @Override
          public Mapping<String, SslContext> compile(Snapshot snapshot)
              throws InvalidSnapshotException {
            return tls.compile(snapshot);
          }

          @Override
          public Mapping<String, SslContext> compile(Snapshot snapshot, SnapshotDelta delta)
              throws InvalidSnapshotException {
            return tls.compile(snapshot, delta);
          }
        };
    try {
      return start(options, metrics, sni, tls, accessLog);
    } catch (InterruptedException | RuntimeException e) {
      tls.close();
      throw e;
    }
  }

  static Dataplane start(Options options, DataplaneMetrics metrics, SniCompiler sni)
      throws InterruptedException {
    return start(options, metrics, sni, null, AccessLog.OFF);
  }

  private static Dataplane start(
      Options options,
      DataplaneMetrics metrics,
      SniCompiler sni,
      ServerTls ownTls,
      AccessLog accessLog)
      throws InterruptedException {
    Transport.Choice choice = Transport.choose(options.transport());
    Transport transport = choice.transport();
    if (!choice.fellBack()) {
      log.info(
          "event=transport name={} requested={} io_threads={}",
          transport.name(),
          options.transport().id(),
          options.ioThreads());
    } else {
      // One line says what was refused and why, so a sandbox without io_uring is diagnosed.
      log.info(
          "event=transport name={} requested={} io_threads={} unavailable=\"{}\"",
          transport.name(),
          options.transport().id(),
          options.ioThreads(),
          choice.unavailableText().replace('"', '\''));
    }
    CompiledSnapshot initial;
    try {
      // Every later snapshot compiles with the options of the one before.
      initial =
          CompiledSnapshot.compile(
              Snapshot.empty(),
              sni.compile(Snapshot.empty()),
              null,
              // 0 (the listener's port) is only known after binding, by the first apply, which
              // then compiles again: 443 stands in until then.
              new RouteOptions(
                  options.httpsRedirectPort() != 0
                      ? options.httpsRedirectPort()
                      : options.httpsPort() > 0
                          ? options.httpsPort()
                          : Options.DEFAULT_HTTPS_REDIRECT_PORT,
                  RateLimitZones.create(metrics.rateLimitEvictions()),
                  new OutlierDetection(options.outliers(), metrics, System::nanoTime),
                  AuthClient.create(transport)));
    } catch (InvalidSnapshotException e) {
      throw new IllegalStateException("the empty snapshot does not compile", e);
    }
    return new Dataplane(options, metrics, sni, ownTls, transport, initial, accessLog);
  }

  /**
   * A listener could not be bound when the first snapshot was applied (its port in use, no
   * permission): the snapshot is current, but nothing can reach it.
   */
  public static final class ListenerBindException extends RuntimeException {
    ListenerBindException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Binds the listeners unless they are (or the data plane is shut down). Under this, so that a
   * shutdown either finds them bound and closes them or keeps them from being bound; a data plane
   * that has no listeners yet has no connections to drain, so this never waits long.
   */
  private synchronized void bindOnce() {
    if (shutDown || httpChannel != null || httpsChannel != null) {
      return;
    }
    try {
      bind(transport);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeListeners();
      throw new ListenerBindException("interrupted while binding the listeners", e);
    } catch (RuntimeException e) {
      closeListeners();
      // Netty rethrows the socket's checked BindException as is. The data plane stays unready;
      // the snapshot's source applies again (a reconnect, the file's next change) and retries.
      log.error(
          "event=listen_failed address={} reason=\"{}\"", options.bindAddress(), e.toString());
      throw new ListenerBindException(
          "cannot listen on " + options.bindAddress() + ": " + e.getMessage(), e);
    }
  }

  private void closeListeners() {
    for (Channel ch : new Channel[] {httpChannel, httpsChannel}) {
      if (ch != null) {
        ch.close().syncUninterruptibly();
      }
    }
    httpChannel = null;
    httpsChannel = null;
  }

  /** The socket transport serving the listeners and upstream connections. */
  public Transport.Kind transport() {
    return transport.kind();
  }

  private void bind(Transport transport) throws InterruptedException {
    if (options.httpPort() >= 0) {
      ListenerContext ctx = listenerContext(false);
      httpChannel =
          bind(transport, options.httpPort(), new PlainListenerInitializer(ctx, connections));
      log.info("event=listening listener=http address={}", httpChannel.localAddress());
    }
    if (options.httpsPort() >= 0) {
      ListenerContext ctx = listenerContext(true);
      httpsChannel =
          bind(
              transport,
              options.httpsPort(),
              new TlsListenerInitializer(ctx, connections, options.drainTimeout()));
      log.info("event=listening listener=https address={}", httpsChannel.localAddress());
    }
  }

  private ListenerContext listenerContext(boolean https) {
    return new ListenerContext(
        https,
        metrics,
        () -> current,
        pools,
        options.edge().proxyProtocol(),
        trustedProxies,
        accessLog);
  }

  private Channel bind(Transport transport, int port, ChannelHandler initializer)
      throws InterruptedException {
    return new ServerBootstrap()
        // The listeners accept on one of the workers rather than on a thread of their own: an
        // accepted connection is then registered without waking another thread, which counts
        // when every request is a new TLS connection.
        .group(workers, workers)
        .channel(transport.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(initializer)
        .bind(options.bindAddress(), port)
        .sync()
        .channel();
  }

  /**
   * Compiles {@code update.snapshot()} (routing, certificates, backends) and serves it from now on.
   * An invalid snapshot is refused with the reason and the current one keeps serving. The update's
   * delta, when it was made from the snapshot served now, is what gets validated and compiled. The
   * first snapshot applied binds the listeners.
   *
   * @throws ListenerBindException when the first snapshot's listeners cannot be bound
   */
  public void apply(SnapshotUpdate update) throws InvalidSnapshotException {
    // A lock of its own, not this: shutdown() holds this while connections drain, and an apply
    // from an event loop must not wait that long.
    synchronized (applyLock) {
      applyLocked(update);
    }
  }

  /** As {@link #apply(SnapshotUpdate)} for a snapshot given without a delta. */
  public void apply(Snapshot snapshot) throws InvalidSnapshotException {
    apply(SnapshotUpdate.full(snapshot));
  }

  private void applyLocked(SnapshotUpdate update) throws InvalidSnapshotException {
    Snapshot snapshot = update.snapshot();
    if (!applied && options.httpsRedirectPort() == 0 && options.httpsPort() == 0) {
      // Redirects name the HTTPS listener's port, chosen at random: bound first, so the snapshot
      // compiles with it (every later one compiles with the options of the one before). A
      // connection accepted meanwhile waits for its request to be read, by when it is current.
      bindOnce();
      if (httpsChannel != null) {
        current =
            CompiledSnapshot.compile(
                Snapshot.empty(),
                current.sni(),
                null,
                current.routes().options().withHttpsRedirectPort(httpsPort()));
      }
    }
    CompiledSnapshot previous = current;
    CompiledSnapshot compiled;
    SnapshotValidator.Validated valid;
    try {
      // The current snapshot passed validation (or is the empty one), and only the difference is
      // validated and compiled: the delta given, when it was made from the current snapshot. When
      // none was given (a snapshot file, a full frame) or it was made from another one (this data
      // plane refused that), the difference from the current snapshot: one walk when the new one
      // shares its objects, an equality check of each when it was decoded whole.
      SnapshotDelta delta =
          update
              .deltaFrom(previous.snapshot())
              .or(() -> SnapshotDelta.between(previous.snapshot(), snapshot))
              .orElse(null);
      if (delta != null) {
        valid = SnapshotValidator.validate(snapshot, validated, delta);
        compiled =
            CompiledSnapshot.compile(snapshot, sni.compile(snapshot, delta), previous, delta);
      } else {
        valid = SnapshotValidator.validate(snapshot, validated);
        compiled = CompiledSnapshot.compile(snapshot, sni.compile(snapshot), previous);
      }
    } catch (InvalidSnapshotException e) {
      metrics.snapshotRejected();
      log.warn(
          "event=snapshot_rejected version={} problems=\"{}\"",
          snapshot.version(),
          e.getMessage().replace('"', '\''));
      throw e;
    }
    pools.prepareTls(snapshot);
    current = compiled;
    validated = valid;
    if (!applied) {
      bindOnce();
    }
    applied = true;
    pools.retainEndpointsOf(snapshot);
    metrics.snapshotApplied(snapshot.version());
    log.info(
        "event=snapshot_applied version={} virtual_hosts={} backends={}",
        snapshot.version(),
        snapshot.virtualHosts().size(),
        snapshot.backends().size());
  }

  public Snapshot current() {
    return current.snapshot();
  }

  /** Readiness: true once a snapshot has been applied and the listeners are bound. */
  public boolean hasSnapshot() {
    return applied;
  }

  /** The HTTP listener's port; -1 before the first snapshot is applied, or with no listener. */
  public int httpPort() {
    return port(httpChannel);
  }

  public int httpsPort() {
    return port(httpsChannel);
  }

  private static int port(Channel ch) {
    return ch == null ? -1 : ((InetSocketAddress) ch.localAddress()).getPort();
  }

  /**
   * Stops accepting connections, lets in-flight requests finish for up to the drain timeout, then
   * closes everything. Blocks; never call it from an event loop.
   */
  public synchronized void shutdown() {
    if (shutDown) {
      return;
    }
    shutDown = true;
    long deadline = System.nanoTime() + options.drainTimeout().toNanos();
    for (Channel ch : new Channel[] {httpChannel, httpsChannel}) {
      if (ch != null) {
        ch.close().syncUninterruptibly();
      }
    }
    int draining = connections.openCount();
    log.info(
        "event=draining connections={} timeout_ms={}", draining, options.drainTimeout().toMillis());
    connections.drainAll();
    while (connections.openCount() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(SHUTDOWN_POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    int left = connections.openCount();
    connections.closeAll();
    pools.closeAll();
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    if (tls != null) {
      tls.close();
    }
    accessLog.close();
    log.info("event=stopped connections_cut={}", left);
  }

  @Override
  public void close() {
    shutdown();
  }
}
