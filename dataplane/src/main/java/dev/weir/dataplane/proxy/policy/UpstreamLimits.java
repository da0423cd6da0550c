package dev.weir.dataplane.proxy.policy;

import dev.weir.contract.snapshot.RetryPolicy;
import dev.weir.contract.snapshot.Timeouts;

/**
 * A route's own upstream timeouts, tries and retry conditions (ingress-nginx's {@code
 * proxy-connect-timeout}, {@code proxy-read-timeout}, {@code proxy-send-timeout}, {@code
 * proxy-next-upstream-tries}, {@code proxy-next-upstream} and {@code proxy-next-upstream-timeout}),
 * replacing the backend's for the route's requests.
 *
 * @param timeouts null: the backend's
 * @param tries null: the backend's connect retries + 1
 * @param retry null: the backend's
 */
public record UpstreamLimits(Timeouts timeouts, Integer tries, RetryPolicy retry)
    implements RequestPolicy {
  @Override
  public LocalResponse apply(ProxiedRequest request) {
    if (timeouts != null) {
      request.upstreamTimeouts(timeouts);
    }
    if (tries != null) {
      request.upstreamTries(tries);
    }
    if (retry != null) {
      request.upstreamRetry(retry);
    }
    return null;
  }
}
