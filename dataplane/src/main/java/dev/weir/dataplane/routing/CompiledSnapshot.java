package dev.weir.dataplane.routing;

import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.SnapshotDelta;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the request path reads, compiled from one snapshot. The data plane swaps one reference
 * to it; a request reads it once, at its head, and finishes on that table.
 *
 * @param backends the compiled backends by id, for the next compile to reuse
 */
public record CompiledSnapshot(
    Snapshot snapshot,
    RoutingTable<CompiledBackend> routes,
    Mapping<String, SslContext> sni,
    Map<String, CompiledBackend> backends) {

  /** Routing and backends of {@code snapshot}; {@code sni} is compiled by the TLS layer. */
  public static CompiledSnapshot compile(Snapshot snapshot, Mapping<String, SslContext> sni) {
    return compile(snapshot, sni, null, RouteOptions.DEFAULTS);
  }

  /**
   * As {@link #compile(Snapshot, Mapping, CompiledSnapshot, RouteOptions)}, with previous's
   * options.
   */
  public static CompiledSnapshot compile(
      Snapshot snapshot, Mapping<String, SslContext> sni, CompiledSnapshot previous) {
    return compile(
        snapshot,
        sni,
        previous,
        previous == null ? RouteOptions.DEFAULTS : previous.routes().options());
  }

  /**
   * As {@link #compile(Snapshot, Mapping)}, reusing what {@code previous} compiled from the same
   * objects: a backend that is the same instance keeps its compiled form (and its balancing state),
   * a virtual host that is the same instance keeps its compiled routes. A snapshot built from a
   * delta, or by the operator's publisher, shares every unchanged object with the one before, so a
   * one-host change compiles one host.
   *
   * @param options the same for every snapshot of a data plane
   */
  public static CompiledSnapshot compile(
      Snapshot snapshot,
      Mapping<String, SslContext> sni,
      CompiledSnapshot previous,
      RouteOptions options) {
    Map<String, CompiledBackend> backends =
        previous != null && snapshot.backends() == previous.snapshot().backends()
            ? previous.backends()
            : compileBackends(snapshot.backends(), previous, options);
    RoutingTable<CompiledBackend> routes =
        RoutingTable.compile(
            snapshot, backends::get, previous == null ? null : previous.routes(), options);
    return new CompiledSnapshot(snapshot, routes, sni, backends);
  }

  /**
   * As {@link #compile(Snapshot, Mapping)} for {@code snapshot}, which {@code delta} made of {@code
   * previous}'s snapshot: only the delta's backends and virtual hosts are compiled.
   */
  public static CompiledSnapshot compile(
      Snapshot snapshot,
      Mapping<String, SslContext> sni,
      CompiledSnapshot previous,
      SnapshotDelta delta) {
    Map<String, CompiledBackend> backends = previous.backends();
    if (!delta.upsertBackends().isEmpty() || !delta.removeBackends().isEmpty()) {
      Map<String, CompiledBackend> next = new HashMap<>(backends);
      delta.removeBackends().forEach(next::remove);
      for (Backend b : delta.upsertBackends()) {
        next.put(b.id(), CompiledBackend.compile(b, previous.routes().options().outliers()));
      }
      backends = Collections.unmodifiableMap(next);
    }
    Map<String, CompiledBackend> resolved = backends;
    RoutingTable<CompiledBackend> routes = previous.routes();
    if (!delta.upsertVirtualHosts().isEmpty() || !delta.removeVirtualHosts().isEmpty()) {
      routes =
          routes.with(
              delta.upsertVirtualHosts(),
              delta.removeVirtualHosts(),
              resolved::get,
              snapshot.defaultBackend());
    } else if (resolved != previous.backends() || delta.defaults() != null) {
      routes = routes.withBackends(resolved::get, snapshot.defaultBackend());
    }
    return new CompiledSnapshot(snapshot, routes, sni, backends);
  }

  private static Map<String, CompiledBackend> compileBackends(
      List<Backend> list, CompiledSnapshot previous, RouteOptions options) {
    Map<String, CompiledBackend> before = previous == null ? Map.of() : previous.backends();
    Map<String, CompiledBackend> backends = new HashMap<>(list.size() * 2);
    for (Backend b : list) {
      CompiledBackend old = before.get(b.id());
      backends.put(
          b.id(),
          old != null && old.source() == b ? old : CompiledBackend.compile(b, options.outliers()));
    }
    return Collections.unmodifiableMap(backends);
  }
}
