package dev.weir.contract.snapshot;

import java.util.List;
import java.util.Objects;

/**
 * A pool of endpoints that routes send traffic to. The operator names it {@code
 * namespace/service:port}; a hand-written snapshot may use any unique id.
 *
 * @param connectRetries how many other endpoints an idempotent request is tried on after a connect
 *     failure (absent: 1)
 */
public record Backend(
    String id,
    List<Endpoint> endpoints,
    BalancePolicy policy,
    Timeouts timeouts,
    Integer connectRetries) {

  public static final int DEFAULT_CONNECT_RETRIES = 1;

  public Backend {
    endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
    policy = Objects.requireNonNullElse(policy, BalancePolicy.ROUND_ROBIN);
    timeouts = Objects.requireNonNullElse(timeouts, Timeouts.DEFAULTS);
    connectRetries = Objects.requireNonNullElse(connectRetries, DEFAULT_CONNECT_RETRIES);
  }

  public static Backend of(String id, List<Endpoint> endpoints) {
    return new Backend(id, endpoints, null, null, null);
  }
}
