package dev.weir.contract.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What schema version 5 added for custom errors (a route's error codes and error backend): it
 * survives the codec, makes the snapshot version 5, is refused in a snapshot that says version 4,
 * and must name a backend of the snapshot and codes 400 to 599.
 */
class SnapshotVersion5ErrorsTest {
  private static final Endpoint POD = new Endpoint("10.0.0.1", 8080, EndpointState.READY);

  private static Snapshot with(CustomErrors errors) {
    return Snapshot.builder()
        .version(1)
        .backends(Backend.of("b", List.of(POD)), Backend.of("shop/errors", List.of(POD)))
        .virtualHosts(
            VirtualHost.of(
                "a.com",
                List.of(
                    Route.prefix("/", "b")
                        .withSettings(RouteSettings.builder().customErrors(errors).build()))))
        .build();
  }

  @Test
  void customErrorsSurviveTheCodecAndNeedVersion5() throws Exception {
    Snapshot snapshot = with(new CustomErrors(List.of(404, 503), "shop/errors", "web", "http"));
    assertThat(snapshot.schemaVersion()).isEqualTo(5);
    byte[] encoded = SnapshotCodec.encodeCompact(snapshot);
    assertThat(new String(encoded, StandardCharsets.UTF_8))
        .contains(
            "\"customErrors\":{\"codes\":[404,503],\"backend\":\"shop/errors\",\"service\":\"web\","
                + "\"servicePort\":\"http\"}");
    assertThat(SnapshotCodec.decode(encoded)).isEqualTo(snapshot);

    Snapshot saysVersion4 = snapshot.toBuilder().schemaVersion(4).build();
    assertThatThrownBy(() -> SnapshotValidator.validate(saysVersion4))
        .isInstanceOf(InvalidSnapshotException.class)
        .hasMessageContaining(
            "virtualHosts[0].routes[0].settings.customErrors: needs schemaVersion 5, the snapshot"
                + " says 4");
  }

  @Test
  void aSnapshotWithoutCustomErrorsStaysAtItsVersion() {
    Snapshot plain = with(null);
    assertThat(plain.schemaVersion()).isEqualTo(1);
  }

  @Test
  void theErrorBackendMustExist() {
    assertThatThrownBy(
            () -> SnapshotValidator.validate(with(new CustomErrors(List.of(), "gone", "w", "80"))))
        .isInstanceOf(InvalidSnapshotException.class)
        .hasMessageContaining(
            "virtualHosts[0].routes[0].settings.customErrors.backend: unknown backend 'gone'");
  }

  @Test
  void codesMustBeClientOrServerErrorsInOrder() {
    assertThatThrownBy(
            () -> SnapshotValidator.validate(with(new CustomErrors(List.of(302), null, "w", "80"))))
        .hasMessageContaining("customErrors.codes: each must be between 400 and 599");
    assertThatThrownBy(
            () ->
                SnapshotValidator.validate(
                    with(new CustomErrors(List.of(503, 404), null, "w", "80"))))
        .hasMessageContaining("customErrors.codes: must be ascending, without repeats");
    assertThatThrownBy(
            () -> SnapshotValidator.validate(with(new CustomErrors(List.of(), null, "w", "80"))))
        .hasMessageContaining("customErrors: needs codes or a backend");
  }
}
