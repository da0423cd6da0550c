package dev.weir.contract.cli;

import java.time.Duration;
import java.util.Objects;

/**
 * When an endpoint is taken out of balancing for failing (passive outlier detection, as Envoy's
 * {@code outlier_detection} and nginx's {@code max_fails}/{@code fail_timeout}).
 *
 * @param consecutiveFailures failed attempts in a row (connect failures, resets, timeouts) that
 *     eject an endpoint; 0 turns detection off
 * @param baseEjection how long a first ejection lasts; each further one doubles it
 * @param maxEjection the longest an ejection lasts, however often it is repeated
 * @param maxEjectedPercent the largest share of a backend's endpoints ejected at once; beyond it
 *     failing endpoints keep their share of the traffic (the panic rule: when most endpoints fail,
 *     the failures are more likely the network's or the client's than theirs)
 */
public record OutlierSettings(
    int consecutiveFailures, Duration baseEjection, Duration maxEjection, int maxEjectedPercent) {
  /** Three failures in a row eject for 10 s, doubling up to 5 min; at most half the endpoints. */
  public static final OutlierSettings DEFAULTS =
      new OutlierSettings(3, Duration.ofSeconds(10), Duration.ofMinutes(5), 50);

  /** No endpoint is ever ejected. */
  public static final OutlierSettings OFF =
      new OutlierSettings(0, Duration.ofSeconds(10), Duration.ofMinutes(5), 50);

  public OutlierSettings {
    Objects.requireNonNull(baseEjection, "baseEjection");
    Objects.requireNonNull(maxEjection, "maxEjection");
    if (consecutiveFailures < 0) {
      throw new IllegalArgumentException(
          "consecutiveFailures must not be negative, not " + consecutiveFailures);
    }
    if (baseEjection.isNegative()
        || baseEjection.isZero()
        || maxEjection.compareTo(baseEjection) < 0) {
      throw new IllegalArgumentException(
          "ejections need 0 < base <= max, not " + baseEjection + " and " + maxEjection);
    }
    if (maxEjectedPercent < 0 || maxEjectedPercent > 100) {
      throw new IllegalArgumentException(
          "maxEjectedPercent must be in 0..100, not " + maxEjectedPercent);
    }
  }

  public boolean enabled() {
    return consecutiveFailures > 0;
  }

  /** These settings with ejections of {@code base} growing to {@code max}. */
  public OutlierSettings withEjection(Duration base, Duration max) {
    return new OutlierSettings(consecutiveFailures, base, max, maxEjectedPercent);
  }

  /** How many of {@code endpoints} may be ejected at once. */
  public int maxEjected(int endpoints) {
    return endpoints * maxEjectedPercent / 100;
  }

  /** The length of an endpoint's {@code nth} ejection in a row (1 for the first). */
  public long ejectionNanos(int nth) {
    long base = baseEjection.toNanos();
    long max = maxEjection.toNanos();
    int doublings = Math.min(nth - 1, 62);
    return base > (max >> doublings) ? max : Math.min(max, base << doublings);
  }
}
