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

/**
 * What schema version 3 added (a route's owning Ingress, its access-log switch, the PROXY protocol
 * setting): each survives the codec, makes the snapshot version 3, and is refused in a snapshot
 * that says version 2, naming the field.
 */
class SnapshotVersion3Test {
  private static final Endpoint POD = new Endpoint("10.0.0.1", 8080, EndpointState.READY);

  private static Snapshot with(Route route, Settings settings) {
    return Snapshot.builder()
        .version(1)
        .settings(settings)
        .backends(Backend.of("b", List.of(POD)))
        .virtualHosts(VirtualHost.of("a.com", List.of(route)))
        .build();
  }

  static Stream<Arguments> version3Fields() {
    Route plain = Route.prefix("/", "b");
    return Stream.of(
        Arguments.of(
            "ingress",
            with(plain.withIngress("shop/web"), Settings.DEFAULTS),
            "virtualHosts[0].routes[0].ingress",
            "\"ingress\":\"shop/web\""),
        Arguments.of(
            "access log off",
            with(
                plain.withSettings(RouteSettings.builder().accessLog(false).build()),
                Settings.DEFAULTS),
            "virtualHosts[0].routes[0].settings.accessLog",
            "\"settings\":{\"accessLog\":false}"),
        Arguments.of(
            "PROXY protocol",
            with(plain, Settings.builder().proxyProtocol(true).build()),
            "settings.proxyProtocol",
            "\"proxyProtocol\":true"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("version3Fields")
  void aVersion3FieldSurvivesTheCodecAndNeedsVersion3(
      String name, Snapshot snapshot, String field, String json) throws Exception {
    assertThat(snapshot.schemaVersion()).isEqualTo(3);
    byte[] encoded = SnapshotCodec.encodeCompact(snapshot);
    assertThat(new String(encoded, StandardCharsets.UTF_8)).contains(json);
    assertThat(SnapshotCodec.decode(encoded)).isEqualTo(snapshot);

    Snapshot saysVersion2 = snapshot.toBuilder().schemaVersion(2).build();
    assertThatThrownBy(() -> SnapshotValidator.validate(saysVersion2))
        .isInstanceOf(InvalidSnapshotException.class)
        .hasMessageContaining(field + ": needs schemaVersion 3, the snapshot says 2");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("version3Fields")
  void aDeltaBringingAVersion3FieldIntoAVersion2SnapshotIsRefused(
      String name, Snapshot snapshot, String field, String json) throws Exception {
    Snapshot base = with(Route.prefix("/", "b"), Settings.DEFAULTS);
    assertThat(base.schemaVersion()).isEqualTo(1);
    Snapshot target = snapshot.toBuilder().schemaVersion(1).version(2).build();
    SnapshotDelta delta = SnapshotDelta.between(base, target).orElseThrow();
    SnapshotValidator.Validated valid =
        SnapshotValidator.validate(base, (SnapshotValidator.Validated) null);
    assertThatThrownBy(() -> SnapshotValidator.validate(target, valid, delta))
        .isInstanceOf(InvalidSnapshotException.class)
        .hasMessageContaining(field + ": needs schemaVersion 3, the snapshot says 1");
  }

  @Test
  void withoutThemASnapshotEncodesAsBefore() {
    Snapshot plain = with(Route.prefix("/", "b"), Settings.DEFAULTS);
    String encoded = new String(SnapshotCodec.encodeCompact(plain), StandardCharsets.UTF_8);
    assertThat(plain.schemaVersion()).isEqualTo(1);
    assertThat(encoded)
        .doesNotContain("ingress")
        .doesNotContain("accessLog")
        .doesNotContain("proxyProtocol");
  }
}
