package dev.weir.dataplane.proxy;

import dev.weir.dataplane.routing.RoutingTable;
import dev.weir.dataplane.snapshot.Backend;
import dev.weir.dataplane.snapshot.Snapshot;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;
import java.util.HashMap;
import java.util.Map;

/**
 * Everything the request path reads, compiled from one snapshot. The data plane swaps one
 * reference to it; a request reads it once, at its head, and finishes on that table.
 */
public record CompiledSnapshot(Snapshot snapshot, RoutingTable<CompiledBackend> routes,
    Mapping<String, SslContext> sni) {

  /** Routing and backends of {@code snapshot}; {@code sni} is compiled by the TLS layer. */
  public static CompiledSnapshot compile(Snapshot snapshot, Mapping<String, SslContext> sni) {
    Map<String, CompiledBackend> backends = new HashMap<>();
    for (Backend b : snapshot.backends()) {
      backends.put(b.id(), CompiledBackend.compile(b));
    }
    return new CompiledSnapshot(snapshot, RoutingTable.compile(snapshot, backends::get), sni);
  }
}
