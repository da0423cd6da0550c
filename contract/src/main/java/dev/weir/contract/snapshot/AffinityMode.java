package dev.weir.contract.snapshot;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a session cookie maps to an endpoint (ingress-nginx's {@code affinity-mode}). */
public enum AffinityMode {
  /**
   * The cookie holds a random session key that is hashed onto a consistent-hash ring of the
   * endpoints: every replica maps it to the same endpoint, and adding an endpoint moves only the
   * sessions the new one takes over (about 1/n).
   */
  @JsonProperty("Balanced")
  BALANCED,
  /** The cookie names its endpoint; a session moves only when that endpoint leaves. */
  @JsonProperty("Persistent")
  PERSISTENT
}
