package dev.weir.dataplane.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.Route;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.VirtualHost;
import dev.weir.dataplane.proxy.policy.RequestPolicies;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Ingress specification's host and path semantics, as a table: host, path, expected backend.
 */
class RoutingTableTest {
  private static final RoutingTable<String> TABLE =
      RoutingTable.compile(
          snapshot(
              new VirtualHost(
                  "foo.com",
                  null,
                  List.of(
                      Route.prefix("/", "foo-root"),
                      Route.prefix("/app", "foo-app"),
                      Route.prefix("/app/api/", "foo-app-api"),
                      Route.exact("/app/exact", "foo-exact"),
                      Route.exact("/CaSe", "foo-case"),
                      Route.prefix("/app/exact", "foo-exact-prefix")),
                  null),
              new VirtualHost("*.foo.com", null, List.of(Route.prefix("/", "wild-foo")), null),
              new VirtualHost(
                  "bar.com", null, List.of(Route.exact("/only", "bar-only")), "bar-default"),
              new VirtualHost("baz.com", null, List.of(Route.prefix("/x", "baz-x")), null),
              new VirtualHost("*", null, List.of(Route.prefix("/any", "any-host")), null)),
          Function.identity());

  static Stream<Arguments> routes() {
    return Stream.of(
        // Prefix matches element by element, never inside an element.
        Arguments.of("foo.com", "/app", "foo-app"),
        Arguments.of("foo.com", "/app/", "foo-app"),
        Arguments.of("foo.com", "/app/x", "foo-app"),
        Arguments.of("foo.com", "/app/x/y", "foo-app"),
        Arguments.of("foo.com", "/application", "foo-root"),
        Arguments.of("foo.com", "/appx/y", "foo-root"),
        // A trailing slash in the rule is ignored; the longest prefix wins.
        Arguments.of("foo.com", "/app/api", "foo-app-api"),
        Arguments.of("foo.com", "/app/api/v1", "foo-app-api"),
        Arguments.of("foo.com", "/app/apis", "foo-app"),
        // Exact matches only itself, case-sensitively, and beats an equal Prefix.
        Arguments.of("foo.com", "/app/exact", "foo-exact"),
        Arguments.of("foo.com", "/app/exact/", "foo-exact-prefix"),
        Arguments.of("foo.com", "/app/exact/more", "foo-exact-prefix"),
        Arguments.of("foo.com", "/CaSe", "foo-case"),
        Arguments.of("foo.com", "/case", "foo-root"),
        Arguments.of("foo.com", "/", "foo-root"),
        Arguments.of("foo.com", "//double", "foo-root"),
        // Host: case-insensitive, port ignored, trailing dot ignored.
        Arguments.of("FOO.com", "/app", "foo-app"),
        Arguments.of("foo.com:8443", "/app", "foo-app"),
        Arguments.of("foo.com.", "/app", "foo-app"),
        // A wildcard covers exactly one label.
        Arguments.of("bar.foo.com", "/anything", "wild-foo"),
        Arguments.of("BAR.FOO.COM:443", "/", "wild-foo"),
        Arguments.of("a.bar.foo.com", "/anything", null),
        Arguments.of("a.bar.foo.com", "/any/thing", "any-host"),
        // Per-host default backend, then the catch-all host, then the global default.
        Arguments.of("bar.com", "/only", "bar-only"),
        Arguments.of("bar.com", "/only/not", "bar-default"),
        Arguments.of("bar.com", "/any", "bar-default"),
        Arguments.of("baz.com", "/y", null),
        Arguments.of("unknown.com", "/any", "any-host"),
        Arguments.of("unknown.com", "/nothing", null),
        Arguments.of(null, "/any", "any-host"),
        Arguments.of("[::1]:8443", "/any/x", "any-host"));
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @MethodSource("routes")
  void routesByIngressSemantics(String host, String path, String expectedBackend) {
    RoutingTable.Match<String> match = TABLE.match(host, path);
    assertThat(match == null ? null : match.backend()).isEqualTo(expectedBackend);
  }

  @Test
  void matchReportsTheVirtualHostNotTheRawHostHeader() {
    assertThat(TABLE.match("Bar.Foo.Com:8443", "/").virtualHost()).isEqualTo("*.foo.com");
    assertThat(TABLE.match("nowhere.com", "/any").virtualHost()).isEqualTo("*");
  }

  @Test
  void globalDefaultBackendTakesWhatNothingElseRoutes() {
    RoutingTable<String> table =
        RoutingTable.compile(
            Snapshot.builder()
                .version(1)
                .virtualHosts(
                    List.of(new VirtualHost("a.com", null, List.of(Route.exact("/a", "a")), null)))
                .backends(List.of(Backend.of("a", List.of()), Backend.of("fallback", List.of())))
                .defaultBackend("fallback")
                .build(),
            Function.identity());

    assertThat(table.match("a.com", "/a").backend()).isEqualTo("a");
    assertThat(table.match("a.com", "/b").backend()).isEqualTo("fallback");
    assertThat(table.match("b.com", "/a").backend()).isEqualTo("fallback");
    assertThat(table.match("b.com", "/a").virtualHost()).isNull();
  }

  @Test
  void eachRuleIsOneCompiledRouteWithItsPoliciesSharedByItsRequests() {
    CompiledRoute app = TABLE.match("foo.com", "/app/1").route();

    assertThat(TABLE.match("foo.com", "/app/2").route()).isSameAs(app);
    assertThat(TABLE.match("foo.com", "/").route()).isNotSameAs(app);
    assertThat(app.virtualHost()).isEqualTo("foo.com");
    assertThat(app.backendId()).isEqualTo("foo-app");
    assertThat(app.policies()).isSameAs(RequestPolicies.EDGE);
    assertThat(TABLE.match("bar.com", "/elsewhere").route().policies())
        .isSameAs(RequestPolicies.EDGE);
  }

  @Test
  void rootPrefixMatchesEveryPath() {
    RoutingTable<String> table =
        RoutingTable.compile(
            snapshot(new VirtualHost("a.com", null, List.of(Route.prefix("/", "root")), null)),
            Function.identity());

    assertThat(table.match("a.com", "/").backend()).isEqualTo("root");
    assertThat(table.match("a.com", "/x/y/z").backend()).isEqualTo("root");
  }

  @Test
  void lookupWorksTheSameWithTenThousandHosts() {
    List<VirtualHost> hosts = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      hosts.add(
          new VirtualHost(
              "h" + i + ".example.com", null, List.of(Route.prefix("/", "b" + i)), null));
    }
    RoutingTable<String> table =
        RoutingTable.compile(snapshot(hosts.toArray(VirtualHost[]::new)), Function.identity());

    assertThat(table.match("h0.example.com", "/").backend()).isEqualTo("b0");
    assertThat(table.match("h9999.example.com", "/x").backend()).isEqualTo("b9999");
    assertThat(table.match("h10000.example.com", "/x")).isNull();
  }

  @Test
  void withRemovesAndReplacesExactWildcardAndCatchAllHostsLeavingTheOldTable() {
    RoutingTable<String> changed =
        TABLE.with(
            List.of(
                new VirtualHost("*.FOO.com", null, List.of(Route.prefix("/", "wild-foo-2")), null),
                new VirtualHost("new.com", null, List.of(Route.prefix("/", "new")), null)),
            List.of("Foo.com", "*", "*.foo.com"),
            Function.identity(),
            null);

    assertThat(changed.match("foo.com", "/app")).isNull();
    assertThat(changed.match("bar.foo.com", "/").backend()).isEqualTo("wild-foo-2");
    assertThat(changed.match("bar.foo.com", "/").virtualHost()).isEqualTo("*.foo.com");
    assertThat(changed.match("new.com", "/x").backend()).isEqualTo("new");
    assertThat(changed.match("unknown.com", "/any")).isNull();
    assertThat(changed.match("bar.com", "/only").backend()).isEqualTo("bar-only");

    assertThat(TABLE.match("foo.com", "/app").backend()).isEqualTo("foo-app");
    assertThat(TABLE.match("bar.foo.com", "/").backend()).isEqualTo("wild-foo");
    assertThat(TABLE.match("new.com", "/any").backend()).isEqualTo("any-host");
  }

  private static Snapshot snapshot(VirtualHost... hosts) {
    List<Backend> backends = new ArrayList<>();
    for (VirtualHost host : hosts) {
      host.routes().forEach(r -> backends.add(Backend.of(r.backend(), List.of())));
      if (host.defaultBackend() != null) {
        backends.add(Backend.of(host.defaultBackend(), List.of()));
      }
    }
    return Snapshot.builder().version(1).virtualHosts(List.of(hosts)).backends(backends).build();
  }

  static Stream<Arguments> passthroughNames() {
    return Stream.of(
        Arguments.of("db.example.com", "db"),
        Arguments.of("DB.Example.COM.", "db"),
        Arguments.of("a.tls.example.com", "wild"),
        Arguments.of("a.b.tls.example.com", null),
        Arguments.of("tls.example.com", null),
        // A terminated host, the catch-all, no name: TLS ends at Weir.
        Arguments.of("web.example.com", null),
        Arguments.of("unknown.example.com", null),
        Arguments.of("", null),
        Arguments.of(null, null));
  }

  @ParameterizedTest
  @MethodSource("passthroughNames")
  void passthroughIsLookedUpBySniNameAsHostsAre(String serverName, String expected) {
    RoutingTable<String> table =
        RoutingTable.compile(
            snapshot(
                VirtualHost.builder("db.example.com").passthroughBackend("db").build(),
                VirtualHost.builder("*.tls.example.com").passthroughBackend("wild").build(),
                VirtualHost.of("web.example.com", List.of(Route.prefix("/", "web"))),
                VirtualHost.of("*", List.of(Route.prefix("/", "any")))),
            Function.identity());
    assertThat(table.passthrough(serverName)).isEqualTo(expected);
  }
}
