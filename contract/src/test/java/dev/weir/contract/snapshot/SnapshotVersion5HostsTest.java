package dev.weir.contract.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What schema version 5 added for hosts: a virtual host that redirects to another host ({@code
 * from-to-www-redirect}) and the HTTPS redirect keeping a trailing slash ({@code
 * preserve-trailing-slash}). Each survives the codec, makes the snapshot version 5 and is refused
 * in one that says version 4.
 */
class SnapshotVersion5HostsTest {
  private static final Endpoint POD = new Endpoint("10.0.0.1", 8080, EndpointState.READY);

  private static Snapshot redirecting(VirtualHost www) {
    return Snapshot.builder()
        .version(1)
        .backends(Backend.of("b", List.of(POD)))
        .virtualHosts(VirtualHost.of("a.com", List.of(Route.prefix("/", "b"))), www)
        .build();
  }

  @Test
  void aHostRedirectSurvivesTheCodecAndNeedsVersion5() throws Exception {
    Snapshot snapshot =
        redirecting(
            VirtualHost.builder("www.a.com").hostRedirect(HostRedirect.to("a.com")).build());
    assertThat(snapshot.schemaVersion()).isEqualTo(5);
    byte[] encoded = SnapshotCodec.encodeCompact(snapshot);
    assertThat(new String(encoded, StandardCharsets.UTF_8))
        .contains(
            "{\"host\":\"www.a.com\",\"routes\":[],\"hostRedirect\":{\"host\":\"a.com\",\"code\":308}}");
    assertThat(SnapshotCodec.decode(encoded)).isEqualTo(snapshot);
    SnapshotValidator.validate(snapshot);

    Snapshot saysVersion4 = snapshot.toBuilder().schemaVersion(4).build();
    assertThatThrownBy(() -> SnapshotValidator.validate(saysVersion4))
        .isInstanceOf(InvalidSnapshotException.class)
        .hasMessageContaining(
            "virtualHosts[1].hostRedirect: needs schemaVersion 5, the snapshot says 4");
  }

  @Test
  void keepTrailingSlashSurvivesTheCodecAndNeedsVersion5() throws Exception {
    Snapshot snapshot =
        Snapshot.builder()
            .version(1)
            .backends(Backend.of("b", List.of(POD)))
            .virtualHosts(
                VirtualHost.of(
                    "a.com",
                    List.of(
                        Route.prefix("/", "b")
                            .withSettings(
                                RouteSettings.builder()
                                    .redirectToHttps(true)
                                    .keepTrailingSlash(true)
                                    .build()))))
            .build();
    assertThat(snapshot.schemaVersion()).isEqualTo(5);
    byte[] encoded = SnapshotCodec.encodeCompact(snapshot);
    assertThat(new String(encoded, StandardCharsets.UTF_8))
        .contains("\"settings\":{\"redirectToHttps\":true,\"keepTrailingSlash\":true}");
    assertThat(SnapshotCodec.decode(encoded)).isEqualTo(snapshot);

    // ingress-nginx's default, dropping the slash, needs no field: older data planes read it.
    Snapshot dropping =
        snapshot.toBuilder()
            .virtualHosts(
                VirtualHost.of(
                    "a.com",
                    List.of(
                        Route.prefix("/", "b")
                            .withSettings(RouteSettings.builder().redirectToHttps(true).build()))))
            .build();
    assertThat(dropping.schemaVersion()).isEqualTo(2);
  }

  @Test
  void aRedirectingHostRoutesNothingAndNamesAnExactHost() {
    assertThatThrownBy(
            () ->
                SnapshotValidator.validate(
                    redirecting(
                        VirtualHost.builder("www.a.com")
                            .hostRedirect(new HostRedirect("*.a.com", 303))
                            .routes(Route.prefix("/", "b"))
                            .build())))
        .hasMessageContaining("virtualHosts[1].hostRedirect.host: must be an exact host name")
        .hasMessageContaining(
            "virtualHosts[1].hostRedirect.code: must be one of 301, 302, 307, 308")
        .hasMessageContaining("virtualHosts[1].hostRedirect: a redirecting host has no routes");
    assertThatThrownBy(
            () ->
                SnapshotValidator.validate(
                    redirecting(
                        VirtualHost.builder("*.b.com")
                            .hostRedirect(HostRedirect.to("a.com"))
                            .build())))
        .hasMessageContaining("virtualHosts[1].hostRedirect: only for an exact host");
  }
}
