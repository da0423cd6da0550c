package dev.weir.contract.snapshot;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a backend spreads requests over its endpoints (ingress-nginx's {@code load-balance}). */
public enum BalancePolicy {
  @JsonProperty("RoundRobin")
  ROUND_ROBIN,
  /**
   * The endpoint with the lower response-time moving average, weighted by its requests in flight,
   * of two picked at random (ingress-nginx's {@code ewma}).
   */
  @JsonProperty("Ewma")
  EWMA,
  /** A consistent-hash ring keyed by {@link Backend#hashBy()} ({@code upstream-hash-by}). */
  @JsonProperty("ConsistentHash")
  CONSISTENT_HASH
}
