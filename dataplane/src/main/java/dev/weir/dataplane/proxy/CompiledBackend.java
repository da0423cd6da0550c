package dev.weir.dataplane.proxy;

import dev.weir.dataplane.balance.EndpointSelector;
import dev.weir.dataplane.balance.EndpointSelectors;
import dev.weir.dataplane.snapshot.Backend;
import dev.weir.dataplane.snapshot.Timeouts;

/** A snapshot backend ready for the request path: its selector is built once per snapshot. */
public record CompiledBackend(String id, Timeouts timeouts, int connectRetries,
    EndpointSelector selector) {

  public static CompiledBackend compile(Backend backend) {
    return new CompiledBackend(backend.id(), backend.timeouts(), backend.connectRetries(),
        EndpointSelectors.forBackend(backend));
  }
}
