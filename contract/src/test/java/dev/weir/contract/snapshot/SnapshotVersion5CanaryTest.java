package dev.weir.contract.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What schema version 5 added for canaries: a route's canary survives the codec, makes the snapshot
 * version 5 and is refused in one that says 4; its fields are checked, naming each.
 */
class SnapshotVersion5CanaryTest {
  private static final Endpoint POD = new Endpoint("10.0.0.1", 8080, EndpointState.READY);

  private static Snapshot with(Canary canary) {
    return Snapshot.builder()
        .version(1)
        .backends(Backend.of("main", List.of(POD)), Backend.of("canary", List.of(POD)))
        .virtualHosts(
            VirtualHost.of("a.com", List.of(Route.prefix("/", "main").withCanary(canary))))
        .build();
  }

  @Test
  void aCanarySurvivesTheCodecAndNeedsVersion5() throws Exception {
    Snapshot snapshot =
        with(
            Canary.builder("canary")
                .header("X-Canary")
                .headerPattern("^beta-[0-9]+$")
                .cookie("canary")
                .weight(30)
                .weightTotal(1000)
                .build());
    assertThat(snapshot.schemaVersion()).isEqualTo(5);
    byte[] encoded = SnapshotCodec.encodeCompact(snapshot);
    assertThat(new String(encoded, StandardCharsets.UTF_8))
        .contains(
            "\"canary\":{\"backend\":\"canary\",\"header\":\"X-Canary\","
                + "\"headerPattern\":\"^beta-[0-9]+$\",\"cookie\":\"canary\",\"weight\":30,"
                + "\"weightTotal\":1000}");
    assertThat(SnapshotCodec.decode(encoded)).isEqualTo(snapshot);

    Snapshot saysVersion4 = snapshot.toBuilder().schemaVersion(4).build();
    assertThatThrownBy(() -> SnapshotValidator.validate(saysVersion4))
        .isInstanceOf(InvalidSnapshotException.class)
        .hasMessageContaining(
            "virtualHosts[0].routes[0].canary: needs schemaVersion 5, the snapshot says 4");
  }

  @Test
  void theDefaultWeightTotalIsLeftOut() throws Exception {
    Snapshot snapshot = with(Canary.builder("canary").weight(100).weightTotal(100).build());
    assertThat(new String(SnapshotCodec.encodeCompact(snapshot), StandardCharsets.UTF_8))
        .contains("\"canary\":{\"backend\":\"canary\",\"weight\":100}");
    assertThat(snapshot.virtualHosts().get(0).routes().get(0).canary().totalWeight())
        .isEqualTo(100);
  }

  @Test
  void invalidCanariesAreRefusedNamingTheField() {
    assertThatThrownBy(
            () ->
                SnapshotValidator.validate(
                    with(
                        Canary.builder("main")
                            .header("X Canary")
                            .cookie("a;b")
                            .weight(101)
                            .build())))
        .isInstanceOf(InvalidSnapshotException.class)
        .hasMessageContaining("canary.backend: is the route's own backend")
        .hasMessageContaining("canary.header: is not a header name")
        .hasMessageContaining("canary.cookie: is not a cookie name")
        .hasMessageContaining("canary.weight: must be between 0 and weightTotal");
    assertThatThrownBy(
            () ->
                SnapshotValidator.validate(
                    with(Canary.builder("canary").header("X").headerPattern("(a").build())))
        .hasMessageContaining("canary.headerPattern: is not a regular expression");
    assertThatThrownBy(
            () ->
                SnapshotValidator.validate(
                    with(Canary.builder("canary").headerValue("x").weightTotal(0).build())))
        .hasMessageContaining("canary: headerValue and headerPattern need a header")
        .hasMessageContaining("canary.weightTotal: must be at least 1");
  }
}
