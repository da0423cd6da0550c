package dev.weir.dataplane.balance;

import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.HashKey;

/** The selector a backend's policy asks for. */
public final class EndpointSelectors {
  private EndpointSelectors() {}

  public static EndpointSelector forBackend(Backend backend) {
    return forBackend(backend, BackendEndpoints.of(backend));
  }

  /** {@code endpoints} are {@code backend}'s. */
  public static EndpointSelector forBackend(Backend backend, BackendEndpoints endpoints) {
    return switch (backend.policy()) {
      case ROUND_ROBIN -> new RoundRobin(endpoints);
      case EWMA -> new Ewma(endpoints);
      // The snapshot was validated: hashBy parses.
      case CONSISTENT_HASH -> new ConsistentHash(HashKey.parse(backend.hashBy()), endpoints);
    };
  }
}
