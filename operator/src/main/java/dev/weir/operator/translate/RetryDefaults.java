package dev.weir.operator.translate;

import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.RetryPolicy;
import java.util.Objects;

/**
 * The controller's retries ({@code --proxy-next-upstream}, {@code --proxy-next-upstream-tries},
 * {@code --proxy-next-upstream-timeout}): written into every backend, so they also hold for TLS
 * passthrough, default backends and routes without annotations. They are the bottom layer: the
 * ConfigMap keys of the same names (annotation defaults) and each Ingress's own annotations set a
 * route's retries over them, key by key.
 *
 * @param policy which failures are retried, and the time budget
 * @param tries how many endpoints a request may be tried on in all, the first included; 0: each
 *     endpoint once (ingress-nginx's {@code proxy-next-upstream-tries: 0})
 */
public record RetryDefaults(RetryPolicy policy, int tries) {
  /** nginx's: errors and timeouts retried, three tries, no time budget. */
  public static final RetryDefaults DEFAULTS =
      new RetryDefaults(RetryPolicy.DEFAULT, Backend.DEFAULT_CONNECT_RETRIES + 1);

  public RetryDefaults {
    Objects.requireNonNull(policy, "policy");
    if (tries < 0) {
      throw new IllegalArgumentException("tries must not be negative, not " + tries);
    }
  }

  /** {@code backend} with these retries (the same instance while they are the defaults). */
  Backend applyTo(Backend backend) {
    if (equals(DEFAULTS)) {
      return backend;
    }
    // Each endpoint once: the data plane never tries an endpoint twice for one request, so the
    // number of endpoints bounds the tries.
    int retries = tries == 0 ? Integer.MAX_VALUE - 1 : tries - 1;
    return backend.toBuilder().retry(policy).connectRetries(retries).build();
  }
}
