package dev.weir.dataplane.proxy;

import dev.weir.dataplane.routing.RoutingTable;
import dev.weir.dataplane.snapshot.Backend;
import dev.weir.dataplane.snapshot.Snapshot;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * Everything the request path reads, compiled from one snapshot. The data plane swaps one
 * reference to it; a request reads it once, at its head, and finishes on that table.
 *
 * @param backends the compiled backends by id, for the next compile to reuse
 */
public record CompiledSnapshot(Snapshot snapshot, RoutingTable<CompiledBackend> routes,
    Mapping<String, SslContext> sni, Map<String, CompiledBackend> backends) {

  /** Routing and backends of {@code snapshot}; {@code sni} is compiled by the TLS layer. */
  public static CompiledSnapshot compile(Snapshot snapshot, Mapping<String, SslContext> sni) {
    return compile(snapshot, sni, null);
  }

  /**
   * As {@link #compile(Snapshot, Mapping)}, reusing what {@code previous} compiled from the same
   * objects: a backend that is the same instance keeps its compiled form (and its balancing
   * state), a virtual host that is the same instance and whose backends all were reused keeps its
   * path matcher. A snapshot built from a delta, or by the operator's publisher, shares every
   * unchanged object with the one before, so a one-host change compiles one host.
   */
  public static CompiledSnapshot compile(Snapshot snapshot, Mapping<String, SslContext> sni,
      CompiledSnapshot previous) {
    Map<String, CompiledBackend> before = previous == null ? Map.of() : previous.backends();
    Map<String, CompiledBackend> backends = new HashMap<>(snapshot.backends().size() * 2);
    for (Backend b : snapshot.backends()) {
      CompiledBackend old = before.get(b.id());
      backends.put(b.id(), old != null && old.source() == b ? old : CompiledBackend.compile(b));
    }
    RoutingTable<CompiledBackend> routes = previous == null
        ? RoutingTable.compile(snapshot, backends::get)
        : RoutingTable.compile(snapshot, backends::get, previous.routes(), before::get);
    return new CompiledSnapshot(snapshot, routes, sni, Collections.unmodifiableMap(backends));
  }
}
