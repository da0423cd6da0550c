package dev.weir.contract.snapshot;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a backend spreads requests over its endpoints (ingress-nginx's {@code load-balance}). */
public enum BalancePolicy {
  @JsonProperty("RoundRobin")
  ROUND_ROBIN
  // Ewma and ConsistentHash (with Backend.hashBy) come with their selectors in the data plane.
}
