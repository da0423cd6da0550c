package dev.weir.contract.snapshot;

import com.fasterxml.jackson.annotation.JsonProperty;

/** An endpoint's condition, as EndpointSlices report it. */
public enum EndpointState {
  /** Serving and not terminating: receives traffic. */
  @JsonProperty("Ready")
  READY,
  /**
   * Still serving while it terminates: receives traffic only when no endpoint of its backend is
   * ready.
   */
  @JsonProperty("Terminating")
  TERMINATING,
  /** Not serving: never receives traffic. */
  @JsonProperty("NotReady")
  NOT_READY
}
