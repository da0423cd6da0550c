package dev.weir.dataplane.balance;

import dev.weir.contract.cli.OutlierSettings;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.proxy.LogLimiter;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which endpoints of one backend are failing, and which are ejected: taken out of balancing for a
 * back-off period after {@link OutlierSettings#consecutiveFailures} failed attempts in a row. An
 * ejected endpoint returns when its period is over (noticed by the next request that balances over
 * the backend) with one failure short of the threshold, so that its next failure ejects it again,
 * for twice as long.
 *
 * <p>A success costs a volatile read of the endpoint's failure count; only failures, ejections and
 * returns write, and only ejections and returns take this object's lock.
 */
public final class BackendHealth {
  private static final Logger log = LoggerFactory.getLogger(BackendHealth.class);

  private final String backendId;
  private final OutlierSettings settings;
  private final DataplaneMetrics metrics;
  private final LongSupplier clock;
  private final ConcurrentHashMap<String, EndpointHealth> endpoints = new ConcurrentHashMap<>();
  // Ejected endpoints; also the gauge of ejected endpoints when there are metrics.
  private final AtomicInteger ejected;
  // Changes with every ejection and return, so balancers know when to rebuild their lists.
  private volatile long generation;
  private volatile long nextReturnNanos;
  private volatile int endpointCount;

  BackendHealth(
      String backendId, OutlierSettings settings, DataplaneMetrics metrics, LongSupplier clock) {
    this.backendId = backendId;
    this.settings = settings;
    this.metrics = metrics;
    this.clock = clock;
    this.ejected = metrics == null ? new AtomicInteger() : metrics.ejectedEndpoints(backendId);
  }

  /** Health that never ejects anything: for endpoints balanced outside a data plane. */
  static BackendHealth none(String backendId) {
    return new BackendHealth(backendId, OutlierSettings.OFF, null, System::nanoTime);
  }

  /** One endpoint's record. */
  static final class EndpointHealth {
    final String name;
    final AtomicInteger failures = new AtomicInteger();
    volatile boolean ejected;
    // Guarded by the BackendHealth's lock.
    long ejectedUntil;
    int ejections;
    long returnedAt;

    EndpointHealth(String name) {
      this.name = name;
    }
  }

  /**
   * The records of {@code names}, the backend's endpoints now; the records of endpoints that left
   * are dropped (an ejected one no longer counts against the share that may be ejected).
   */
  synchronized EndpointHealth[] track(Collection<String> names) {
    Set<String> keep = Set.copyOf(names);
    endpoints.values().removeIf(h -> !keep.contains(h.name) && forget(h));
    endpointCount = keep.size();
    EndpointHealth[] tracked = new EndpointHealth[names.size()];
    int i = 0;
    for (String name : names) {
      tracked[i++] = endpoints.computeIfAbsent(name, EndpointHealth::new);
    }
    return tracked;
  }

  private boolean forget(EndpointHealth h) {
    if (h.ejected) {
      h.ejected = false;
      ejected.decrementAndGet();
      generation++;
    }
    return true;
  }

  /** Whether any endpoint is ejected now; returns those whose period is over first. */
  boolean anyEjected() {
    if (ejected.get() == 0) {
      return false;
    }
    long now = clock.getAsLong();
    if (now - nextReturnNanos >= 0) {
      returnExpired(now);
    }
    return ejected.get() > 0;
  }

  long generation() {
    return generation;
  }

  void succeeded(EndpointHealth h) {
    if (h.failures.get() != 0) {
      h.failures.set(0);
    }
  }

  void failed(EndpointHealth h) {
    int threshold = settings.consecutiveFailures();
    if (threshold == 0 || h.failures.incrementAndGet() < threshold || h.ejected) {
      return;
    }
    eject(h);
  }

  private synchronized void eject(EndpointHealth h) {
    if (h.ejected || h.failures.get() < settings.consecutiveFailures()) {
      return;
    }
    long now = clock.getAsLong();
    if (ejected.get() >= settings.maxEjected(endpointCount)) {
      long suppressed = LogLimiter.FAILURES.admit("ejection_refused " + backendId);
      if (suppressed != LogLimiter.SUPPRESS) {
        log.warn(
            "event=endpoint_ejection_refused backend={} endpoint={} ejected={} endpoints={}"
                + " suppressed={}",
            backendId,
            h.name,
            ejected.get(),
            endpointCount,
            suppressed);
      }
      return;
    }
    // A long healthy spell since the last return starts the back-off over.
    if (h.ejections > 0 && now - h.returnedAt > settings.maxEjection().toNanos()) {
      h.ejections = 0;
    }
    h.ejections++;
    long nanos = settings.ejectionNanos(h.ejections);
    h.ejectedUntil = now + nanos;
    h.ejected = true;
    if (ejected.incrementAndGet() == 1 || h.ejectedUntil - nextReturnNanos < 0) {
      nextReturnNanos = h.ejectedUntil;
    }
    generation++;
    if (metrics != null) {
      metrics.endpointEjected(backendId);
    }
    long suppressed = LogLimiter.FAILURES.admit("ejected " + backendId);
    if (suppressed != LogLimiter.SUPPRESS) {
      log.warn(
          "event=endpoint_ejected backend={} endpoint={} failures={} ejection_ms={} ejected={}"
              + " endpoints={} suppressed={}",
          backendId,
          h.name,
          h.failures.get(),
          nanos / 1_000_000,
          ejected.get(),
          endpointCount,
          suppressed);
    }
  }

  private synchronized void returnExpired(long now) {
    long next = Long.MAX_VALUE;
    boolean found = false;
    for (EndpointHealth h : endpoints.values()) {
      if (!h.ejected) {
        continue;
      }
      if (now - h.ejectedUntil >= 0) {
        h.ejected = false;
        h.returnedAt = now;
        h.failures.set(settings.consecutiveFailures() - 1);
        ejected.decrementAndGet();
        generation++;
        long suppressed = LogLimiter.FAILURES.admit("returned " + backendId);
        if (suppressed != LogLimiter.SUPPRESS) {
          log.info(
              "event=endpoint_returned backend={} endpoint={} ejections={} suppressed={}",
              backendId,
              h.name,
              h.ejections,
              suppressed);
        }
      } else if (!found || h.ejectedUntil - next < 0) {
        next = h.ejectedUntil;
        found = true;
      }
    }
    nextReturnNanos = found ? next : now;
  }
}
