package dev.weir.dataplane.balance;

import dev.weir.contract.snapshot.Backend;

/** The selector a backend's policy asks for. */
public final class EndpointSelectors {
  private EndpointSelectors() {}

  public static EndpointSelector forBackend(Backend backend) {
    return switch (backend.policy()) {
      case ROUND_ROBIN -> new RoundRobin(backend.endpoints());
    };
  }
}
