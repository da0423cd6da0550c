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
 * What schema version 4 added for access (a route's CORS, access control, rate limits): each
 * survives the codec, makes the snapshot version 4, and is refused in a snapshot that says version
 * 3, naming the field; the password hashes never print.
 */
class SnapshotVersion4AccessTest {
  private static final Endpoint POD = new Endpoint("10.0.0.1", 8080, EndpointState.READY);
  private static final String HASH = "$apr1$salt$hashhashhash";

  private static Snapshot with(RouteSettings settings) {
    return Snapshot.builder()
        .version(1)
        .backends(Backend.of("b", List.of(POD)))
        .virtualHosts(
            VirtualHost.of("a.com", List.of(Route.prefix("/", "b").withSettings(settings))))
        .build();
  }

  static Stream<Arguments> version4Fields() {
    return Stream.of(
        Arguments.of(
            "cors",
            with(RouteSettings.builder().cors(Cors.DEFAULTS).build()),
            "virtualHosts[0].routes[0].settings.cors",
            "\"maxAgeSeconds\":1728000"),
        Arguments.of(
            "access",
            with(
                RouteSettings.builder()
                    .access(
                        new AccessControl(
                            List.of("10.0.0.0/8"),
                            null,
                            new BasicAuth("Shop", new SecretValue("alice:" + HASH)),
                            null))
                    .build()),
            "virtualHosts[0].routes[0].settings.access",
            "\"denySourceRanges\":[\"10.0.0.0/8\"]"),
        Arguments.of(
            "rate limit",
            with(
                RouteSettings.builder()
                    .rateLimit(new RateLimit("shop/web", 5, null, 2, null, List.of(), null))
                    .build()),
            "virtualHosts[0].routes[0].settings.rateLimit",
            "\"requestsPerSecond\":5"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("version4Fields")
  void aVersion4FieldSurvivesTheCodecAndNeedsVersion4(
      String name, Snapshot snapshot, String field, String json) throws Exception {
    assertThat(snapshot.schemaVersion()).isEqualTo(4);
    byte[] encoded = SnapshotCodec.encodeCompact(snapshot);
    assertThat(new String(encoded, StandardCharsets.UTF_8)).contains(json);
    assertThat(SnapshotCodec.decode(encoded)).isEqualTo(snapshot);

    Snapshot saysVersion3 = snapshot.toBuilder().schemaVersion(3).build();
    assertThatThrownBy(() -> SnapshotValidator.validate(saysVersion3))
        .isInstanceOf(InvalidSnapshotException.class)
        .hasMessageContaining(field + ": needs schemaVersion 4, the snapshot says 3");
  }

  @Test
  void passwordHashesNeverPrint() {
    Snapshot snapshot = (Snapshot) version4Fields().toList().get(1).get()[1];
    assertThat(snapshot.toString()).doesNotContain(HASH).contains("<redacted>");
  }

  @Test
  void invalidRangesAndStatusesAreRefused() {
    Snapshot bad =
        with(
            RouteSettings.builder()
                .access(new AccessControl(List.of("10.0.0.0/33"), List.of("nope"), null, null))
                .rateLimit(new RateLimit("z", 1, null, null, null, List.of("1.2.3"), 302))
                .build());
    assertThatThrownBy(() -> SnapshotValidator.validate(bad))
        .isInstanceOf(InvalidSnapshotException.class)
        .hasMessageContaining("access.denySourceRanges")
        .hasMessageContaining("access.allowSourceRanges")
        .hasMessageContaining("rateLimit.allowSourceRanges")
        .hasMessageContaining("rateLimit.status: must be between 400 and 599");
  }
}
