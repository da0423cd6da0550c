package dev.weir.contract.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The builders start from the defaults a JSON document gets by leaving a field out, and a snapshot
 * rebuilt from another keeps sharing its lists (the data plane recognises unchanged parts by
 * identity).
 */
class SnapshotBuildersTest {
  private static Snapshot decode(String json) throws InvalidSnapshotException {
    return SnapshotCodec.decode(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aSnapshotBuiltWithNothingSetIsWhatAMinimalDocumentDecodesTo() throws Exception {
    Snapshot built = Snapshot.builder().build();

    assertThat(built).isEqualTo(decode("{\"schemaVersion\":1,\"version\":0}"));
    assertThat(built).isEqualTo(Snapshot.empty());
    assertThat(built.settings()).isSameAs(Settings.DEFAULTS);
    // The lowest version that holds the content: data planes that read only 1 take it.
    assertThat(built.schemaVersion()).isEqualTo(Snapshot.MIN_SCHEMA_VERSION);
  }

  @Test
  void aSnapshotRebuiltFromAnotherIsEqualAndSharesItsLists() {
    Snapshot original =
        Snapshot.builder()
            .version(3)
            .settings(Settings.builder().maxHeaderBytes(4096).build())
            .virtualHosts(VirtualHost.of("a.example", List.of(Route.prefix("/", "b"))))
            .backends(Backend.of("b", List.of()))
            .defaultBackend("b")
            .build();

    Snapshot rebuilt = original.toBuilder().build();
    Snapshot newer = original.withVersion(4);

    assertThat(rebuilt).isEqualTo(original);
    assertThat(newer.version()).isEqualTo(4);
    assertThat(newer.withVersion(3)).isEqualTo(original);
    assertThat(newer.virtualHosts()).isSameAs(original.virtualHosts());
    assertThat(newer.backends()).isSameAs(original.backends());
    assertThat(newer.certificates()).isSameAs(original.certificates());
  }

  @Test
  void settingsDefaultsAreTheDocumentedValues() {
    assertThat(Settings.DEFAULTS)
        .isEqualTo(new Settings(8192, 32768, 60_000, 256, 60_000, 30_000, null))
        .isEqualTo(Settings.builder().build());
  }

  @Test
  void aSettingOfZeroInADocumentTakesItsDefault() throws Exception {
    Snapshot s =
        decode(
            """
        {"schemaVersion":1,"version":1,"settings":{"maxRequestLineBytes":0,"maxHeaderBytes":2048,
         "clientIdleMillis":0,"upstreamMaxConnectionsPerEndpoint":0,"upstreamIdleMillis":0,
         "requestHeaderMillis":0}}
        """);

    assertThat(s.settings()).isEqualTo(Settings.builder().maxHeaderBytes(2048).build());
  }

  @Test
  void aSettingsBuilderChangesOnlyWhatItIsGiven() {
    Settings base = Settings.builder().clientIdleMillis(5_000).build();

    Settings changed = base.toBuilder().upstreamIdleMillis(7_000).build();

    assertThat(changed.clientIdleMillis()).isEqualTo(5_000);
    assertThat(changed.upstreamIdleMillis()).isEqualTo(7_000);
    assertThat(changed.maxHeaderBytes()).isEqualTo(Settings.DEFAULT_MAX_HEADER_BYTES);
  }

  @Test
  void aBackendBuiltWithOnlyItsIdIsWhatADocumentWithOnlyTheIdDecodesTo() throws Exception {
    Backend decoded =
        decode("{\"schemaVersion\":1,\"version\":1,\"backends\":[{\"id\":\"b\",\"endpoints\":[]}]}")
            .backends()
            .get(0);

    assertThat(Backend.builder("b").build()).isEqualTo(decoded).isEqualTo(Backend.of("b", null));
    assertThat(decoded.policy()).isEqualTo(Backend.DEFAULT_POLICY);
    assertThat(decoded.timeouts()).isEqualTo(Timeouts.DEFAULTS);
    assertThat(decoded.connectRetries()).isEqualTo(Backend.DEFAULT_CONNECT_RETRIES);
  }

  @Test
  void aBackendBuilderSetsEachOption() {
    Timeouts timeouts = new Timeouts(1_000, 2_000);
    Backend b =
        Backend.builder("b")
            .endpoints(Endpoint.ready("10.0.0.1", 80))
            .timeouts(timeouts)
            .connectRetries(3)
            .build();

    assertThat(b)
        .isEqualTo(
            new Backend(
                "b",
                List.of(Endpoint.ready("10.0.0.1", 80)),
                BalancePolicy.ROUND_ROBIN,
                timeouts,
                3));
    assertThat(b.toBuilder().build()).isEqualTo(b);
  }

  @Test
  void aVirtualHostBuiltWithOnlyItsNameIsWhatADocumentWithOnlyTheHostDecodesTo() throws Exception {
    VirtualHost decoded =
        decode("{\"schemaVersion\":1,\"version\":1,\"virtualHosts\":[{\"host\":\"a.example\"}]}")
            .virtualHosts()
            .get(0);

    assertThat(VirtualHost.builder("a.example").build())
        .isEqualTo(decoded)
        .isEqualTo(VirtualHost.of("a.example", List.of()));
  }

  @Test
  void aVirtualHostBuilderSetsEachPart() {
    VirtualHost v =
        VirtualHost.builder("a.example")
            .certificate("c")
            .routes(Route.exact("/x", "b"))
            .defaultBackend("d")
            .build();

    assertThat(v)
        .isEqualTo(new VirtualHost("a.example", "c", List.of(Route.exact("/x", "b")), "d"));
    assertThat(v.toBuilder().build()).isEqualTo(v);
    assertThat(VirtualHost.builder("a.example").retainCertificate(true).build())
        .isEqualTo(VirtualHost.retainingCertificate("a.example", List.of(), null));
  }
}
