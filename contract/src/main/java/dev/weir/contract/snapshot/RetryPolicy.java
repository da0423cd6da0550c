package dev.weir.contract.snapshot;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * When a failed request is tried on another endpoint (ingress-nginx's {@code proxy-next-upstream}
 * and {@code proxy-next-upstream-timeout}); how many endpoints in all is the backend's {@code
 * connectRetries} or the route's {@code upstreamTries}. Whatever the conditions, a request is tried
 * again only when that cannot repeat it behind the client's back: before any byte of it was written
 * upstream, or when its method is idempotent (or {@link RetryCondition#NON_IDEMPOTENT} is given)
 * and its body can be sent again.
 *
 * @param on the failures retried, as listed (absent: {@code error} and {@code timeout}, nginx's
 *     default; empty: none, ingress-nginx's {@code off})
 * @param budgetMillis how long after the request arrived a retry may still start (absent or 0: no
 *     limit beyond the timeouts of each attempt)
 */
public record RetryPolicy(List<RetryCondition> on, Long budgetMillis) {
  /** nginx's default: retry on errors and timeouts, without a time limit. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(List.of(RetryCondition.ERROR, RetryCondition.TIMEOUT), null);

  /** No retry at all ({@code proxy-next-upstream: off}). */
  public static final RetryPolicy OFF = new RetryPolicy(List.of(), null);

  public RetryPolicy {
    // In declaration order, each once: equal policies are equal records.
    on =
        on == null
            ? List.of(RetryCondition.ERROR, RetryCondition.TIMEOUT)
            : on.isEmpty() ? List.of() : List.copyOf(EnumSet.copyOf(on));
    budgetMillis = budgetMillis == null || budgetMillis == 0 ? null : budgetMillis;
    if (budgetMillis != null && budgetMillis < 0) {
      throw new IllegalArgumentException("budgetMillis must not be negative, not " + budgetMillis);
    }
  }

  /** The conditions as a set, for lookups on the request path. */
  @JsonIgnore
  public Set<RetryCondition> conditions() {
    return on.isEmpty() ? EnumSet.noneOf(RetryCondition.class) : EnumSet.copyOf(on);
  }

  /** The time budget in milliseconds, 0 for none. */
  @JsonIgnore
  public long budget() {
    return budgetMillis == null ? 0 : budgetMillis;
  }

  /** Jackson's filter: the default policy is left out of the JSON. */
  static final class OmitDefault {
    @Override
    public boolean equals(Object value) {
      return value == null || DEFAULT.equals(value);
    }

    @Override
    public int hashCode() {
      return 0;
    }
  }
}
