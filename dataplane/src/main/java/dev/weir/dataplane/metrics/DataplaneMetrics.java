package dev.weir.dataplane.metrics;

import dev.weir.contract.admin.IntegerSamples;
import dev.weir.contract.cli.BuildInfo;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The data plane's meters. Meters are looked up once per (host, backend) and cached, so a request
 * costs a map hit and a few atomic adds, not a registry lookup. Tags carry the matched virtual host
 * (never the raw Host header, which a client controls) and backend ids; latency histograms use a
 * fixed, short bucket list to keep the series count bounded at 10,000 hosts, and a host's duration
 * histogram of a status class exists only once a request of that class was answered.
 */
public final class DataplaneMetrics {
  private static final Duration[] LATENCY_BUCKETS = {
    Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
    Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
    Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5),
    Duration.ofSeconds(10), Duration.ofSeconds(30)
  };
  private static final String NO_HOST = "_none";
  private static final String NO_BACKEND = "_none";
  // Versions are wall-clock milliseconds: printed positionally, not as 1.733212345678E12.
  private static final IntegerSamples VERSIONS = IntegerSamples.of("weir_snapshot_version");

  private final PrometheusMeterRegistry registry;
  private final ConcurrentHashMap<RouteKey, RouteMeters> routes = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, HostMeters> hosts = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<UpstreamFailureKey, Counter> upstreamFailures =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Timer> upstreamLatency = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> passthrough = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> ejections = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AtomicInteger> ejected = new ConcurrentHashMap<>();
  private final Timer downstreamLatency;
  private final AtomicLong activeHttp = new AtomicLong();
  private final AtomicLong activeHttps = new AtomicLong();
  private final Counter fullHandshakes;
  private final Counter resumedHandshakes;
  private final Counter failedHandshakes;
  private final AtomicLong snapshotVersion = new AtomicLong(-1);
  private final Counter snapshotApplies;
  private final Counter snapshotRejects;
  private final Counter accessLogDropped;
  private final LongAdder rateLimitEvictions = new LongAdder();

  public DataplaneMetrics() {
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Gauge.builder("weir.build.info", () -> 1)
        .description("The version and git commit this process was built from")
        .tag("version", BuildInfo.CURRENT.version())
        .tag("commit", BuildInfo.CURRENT.commit())
        .register(registry);
    this.downstreamLatency =
        Timer.builder("weir.downstream.latency")
            .description(
                "Time from a request's head arriving to its response's last byte being written")
            .serviceLevelObjectives(LATENCY_BUCKETS)
            .register(registry);
    Gauge.builder("weir.connections.active", activeHttp, AtomicLong::get)
        .description("Open client connections")
        .tag("listener", "http")
        .register(registry);
    Gauge.builder("weir.connections.active", activeHttps, AtomicLong::get)
        .description("Open client connections")
        .tag("listener", "https")
        .register(registry);
    this.fullHandshakes = handshakeCounter("full");
    this.resumedHandshakes = handshakeCounter("resumed");
    this.failedHandshakes = handshakeCounter("failed");
    Gauge.builder("weir.snapshot.version", snapshotVersion, AtomicLong::get)
        .description("Version of the snapshot being served (-1 before the first)")
        .register(registry);
    this.snapshotApplies =
        Counter.builder("weir.snapshot.applies")
            .description("Snapshots applied")
            .register(registry);
    this.snapshotRejects =
        Counter.builder("weir.snapshot.rejects")
            .description("Snapshots refused as invalid; the previous one kept serving")
            .register(registry);
    this.accessLogDropped =
        Counter.builder("weir.access.log.dropped")
            .description("Access log lines dropped because the writer fell behind")
            .register(registry);
    FunctionCounter.builder("weir.ratelimit.evictions", rateLimitEvictions, LongAdder::sum)
        .description("Client addresses dropped from a full rate-limit zone")
        .register(registry);
  }

  private Counter handshakeCounter(String kind) {
    return Counter.builder("weir.tls.handshakes")
        .description("TLS handshakes on the HTTPS listener, by kind")
        .tag("kind", kind)
        .register(registry);
  }

  /** Counts client addresses dropped from full rate-limit zones. */
  public LongAdder rateLimitEvictions() {
    return rateLimitEvictions;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return VERSIONS.format(registry.scrape());
  }

  /** Meters of one (virtual host, backend) pair; either may be null for unrouted requests. */
  public RouteMeters route(String virtualHost, String backend) {
    RouteKey key =
        new RouteKey(
            virtualHost == null ? NO_HOST : virtualHost, backend == null ? NO_BACKEND : backend);
    return cached(routes, key, this::newRouteMeters);
  }

  // A plain get first: computeIfAbsent may lock its bin even when the key is present.
  private static <K, M> M cached(ConcurrentHashMap<K, M> meters, K key, Function<K, M> register) {
    M found = meters.get(key);
    return found != null ? found : meters.computeIfAbsent(key, register);
  }

  private RouteMeters newRouteMeters(RouteKey key) {
    Counter[] byClass = new Counter[6];
    for (int c = 1; c <= 5; c++) {
      byClass[c] =
          Counter.builder("weir.requests")
              .description("Requests answered, by matched host, backend and status class")
              .tag("host", key.host())
              .tag("backend", key.backend())
              .tag("status", c + "xx")
              .register(registry);
    }
    return new RouteMeters(
        byClass, downstreamLatency, hosts.computeIfAbsent(key.host(), this::newHostMeters));
  }

  private HostMeters newHostMeters(String host) {
    return new HostMeters(
        registry,
        host,
        Counter.builder("weir.request.bytes")
            .description("Request body bytes received from clients, by matched host")
            .baseUnit("bytes")
            .tag("host", host)
            .register(registry),
        Counter.builder("weir.response.bytes")
            .description("Response body bytes sent to clients, by matched host")
            .baseUnit("bytes")
            .tag("host", host)
            .register(registry));
  }

  /**
   * An attempt to reach {@code backend} failed for {@code reason} (connect, tls_handshake,
   * read_timeout...): counted whether or not its log line is rate-limited away.
   */
  public void upstreamFailure(String backend, String reason) {
    cached(
            upstreamFailures,
            new UpstreamFailureKey(backend == null ? NO_BACKEND : backend, reason),
            k ->
                Counter.builder("weir.upstream.failures")
                    .description("Failed attempts to reach a backend, by backend and reason")
                    .tag("backend", k.backend())
                    .tag("reason", k.reason())
                    .register(registry))
        .increment();
  }

  /** Time an upstream took from request sent to response head received. */
  public void upstreamLatency(String backend, long nanos) {
    cached(
            upstreamLatency,
            backend,
            b ->
                Timer.builder("weir.upstream.latency")
                    .description(
                        "Time from a request being sent upstream to the response head arriving")
                    .tag("backend", b)
                    .serviceLevelObjectives(LATENCY_BUCKETS)
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * A TLS passthrough connection to {@code backend} was relayed to an endpoint ({@code relayed}),
   * or closed because no endpoint could be connected.
   */
  public void passthroughConnection(String backend, boolean relayed) {
    cached(
            passthrough,
            (relayed ? "relayed " : "failed ") + backend,
            k ->
                Counter.builder("weir.passthrough.connections")
                    .description(
                        "TLS passthrough connections, by backend and outcome (relayed, failed)")
                    .tag("backend", backend)
                    .tag("outcome", relayed ? "relayed" : "failed")
                    .register(registry))
        .increment();
  }

  /** An endpoint of {@code backend} was ejected for failing. */
  public void endpointEjected(String backend) {
    cached(
            ejections,
            backend,
            b ->
                Counter.builder("weir.upstream.ejections")
                    .description("Endpoints taken out of balancing for failing, by backend")
                    .tag("backend", b)
                    .register(registry))
        .increment();
  }

  /**
   * The number of {@code backend}'s endpoints ejected now, exposed as a gauge: the outlier
   * detection counts in it. One per backend for the life of the process.
   */
  public AtomicInteger ejectedEndpoints(String backend) {
    return cached(
        ejected,
        backend,
        b -> {
          AtomicInteger count = new AtomicInteger();
          Gauge.builder("weir.upstream.ejected.endpoints", count, AtomicInteger::get)
              .description("Endpoints ejected for failing now, by backend")
              .tag("backend", b)
              .strongReference(true)
              .register(registry);
          return count;
        });
  }

  public void connectionOpened(boolean tls) {
    (tls ? activeHttps : activeHttp).incrementAndGet();
  }

  public void connectionClosed(boolean tls) {
    (tls ? activeHttps : activeHttp).decrementAndGet();
  }

  public void handshake(boolean resumed) {
    (resumed ? resumedHandshakes : fullHandshakes).increment();
  }

  public void handshakeFailed() {
    failedHandshakes.increment();
  }

  public void snapshotApplied(long version) {
    snapshotVersion.set(version);
    snapshotApplies.increment();
  }

  /** An access log line found the writer's queue full. */
  public void accessLogDropped() {
    accessLogDropped.increment();
  }

  public void snapshotRejected() {
    snapshotRejects.increment();
  }

  private record RouteKey(String host, String backend) {}

  private record UpstreamFailureKey(String backend, String reason) {}

  /** Meters of one virtual host, shared by its routes. */
  private static final class HostMeters {
    private final MeterRegistry registry;
    private final String host;
    private final Counter requestBytes;
    private final Counter responseBytes;
    // By status class (index 1..5), registered when a request of the class is first answered.
    private final AtomicReferenceArray<Timer> durations = new AtomicReferenceArray<>(6);

    HostMeters(MeterRegistry registry, String host, Counter requestBytes, Counter responseBytes) {
      this.registry = registry;
      this.host = host;
      this.requestBytes = requestBytes;
      this.responseBytes = responseBytes;
    }

    Timer duration(int statusClass) {
      Timer timer = durations.get(statusClass);
      if (timer == null) {
        // Two threads may both register: the registry hands both the same timer.
        timer =
            Timer.builder("weir.request.duration")
                .description(
                    "Time from a request's head arriving to its response's end, by matched host"
                        + " and status class")
                .tag("host", host)
                .tag("status_class", statusClass + "xx")
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
        durations.set(statusClass, timer);
      }
      return timer;
    }
  }

  /** Cached meters of one route; {@link #completed} is the only call on the request path. */
  public static final class RouteMeters {
    private final Counter[] byStatusClass;
    private final Timer latency;
    private final HostMeters host;

    private RouteMeters(Counter[] byStatusClass, Timer latency, HostMeters host) {
      this.byStatusClass = byStatusClass;
      this.latency = latency;
      this.host = host;
    }

    /** A request answered without a body either way (refused before it was routed). */
    public void completed(int status, long durationNanos) {
      completed(status, durationNanos, 0, 0);
    }

    /**
     * A request answered with {@code status} after {@code durationNanos}, having read {@code
     * requestBodyBytes} of its body and written {@code responseBodyBytes} of the response's.
     */
    public void completed(
        int status, long durationNanos, long requestBodyBytes, long responseBodyBytes) {
      int statusClass = status / 100;
      if (statusClass >= 1 && statusClass <= 5) {
        byStatusClass[statusClass].increment();
        host.duration(statusClass).record(durationNanos, TimeUnit.NANOSECONDS);
      }
      latency.record(durationNanos, TimeUnit.NANOSECONDS);
      if (requestBodyBytes > 0) {
        host.requestBytes.increment(requestBodyBytes);
      }
      if (responseBodyBytes > 0) {
        host.responseBytes.increment(responseBodyBytes);
      }
    }
  }
}
