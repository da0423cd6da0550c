package dev.weir.dataplane.proxy.policy;

import dev.weir.contract.snapshot.Timeouts;

/**
 * A route's own upstream timeouts and tries (ingress-nginx's {@code proxy-connect-timeout}, {@code
 * proxy-read-timeout}, {@code proxy-send-timeout} and {@code proxy-next-upstream-tries}), replacing
 * the backend's for the route's requests.
 *
 * @param timeouts null: the backend's
 * @param tries null: the backend's connect retries + 1
 */
public record UpstreamLimits(Timeouts timeouts, Integer tries) implements RequestPolicy {
  @Override
  public LocalResponse apply(ProxiedRequest request) {
    if (timeouts != null) {
      request.upstreamTimeouts(timeouts);
    }
    if (tries != null) {
      request.upstreamTries(tries);
    }
    return null;
  }
}
