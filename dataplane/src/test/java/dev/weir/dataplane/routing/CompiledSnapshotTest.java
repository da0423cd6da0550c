package dev.weir.dataplane.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.Endpoint;
import dev.weir.contract.snapshot.Route;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.SnapshotDelta;
import dev.weir.contract.snapshot.VirtualHost;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Compiling against the previous compiled snapshot reuses what is shared, and only that. */
class CompiledSnapshotTest {
  private static final VirtualHost SHOP =
      new VirtualHost("shop.example.com", null, List.of(Route.prefix("/", "web")), null);
  private static final VirtualHost BLOG =
      new VirtualHost("*.blog.example.com", null, List.of(Route.prefix("/", "api")), null);
  private static final Backend WEB = Backend.of("web", List.of(Endpoint.ready("10.0.0.1", 80)));
  private static final Backend API = Backend.of("api", List.of(Endpoint.ready("10.0.0.2", 80)));

  private static Snapshot snapshot(List<VirtualHost> hosts, List<Backend> backends) {
    return Snapshot.builder().version(1).virtualHosts(hosts).backends(backends).build();
  }

  private static CompiledBackend route(CompiledSnapshot c, String host) {
    return c.routes().match(host, "/").backend();
  }

  @Test
  void aBackendThatIsTheSameInstanceKeepsItsCompiledFormAndBalancingState() {
    CompiledSnapshot first =
        CompiledSnapshot.compile(snapshot(List.of(SHOP, BLOG), List.of(WEB, API)), null);
    VirtualHost added =
        new VirtualHost("new.example.com", null, List.of(Route.prefix("/", "web")), null);
    CompiledSnapshot second =
        CompiledSnapshot.compile(
            snapshot(List.of(added, SHOP, BLOG), List.of(WEB, API)), null, first);

    assertThat(second.backends().get("web")).isSameAs(first.backends().get("web"));
    assertThat(route(second, "shop.example.com")).isSameAs(route(first, "shop.example.com"));
    assertThat(route(second, "a.blog.example.com")).isSameAs(first.backends().get("api"));
    assertThat(route(second, "new.example.com")).isSameAs(first.backends().get("web"));
  }

  @Test
  void anUnchangedHostFollowsABackendThatChanged() {
    CompiledSnapshot first =
        CompiledSnapshot.compile(snapshot(List.of(SHOP, BLOG), List.of(WEB, API)), null);
    Backend movedWeb = Backend.of("web", List.of(Endpoint.ready("10.0.0.9", 80)));
    CompiledSnapshot second =
        CompiledSnapshot.compile(
            snapshot(List.of(SHOP, BLOG), List.of(movedWeb, API)), null, first);

    assertThat(second.backends().get("web")).isNotSameAs(first.backends().get("web"));
    assertThat(route(second, "shop.example.com").source()).isSameAs(movedWeb);
    assertThat(route(second, "a.blog.example.com")).isSameAs(first.backends().get("api"));
  }

  @Test
  void aHostThatChangedIsCompiledAgainAndARemovedOneIsGone() {
    CompiledSnapshot first =
        CompiledSnapshot.compile(snapshot(List.of(SHOP, BLOG), List.of(WEB, API)), null);
    VirtualHost shopToApi =
        new VirtualHost("shop.example.com", null, List.of(Route.prefix("/", "api")), null);
    CompiledSnapshot second =
        CompiledSnapshot.compile(
            snapshot(new ArrayList<>(List.of(shopToApi)), List.of(WEB, API)), null, first);

    assertThat(route(second, "shop.example.com").id()).isEqualTo("api");
    assertThat(second.routes().match("a.blog.example.com", "/")).isNull();
  }

  /**
   * Random sorted edits compiled by delta from the last compiled snapshot route every host and path
   * as a compile from scratch does.
   */
  @Test
  void compilingByDeltaRoutesAsACompileFromScratch() throws Exception {
    Random random = new Random(9);
    TreeMap<String, VirtualHost> hosts = new TreeMap<>();
    TreeMap<String, Backend> backends = new TreeMap<>();
    for (int i = 0; i < 4; i++) {
      backends.put("b" + i, Backend.of("b" + i, List.of(Endpoint.ready("10.0.0." + (i + 1), 80))));
    }
    Snapshot snapshot = snapshot(List.of(), List.copyOf(backends.values()));
    CompiledSnapshot compiled = CompiledSnapshot.compile(snapshot, null);
    List<String> names = List.of("a.example.com", "b.example.com", "*.w.example.com", "*");
    for (int round = 0; round < 300; round++) {
      String name = names.get(random.nextInt(names.size()));
      String backend = "b" + random.nextInt(4);
      switch (random.nextInt(4)) {
        case 0 -> hosts.remove(name);
        case 1 ->
            backends.put(
                backend,
                Backend.of(backend, List.of(Endpoint.ready("10.1.0." + random.nextInt(9), 80))));
        default ->
            hosts.put(
                name,
                new VirtualHost(
                    name,
                    null,
                    List.of(Route.prefix("/", backend), Route.exact("/x", "b" + random.nextInt(4))),
                    random.nextBoolean() ? backend : null));
      }
      Snapshot next =
          Snapshot.builder()
              .version(round + 2)
              .virtualHosts(List.copyOf(hosts.values()))
              .backends(List.copyOf(backends.values()))
              .defaultBackend(
                  random.nextInt(3) == 0 ? "b" + random.nextInt(4) : snapshot.defaultBackend())
              .build();
      SnapshotDelta delta = SnapshotDelta.between(snapshot, next).orElseThrow();
      compiled = CompiledSnapshot.compile(next, null, compiled, delta);
      CompiledSnapshot fresh = CompiledSnapshot.compile(next, null);
      for (String host : List.of("a.example.com", "b.example.com", "x.w.example.com", "other")) {
        for (String path : List.of("/", "/x", "/y")) {
          var byDelta = compiled.routes().match(host, path);
          var expected = fresh.routes().match(host, path);
          assertThat(
                  byDelta == null ? null : byDelta.virtualHost() + " " + byDelta.backend().source())
              .as("round %d %s%s", round, host, path)
              .isEqualTo(
                  expected == null
                      ? null
                      : expected.virtualHost() + " " + expected.backend().source());
        }
      }
      snapshot = next;
    }
  }
}
