package dev.weir.operator.metrics;

import dev.weir.contract.admin.IntegerSamples;
import dev.weir.contract.cli.BuildInfo;
import dev.weir.operator.state.ObjectRef;
import dev.weir.operator.state.ResourceKind;
import dev.weir.operator.tickets.TicketKeyRing;
import dev.weir.operator.translate.Diagnostic;
import dev.weir.operator.translate.Reason;
import dev.weir.operator.translate.Translation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The operator's meters: objects watched by kind, translation time, the published snapshot's
 * version and size, connected data planes and the version each runs, current diagnostics by reason
 * (and the objects they name, by kind and reason), session-ticket keys published and rotated, time
 * until each served certificate expires.
 *
 * <p>What depends on the latest translation is read from it at each scrape, so warnings that time
 * alone raises (a certificate about to expire) are counted when they apply, not at the next change.
 */
public final class OperatorMetrics {
  /** A connected data plane as the metrics see it. */
  public record DataPlane(String node, long appliedVersion) {}

  // Versions are wall-clock milliseconds: printed positionally, not as 1.733212345678E12.
  private static final IntegerSamples VERSIONS =
      IntegerSamples.of(
          "weir_operator_snapshot_version", "weir_operator_dataplane_applied_version");

  private record KindReason(String kind, Reason reason) {}

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Timer translation;
  private final AtomicLong snapshotVersion = new AtomicLong(-1);
  private final AtomicReference<LongSupplier> snapshotBytes = new AtomicReference<>(() -> 0);
  private final AtomicLong deltaBytes = new AtomicLong(-1);
  private final Map<Reason, AtomicLong> diagnostics = new EnumMap<>(Reason.class);
  // Registered when a kind first has a diagnostic of a reason, then kept (at 0 once resolved): the
  // kinds a diagnostic can name are Weir's own few, so this stays small.
  private final Map<KindReason, AtomicLong> diagnosticObjects = new ConcurrentHashMap<>();
  private final AtomicReference<Supplier<Map<ResourceKind, Integer>>> counts =
      new AtomicReference<>(Map::of);
  private final MultiGauge dataPlanes;
  private final MultiGauge certificateExpiry;
  private final AtomicReference<Supplier<Translation>> latestTranslation =
      new AtomicReference<>(() -> null);
  private final AtomicReference<Clock> expiryClock = new AtomicReference<>(Clock.systemUTC());
  private final AtomicReference<Function<Translation, List<Diagnostic>>> warnings =
      new AtomicReference<>(t -> List.of());
  private final Supplier<List<DataPlane>> dataPlaneSource;
  private final Counter ticketKeyRotations;
  private final AtomicReference<Supplier<TicketKeyRing>> ticketKeys =
      new AtomicReference<>(TicketKeyRing::empty);
  private final AtomicReference<Clock> ticketKeyClock = new AtomicReference<>(Clock.systemUTC());

  public OperatorMetrics(Supplier<List<DataPlane>> dataPlaneSource) {
    this.dataPlaneSource = dataPlaneSource;
    Gauge.builder("weir.build.info", () -> 1)
        .description("The version and git commit this process was built from")
        .tag("version", BuildInfo.CURRENT.version())
        .tag("commit", BuildInfo.CURRENT.commit())
        .register(registry);
    this.translation =
        Timer.builder("weir.operator.translation")
            .description("Time to translate the cluster state into a snapshot")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    Gauge.builder("weir.operator.snapshot.version", snapshotVersion, AtomicLong::get)
        .description("Version of the latest published snapshot (-1 before the first)")
        .register(registry);
    // Read at scrape time: the full frame of a large snapshot is encoded only when asked for.
    Gauge.builder("weir.operator.snapshot.bytes", snapshotBytes, s -> s.get().getAsLong())
        .description(
            "Size of the latest published snapshot as a full frame (gzipped JSON), as "
                + "sent on connect")
        .baseUnit("bytes")
        .register(registry);
    Gauge.builder("weir.operator.snapshot.delta.bytes", deltaBytes, AtomicLong::get)
        .description(
            "Size of the latest published snapshot's delta frame against the previous "
                + "one (gzipped JSON), as sent to data planes that hold the previous one; -1: none")
        .baseUnit("bytes")
        .register(registry);
    for (Reason reason : Reason.values()) {
      AtomicLong count = new AtomicLong();
      diagnostics.put(reason, count);
      Gauge.builder("weir.operator.diagnostics", count, AtomicLong::get)
          .description(
              "Current problems by reason: the latest translation's diagnostics and the"
                  + " certificate expiry warnings as of the scrape")
          .tag("reason", reason.camelCase())
          .register(registry);
    }
    for (ResourceKind kind : ResourceKind.values()) {
      Gauge.builder(
              "weir.operator.objects.watched", counts, c -> c.get().get().getOrDefault(kind, 0))
          .description("Objects of each kind in the watched cluster state")
          .tag("kind", kind.kindName())
          .register(registry);
    }
    this.dataPlanes =
        MultiGauge.builder("weir.operator.dataplane.applied.version")
            .description("Snapshot version each connected data plane reports it serves")
            .register(registry);
    this.certificateExpiry =
        MultiGauge.builder("weir.operator.certificate.expiry")
            .description(
                "Time until each certificate served from a TLS Secret expires (its chain's "
                    + "earliest notAfter), by the Secret's namespace and name; negative once expired")
            .baseUnit("seconds")
            .register(registry);
    Gauge.builder("weir.operator.dataplanes.connected", () -> dataPlaneSource.get().size())
        .description("Data planes connected to this operator")
        .register(registry);
    this.ticketKeyRotations =
        Counter.builder("weir.operator.ticket.key.rotations")
            .description(
                "Session-ticket key rotations this operator made (in a cluster: written to the "
                    + "Secret as leader)")
            .register(registry);
    Gauge.builder("weir.operator.ticket.keys", ticketKeys, k -> k.get().get().keys().size())
        .description("Session-ticket keys in the snapshots this operator publishes")
        .register(registry);
    Gauge.builder("weir.operator.ticket.key.age", ticketKeys, this::encryptingKeyAgeSeconds)
        .description(
            "Age of the session-ticket key that encrypts new tickets (-1: none yet); above the "
                + "rotation interval for long, rotation is not happening")
        .baseUnit("seconds")
        .register(registry);
  }

  /** Where the session-ticket keys published come from, and the clock their age is read on. */
  public void ticketKeys(Supplier<TicketKeyRing> keys, Clock clock) {
    ticketKeys.set(keys);
    ticketKeyClock.set(clock);
  }

  public void ticketKeysRotated() {
    ticketKeyRotations.increment();
  }

  private double encryptingKeyAgeSeconds(AtomicReference<Supplier<TicketKeyRing>> keys) {
    Instant created = keys.get().get().encryptingKeyCreated();
    return created == null
        ? -1
        : Duration.between(created, ticketKeyClock.get().instant()).toMillis() / 1000.0;
  }

  /**
   * Where the served certificates' expiries and the current diagnostics come from (the latest
   * translation, null before the first), and the clock the time left is read on at each scrape.
   */
  public void certificateExpiries(Supplier<Translation> latest, Clock clock) {
    latestTranslation.set(latest);
    expiryClock.set(clock);
  }

  /**
   * The warnings counted with the latest translation's diagnostics, made from it at each scrape
   * (see {@code ExpiryWarnings}).
   */
  public void warnings(Function<Translation, List<Diagnostic>> warningsOf) {
    warnings.set(warningsOf);
  }

  /** Where the counts of watched objects by kind come from (the source's cluster state). */
  public void watch(Supplier<Map<ResourceKind, Integer>> objectCounts) {
    counts.set(objectCounts);
  }

  public void translated(long nanos) {
    translation.record(nanos, TimeUnit.NANOSECONDS);
  }

  private void countDiagnostics(Translation latest) {
    List<Diagnostic> current = new ArrayList<>();
    if (latest != null) {
      current.addAll(latest.diagnostics());
      current.addAll(warnings.get().apply(latest));
    }
    Map<Reason, Long> counts = new EnumMap<>(Reason.class);
    Map<KindReason, Set<ObjectRef>> objects = new HashMap<>();
    for (Diagnostic d : current) {
      counts.merge(d.reason(), 1L, Long::sum);
      objects
          .computeIfAbsent(new KindReason(d.object().kind(), d.reason()), k -> new HashSet<>())
          .add(d.object());
    }
    diagnostics.forEach((reason, gauge) -> gauge.set(counts.getOrDefault(reason, 0L)));
    objects.keySet().forEach(this::diagnosticObjectsGauge);
    diagnosticObjects.forEach(
        (key, gauge) -> gauge.set(objects.getOrDefault(key, Set.of()).size()));
  }

  private AtomicLong diagnosticObjectsGauge(KindReason key) {
    return diagnosticObjects.computeIfAbsent(
        key,
        k -> {
          AtomicLong count = new AtomicLong();
          Gauge.builder("weir.operator.diagnostic.objects", count, AtomicLong::get)
              .description(
                  "Objects with at least one current problem of a reason, by their kind and the"
                      + " reason (a kind appears once it first has one)")
              .tag("kind", k.kind())
              .tag("reason", k.reason().camelCase())
              .register(registry);
          return count;
        });
  }

  /**
   * @param fullBytes the full frame's size, asked for only when scraped
   * @param deltaFrameBytes the delta frame's size, -1 when there is none
   */
  public void published(long version, LongSupplier fullBytes, long deltaFrameBytes) {
    snapshotVersion.set(version);
    snapshotBytes.set(fullBytes);
    deltaBytes.set(deltaFrameBytes);
  }

  /** Where meters of the process (JVM, CPU, file descriptors) are bound. */
  public MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition. One scrape at a time: the admin port has one thread. */
  public synchronized String scrape() {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (DataPlane dp : dataPlaneSource.get()) {
      rows.add(MultiGauge.Row.of(Tags.of("node", dp.node()), dp.appliedVersion()));
    }
    dataPlanes.register(rows, true);
    List<MultiGauge.Row<?>> expiries = new ArrayList<>();
    Translation latest = latestTranslation.get().get();
    countDiagnostics(latest);
    if (latest != null) {
      Instant now = expiryClock.get().instant();
      latest
          .lastGoodCertificates()
          .expiries()
          .forEach(
              (secret, notAfter) -> {
                int slash = secret.indexOf('/');
                expiries.add(
                    MultiGauge.Row.of(
                        Tags.of(
                            "namespace", secret.substring(0, slash),
                            "secret", secret.substring(slash + 1)),
                        Duration.between(now, notAfter).toMillis() / 1000.0));
              });
    }
    certificateExpiry.register(expiries, true);
    return VERSIONS.format(registry.scrape());
  }
}
