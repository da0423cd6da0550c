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
 * What schema version 5 added (retry policies of backends and routes): each survives the codec,
 * makes the snapshot version 5, and is refused in a snapshot that says version 4, naming the field;
 * a snapshot that keeps the default policy stays at the version its other content needs.
 */
class SnapshotVersion5RetryTest {
  private static final Endpoint POD = new Endpoint("10.0.0.1", 8080, EndpointState.READY);
  private static final RetryPolicy ON_502 =
      new RetryPolicy(List.of(RetryCondition.HTTP_502, RetryCondition.ERROR), 2_000L);

  private static Snapshot with(Backend backend, RouteSettings settings) {
    return Snapshot.builder()
        .version(1)
        .backends(backend)
        .virtualHosts(
            VirtualHost.of("a.com", List.of(Route.prefix("/", "b").withSettings(settings))))
        .build();
  }

  static Stream<Arguments> version5Fields() {
    return Stream.of(
        Arguments.of(
            "backend",
            with(Backend.builder("b").endpoints(POD).retry(ON_502).build(), RouteSettings.NONE),
            "backends[0].retry",
            "\"retry\":{\"on\":[\"error\",\"http_502\"],\"budgetMillis\":2000}"),
        Arguments.of(
            "route",
            with(
                Backend.of("b", List.of(POD)),
                RouteSettings.builder().retry(RetryPolicy.OFF).build()),
            "virtualHosts[0].routes[0].settings.retry",
            "\"retry\":{\"on\":[]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("version5Fields")
  void aVersion5FieldSurvivesTheCodecAndNeedsVersion5(
      String name, Snapshot snapshot, String field, String json) throws Exception {
    assertThat(snapshot.schemaVersion()).isEqualTo(5);
    byte[] encoded = SnapshotCodec.encodeCompact(snapshot);
    assertThat(new String(encoded, StandardCharsets.UTF_8)).contains(json);
    assertThat(SnapshotCodec.decode(encoded)).isEqualTo(snapshot);

    Snapshot saysVersion4 = snapshot.toBuilder().schemaVersion(4).build();
    assertThatThrownBy(() -> SnapshotValidator.validate(saysVersion4))
        .isInstanceOf(InvalidSnapshotException.class)
        .hasMessageContaining(field + ": needs schemaVersion 5, the snapshot says 4");
  }

  @Test
  void theDefaultPolicyIsLeftOutAndNeedsNoNewVersion() throws Exception {
    Snapshot snapshot = with(Backend.of("b", List.of(POD)), RouteSettings.NONE);
    assertThat(snapshot.schemaVersion()).isEqualTo(1);
    assertThat(new String(SnapshotCodec.encodeCompact(snapshot), StandardCharsets.UTF_8))
        .doesNotContain("retry");
  }

  @Test
  void conditionsReadInAnyOrderAndAbsentOnesAreNginxsDefault() throws Exception {
    assertThat(new RetryPolicy(List.of(RetryCondition.TIMEOUT, RetryCondition.ERROR), 0L))
        .isEqualTo(RetryPolicy.DEFAULT);
    assertThat(new RetryPolicy(null, null)).isEqualTo(RetryPolicy.DEFAULT);
    assertThat(RetryPolicy.OFF.conditions()).isEmpty();
  }
}
