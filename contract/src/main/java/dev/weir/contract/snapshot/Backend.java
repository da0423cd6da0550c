package dev.weir.contract.snapshot;

import java.util.List;
import java.util.Objects;

/**
 * A pool of endpoints that routes send traffic to. The operator names it {@code
 * namespace/service:port}; a hand-written snapshot may use any unique id. Made with {@link
 * #of(String, List)} or {@link #builder(String)}; the canonical constructor is the JSON decoder's,
 * where null is how an absent field reads and takes the default.
 *
 * @param policy how requests are spread over the endpoints (absent: {@link #DEFAULT_POLICY})
 * @param timeouts connect and read timeouts (absent: {@link Timeouts#DEFAULTS})
 * @param connectRetries how many other endpoints an idempotent request is tried on after a connect
 *     failure (absent: {@link #DEFAULT_CONNECT_RETRIES})
 */
public record Backend(
    String id,
    List<Endpoint> endpoints,
    BalancePolicy policy,
    Timeouts timeouts,
    Integer connectRetries) {

  public static final BalancePolicy DEFAULT_POLICY = BalancePolicy.ROUND_ROBIN;
  public static final int DEFAULT_CONNECT_RETRIES = 1;

  public Backend {
    endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
    policy = Objects.requireNonNullElse(policy, DEFAULT_POLICY);
    timeouts = Objects.requireNonNullElse(timeouts, Timeouts.DEFAULTS);
    connectRetries = Objects.requireNonNullElse(connectRetries, DEFAULT_CONNECT_RETRIES);
  }

  /** A backend of these endpoints with every option at its default. */
  public static Backend of(String id, List<Endpoint> endpoints) {
    return builder(id).endpoints(endpoints).build();
  }

  /** A builder of backend {@code id}: no endpoints, every option at its default. */
  public static Builder builder(String id) {
    return new Builder(id);
  }

  /** A builder holding this backend's parts, to build one that differs in a few. */
  public Builder toBuilder() {
    return new Builder(id)
        .endpoints(endpoints)
        .policy(policy)
        .timeouts(timeouts)
        .connectRetries(connectRetries);
  }

  /** Builds a {@link Backend}. */
  public static final class Builder {
    private final String id;
    private List<Endpoint> endpoints = List.of();
    private BalancePolicy policy = DEFAULT_POLICY;
    private Timeouts timeouts = Timeouts.DEFAULTS;
    private int connectRetries = DEFAULT_CONNECT_RETRIES;

    private Builder(String id) {
      this.id = id;
    }

    public Builder endpoints(List<Endpoint> value) {
      endpoints = value;
      return this;
    }

    public Builder endpoints(Endpoint... value) {
      return endpoints(List.of(value));
    }

    public Builder policy(BalancePolicy value) {
      policy = value;
      return this;
    }

    public Builder timeouts(Timeouts value) {
      timeouts = value;
      return this;
    }

    public Builder connectRetries(int value) {
      connectRetries = value;
      return this;
    }

    public Backend build() {
      return new Backend(id, endpoints, policy, timeouts, connectRetries);
    }
  }
}
