package dev.weir.contract.snapshot;

import com.fasterxml.jackson.annotation.JsonInclude;
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
 * @param connectRetries how many other endpoints a request is tried on after a failure its {@code
 *     retry} policy retries (absent: {@link #DEFAULT_CONNECT_RETRIES}, three tries in all as
 *     nginx's)
 * @param protocol how endpoints are spoken to (absent: {@link UpstreamProtocol#HTTP}, left out of
 *     the JSON)
 * @param tls the upstream TLS of an HTTPS or GRPCS backend (absent: {@link UpstreamTls#UNVERIFIED}
 *     for those, none for the others)
 * @param hashBy the key of a consistent-hash policy, in ingress-nginx's variable syntax ({@code
 *     $request_uri}, {@code $http_x_user}...; see {@link HashKey}); only with that policy
 * @param retry which failures are retried on another endpoint (absent: {@link RetryPolicy#DEFAULT},
 *     left out of the JSON; otherwise schema version 5)
 */
public record Backend(
    String id,
    List<Endpoint> endpoints,
    BalancePolicy policy,
    Timeouts timeouts,
    Integer connectRetries,
    @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = Backend.OmitHttp.class)
        UpstreamProtocol protocol,
    UpstreamTls tls,
    String hashBy,
    @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = RetryPolicy.OmitDefault.class)
        RetryPolicy retry) {

  public static final BalancePolicy DEFAULT_POLICY = BalancePolicy.ROUND_ROBIN;
  public static final int DEFAULT_CONNECT_RETRIES = 2;

  public Backend {
    endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
    policy = Objects.requireNonNullElse(policy, DEFAULT_POLICY);
    timeouts = Objects.requireNonNullElse(timeouts, Timeouts.DEFAULTS);
    connectRetries = Objects.requireNonNullElse(connectRetries, DEFAULT_CONNECT_RETRIES);
    protocol = Objects.requireNonNullElse(protocol, UpstreamProtocol.HTTP);
    retry = Objects.requireNonNullElse(retry, RetryPolicy.DEFAULT);
    if (tls == null && protocol.tls()) {
      tls = UpstreamTls.UNVERIFIED;
    }
  }

  /** A backend of plain HTTP endpoints, as before protocols existed. */
  public Backend(
      String id,
      List<Endpoint> endpoints,
      BalancePolicy policy,
      Timeouts timeouts,
      Integer connectRetries) {
    this(id, endpoints, policy, timeouts, connectRetries, null, null, null, null);
  }

  /** Jackson's filter: plain HTTP, the default, is left out of the JSON. */
  static final class OmitHttp {
    @Override
    public boolean equals(Object value) {
      return value == null || value == UpstreamProtocol.HTTP;
    }

    @Override
    public int hashCode() {
      return 0;
    }
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
        .connectRetries(connectRetries)
        .protocol(protocol)
        .tls(tls)
        .hashBy(hashBy)
        .retry(retry);
  }

  /** Builds a {@link Backend}. */
  public static final class Builder {
    private final String id;
    private List<Endpoint> endpoints = List.of();
    private BalancePolicy policy = DEFAULT_POLICY;
    private Timeouts timeouts = Timeouts.DEFAULTS;
    private int connectRetries = DEFAULT_CONNECT_RETRIES;
    private UpstreamProtocol protocol = UpstreamProtocol.HTTP;
    private UpstreamTls tls;
    private String hashBy;
    private RetryPolicy retry = RetryPolicy.DEFAULT;

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

    public Builder protocol(UpstreamProtocol value) {
      protocol = value;
      return this;
    }

    /** Upstream TLS of an HTTPS or GRPCS backend; null: unverified for those. */
    public Builder tls(UpstreamTls value) {
      tls = value;
      return this;
    }

    /** The consistent-hash key; see {@link Backend#hashBy()}. */
    public Builder hashBy(String value) {
      hashBy = value;
      return this;
    }

    /** Which failures are retried; see {@link Backend#retry()}. */
    public Builder retry(RetryPolicy value) {
      retry = value;
      return this;
    }

    public Backend build() {
      return new Backend(
          id, endpoints, policy, timeouts, connectRetries, protocol, tls, hashBy, retry);
    }
  }
}
