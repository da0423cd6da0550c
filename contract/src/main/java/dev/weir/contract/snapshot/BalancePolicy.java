package dev.weir.contract.snapshot;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a backend spreads requests over its endpoints. */
public enum BalancePolicy {
  @JsonProperty("RoundRobin")
  ROUND_ROBIN
}
