package dev.weir.dataplane.balance;

import dev.weir.contract.cli.OutlierSettings;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The data plane's memory of failing endpoints, which outlives snapshots: one {@link BackendHealth}
 * per backend id, whose endpoints are known by address and port, so an endpoint that stays in a
 * backend across snapshot updates keeps its failures and its ejection.
 *
 * <p>Backends are never forgotten: their number is bounded by the cluster's Services and ports, and
 * a backend that comes back finds its meters where it left them.
 */
public final class OutlierDetection {
  private final OutlierSettings settings;
  private final DataplaneMetrics metrics;
  private final LongSupplier clock;
  private final ConcurrentHashMap<String, BackendHealth> backends = new ConcurrentHashMap<>();

  /**
   * @param metrics where ejections are counted; null: nowhere
   * @param clock nanoseconds, as {@link System#nanoTime()}
   */
  public OutlierDetection(OutlierSettings settings, DataplaneMetrics metrics, LongSupplier clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.metrics = metrics;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Detection with {@code settings}, uncounted, on the system clock. */
  public static OutlierDetection create(OutlierSettings settings) {
    return new OutlierDetection(settings, null, System::nanoTime);
  }

  public OutlierSettings settings() {
    return settings;
  }

  /** The health of backend {@code id}'s endpoints. */
  public BackendHealth backend(String id) {
    BackendHealth found = backends.get(id);
    return found != null
        ? found
        : backends.computeIfAbsent(id, k -> new BackendHealth(k, settings, metrics, clock));
  }
}
