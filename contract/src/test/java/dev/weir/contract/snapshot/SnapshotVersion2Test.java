package dev.weir.contract.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The settings schema version 2 added: encoding, the version written, and their validation. */
class SnapshotVersion2Test {
  private static final String CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  private static final Endpoint POD = new Endpoint("10.0.0.1", 8443, EndpointState.READY);

  private static Snapshot everySetting() {
    RouteSettings settings =
        RouteSettings.builder()
            .affinity(
                Affinity.builder()
                    .mode(AffinityMode.PERSISTENT)
                    .cookieName("route")
                    .cookiePath("/app")
                    .cookieDomain("example.com")
                    .maxAgeSeconds(3600L)
                    .expiresSeconds(7200L)
                    .sameSite(SameSite.LAX)
                    .secure(true)
                    .changeOnFailure(true)
                    .build())
            .redirectToHttps(true)
            .maxBodyBytes(8L << 20)
            .timeouts(new Timeouts(1_000, 2_000, 3_000L))
            .upstreamTries(3)
            .build();
    return Snapshot.builder()
        .version(1)
        .backends(
            Backend.builder("tls")
                .endpoints(POD)
                .protocol(UpstreamProtocol.HTTPS)
                .tls(UpstreamTls.verified(CA, "pod.internal"))
                .build(),
            Backend.builder("relay").endpoints(POD).build(),
            Backend.builder("hashed")
                .endpoints(POD)
                .policy(BalancePolicy.CONSISTENT_HASH)
                .hashBy("$remote_addr$http_x_user")
                .build(),
            Backend.builder("ewma").endpoints(POD).policy(BalancePolicy.EWMA).build())
        .virtualHosts(
            VirtualHost.builder("shop.example.com")
                .routes(new Route(PathType.PREFIX, "/app", "tls", settings))
                .hsts(Hsts.DEFAULT)
                .clientAuth(ClientAuth.required(CA))
                .build(),
            VirtualHost.builder("db.example.com").passthroughBackend("relay").build())
        .build();
  }

  @Test
  void everySettingSurvivesTheCodecAndNeedsVersion2() throws Exception {
    Snapshot snapshot = everySetting();
    assertThat(snapshot.schemaVersion()).isEqualTo(2);
    Snapshot decoded = SnapshotCodec.decode(SnapshotCodec.encode(snapshot));
    assertThat(decoded).isEqualTo(snapshot);
    assertThat(SnapshotCodec.decode(SnapshotCodec.encodeCompact(snapshot))).isEqualTo(snapshot);
  }

  @Test
  void aSnapshotWithoutThemIsWrittenAsVersion1AndEncodesAsBefore() {
    Snapshot plain =
        Snapshot.builder()
            .version(1)
            .backends(Backend.of("b", List.of(POD)))
            .virtualHosts(VirtualHost.of("a.com", List.of(Route.prefix("/", "b"))))
            .build();
    assertThat(plain.schemaVersion()).isEqualTo(1);
    String json = new String(SnapshotCodec.encodeCompact(plain), StandardCharsets.UTF_8);
    assertThat(json)
        .doesNotContain("settings\":{\"affinity")
        .doesNotContain("protocol")
        .doesNotContain("sendMillis")
        .doesNotContain("hsts")
        .contains("\"routes\":[{\"pathType\":\"Prefix\",\"path\":\"/\",\"backend\":\"b\"}]");
  }

  @Test
  void version1CannotCarryAVersion2Field() {
    Snapshot v1WithSettings = everySetting().toBuilder().schemaVersion(1).build();
    assertThatThrownBy(() -> SnapshotValidator.validate(v1WithSettings))
        .isInstanceOf(InvalidSnapshotException.class)
        .hasMessageContaining("needs schemaVersion 2, the snapshot says 1");
  }

  static Stream<Arguments> invalidSettings() {
    Snapshot base = everySetting();
    VirtualHost shop = base.virtualHosts().get(0);
    Route route = shop.routes().get(0);
    Backend tls = base.backends().get(0);
    return Stream.of(
        Arguments.of(
            withRoute(
                base,
                route.withSettings(
                    route.settings().toBuilder()
                        .affinity(Affinity.builder().cookieName("bad name").build())
                        .build())),
            "virtualHosts[0].routes[0].settings.affinity.cookieName: not a cookie name"),
        Arguments.of(
            withRoute(
                base,
                route.withSettings(
                    route.settings().toBuilder()
                        .affinity(Affinity.builder().cookiePath("/a;b").build())
                        .build())),
            "settings.affinity.cookiePath: must start with '/'"),
        Arguments.of(
            withRoute(
                base, route.withSettings(route.settings().toBuilder().maxBodyBytes(-1L).build())),
            "settings.maxBodyBytes: must not be negative"),
        Arguments.of(
            withBackend(base, tls.toBuilder().hashBy("$request_uri").build()),
            "backends[0].hashBy: only with policy ConsistentHash"),
        Arguments.of(
            withBackend(base, tls.toBuilder().policy(BalancePolicy.CONSISTENT_HASH).build()),
            "backends[0].hashBy: is required with policy ConsistentHash"),
        Arguments.of(
            withBackend(
                base,
                tls.toBuilder().policy(BalancePolicy.CONSISTENT_HASH).hashBy("$nope").build()),
            "backends[0].hashBy: '$nope' is not a variable Weir can hash on"),
        Arguments.of(
            withBackend(
                base,
                tls.toBuilder().policy(BalancePolicy.CONSISTENT_HASH).hashBy("fixed").build()),
            "backends[0].hashBy: has no variable"),
        Arguments.of(
            withBackend(base, tls.toBuilder().tls(UpstreamTls.verified(null, null)).build()),
            "backends[0].tls.caCertificates: must hold a PEM CERTIFICATE block to verify"),
        Arguments.of(
            withBackend(
                base,
                tls.toBuilder()
                    .tls(new UpstreamTls(null, false, null, null, false, "missing", false))
                    .build()),
            "backends[0].tls.clientCertificate: unknown certificate 'missing'"),
        Arguments.of(
            withBackend(base, tls.toBuilder().protocol(UpstreamProtocol.HTTP).build()),
            "backends[0].tls: only for protocol HTTPS or GRPCS"),
        Arguments.of(
            withHost(base, shop.toBuilder().clientAuth(ClientAuth.required(null)).build()),
            "virtualHosts[0].clientAuth.caCertificates: must hold a PEM CERTIFICATE block"),
        Arguments.of(
            withHost(base, shop.toBuilder().passthroughBackend("relay").build()),
            "virtualHosts[0].passthroughBackend: a passthrough host has no certificate, routes"),
        Arguments.of(
            withHost(
                base, VirtualHost.builder("shop.example.com").passthroughBackend("nope").build()),
            "virtualHosts[0].passthroughBackend: unknown backend 'nope'"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("invalidSettings")
  void invalidSettingsAreRefusedNamingTheField(Snapshot snapshot, String problem) {
    assertThatThrownBy(() -> SnapshotValidator.validate(snapshot))
        .isInstanceOf(InvalidSnapshotException.class)
        .hasMessageContaining(problem);
  }

  @Test
  void aFailClosedClientAuthNeedsNoCa() throws Exception {
    Snapshot snapshot =
        withHost(
            everySetting(),
            everySetting().virtualHosts().get(0).toBuilder()
                .clientAuth(ClientAuth.failClosed(ClientVerify.ON))
                .build());
    SnapshotValidator.validate(snapshot);
    assertThat(SnapshotCodec.decode(SnapshotCodec.encode(snapshot))).isEqualTo(snapshot);
  }

  private static Snapshot withRoute(Snapshot s, Route route) {
    VirtualHost shop = s.virtualHosts().get(0);
    return withHost(s, shop.toBuilder().routes(route).build());
  }

  private static Snapshot withHost(Snapshot s, VirtualHost host) {
    return s.toBuilder().schemaVersion(2).virtualHosts(host, s.virtualHosts().get(1)).build();
  }

  private static Snapshot withBackend(Snapshot s, Backend backend) {
    return s.toBuilder().schemaVersion(2).backends(backend, s.backends().get(1)).build();
  }
}
