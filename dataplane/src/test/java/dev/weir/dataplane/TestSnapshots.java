package dev.weir.dataplane;

import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.Endpoint;
import dev.weir.contract.snapshot.Route;
import dev.weir.contract.snapshot.Settings;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.Timeouts;
import dev.weir.contract.snapshot.VirtualHost;
import java.time.Duration;
import java.util.List;

/** Snapshots for data plane tests, written out so each test shows what it routes. */
final class TestSnapshots {
  static final Dataplane.Options LOOPBACK =
      new Dataplane.Options("127.0.0.1", 0, 0, Duration.ofSeconds(5));

  private TestSnapshots() {}

  static Snapshot snapshot(long version, List<VirtualHost> hosts, List<Backend> backends) {
    return Snapshot.builder().version(version).virtualHosts(hosts).backends(backends).build();
  }

  static Snapshot withSettings(Snapshot s, Settings settings) {
    return s.toBuilder().settings(settings).build();
  }

  static Snapshot withDefaultBackend(Snapshot s, String backend) {
    return s.toBuilder().defaultBackend(backend).build();
  }

  /** Every host and path to one backend. */
  static Snapshot everythingTo(long version, Backend backend) {
    return snapshot(
        version,
        List.of(VirtualHost.of(VirtualHost.ANY_HOST, List.of(Route.prefix("/", backend.id())))),
        List.of(backend));
  }

  static VirtualHost host(String name, Route... routes) {
    return VirtualHost.of(name, List.of(routes));
  }

  static Backend backend(String id, Endpoint... endpoints) {
    return Backend.of(id, List.of(endpoints));
  }

  static Backend backend(
      String id, long connectMillis, long readMillis, int retries, Endpoint... endpoints) {
    return Backend.builder(id)
        .endpoints(endpoints)
        .timeouts(new Timeouts(connectMillis, readMillis))
        .connectRetries(retries)
        .build();
  }
}
