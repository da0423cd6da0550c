package dev.weir.dataplane.routing;

import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.Timeouts;
import dev.weir.dataplane.balance.BackendEndpoints;
import dev.weir.dataplane.balance.EndpointSelector;
import dev.weir.dataplane.balance.EndpointSelectors;
import dev.weir.dataplane.balance.OutlierDetection;

/**
 * A snapshot backend ready for the request path: its selector is built once per backend version.
 *
 * @param source the backend compiled: a next snapshot holding this very instance reuses this
 *     object, selector state (round-robin position) included
 * @param endpoints the endpoints that take requests, for policies that pick one by key (affinity),
 *     and where the proxy reports how attempts on them went (outlier detection)
 */
public record CompiledBackend(
    String id,
    Timeouts timeouts,
    int connectRetries,
    EndpointSelector selector,
    Backend source,
    BackendEndpoints endpoints) {

  /** {@code backend} without outlier detection. */
  public static CompiledBackend compile(Backend backend) {
    return compile(backend, BackendEndpoints.of(backend));
  }

  /** {@code backend}, whose endpoints' failures {@code outliers} remembers across snapshots. */
  public static CompiledBackend compile(Backend backend, OutlierDetection outliers) {
    return compile(backend, BackendEndpoints.of(backend, outliers));
  }

  private static CompiledBackend compile(Backend backend, BackendEndpoints endpoints) {
    return new CompiledBackend(
        backend.id(),
        backend.timeouts(),
        backend.connectRetries(),
        EndpointSelectors.forBackend(backend, endpoints),
        backend,
        endpoints);
  }
}
