package dev.weir.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * deploy/weir.yaml is the chart rendered with its defaults except that the control channel's
 * Secrets come from outside (deploy/control-certs.sh): a manifest committed to a repository must
 * not carry private keys every installation would then share. Like every render here, it leaves out
 * the `helm test` hook.
 */
class StaticManifestTest {
  static final Path MANIFEST = RenderedChart.REPO.resolve("deploy/weir.yaml");
  static final String HEADER =
      """
      # Weir, rendered from charts/weir with its default values except controlTls.source=existing
      # (release "weir", namespace "weir"). Generated: do not edit. Regenerate with
      #   ./mvnw -q -pl chart-tests test -Dtest=StaticManifestTest -Dweir.regenerate=true
      # (helm-java, Helm as a library; no helm CLI needed), or the same render with the helm CLI:
      #   helm template weir charts/weir --namespace weir --set controlTls.source=existing --skip-tests
      # (no `helm test` Pod: without Helm nothing would run it, or delete it).
      # Before applying: kubectl create namespace weir
      #                  deploy/control-certs.sh weir weir | kubectl apply -f -
      """;

  static String render() {
    return HEADER + RenderedChart.template(null, "controlTls.source", "existing");
  }

  @Test
  void committedManifestIsTheChartRenderedWithDefaults() throws Exception {
    String rendered = render();
    if (Boolean.getBoolean("weir.regenerate")) {
      Files.writeString(MANIFEST, rendered, StandardCharsets.UTF_8);
    }

    assertThat(Files.readString(MANIFEST, StandardCharsets.UTF_8))
        .as("deploy/weir.yaml is out of date with charts/weir; regenerate it (see its header)")
        .isEqualTo(rendered);
  }

  @Test
  void committedManifestCarriesNoKeyAndMountsTheScriptsSecrets() throws Exception {
    String manifest = Files.readString(MANIFEST, StandardCharsets.UTF_8);
    RenderedChart chart = RenderedChart.render("controlTls.source", "existing");

    assertThat(manifest).doesNotContain("PRIVATE KEY").doesNotContain("tls.key:");
    assertThat(RenderedChart.parse(manifest)).noneMatch(Secret.class::isInstance);
    assertThat(WiringTest.volumeSecret(chart.operatorPod(), "control-tls"))
        .contains("weir-operator-control-tls");
    assertThat(WiringTest.volumeSecret(chart.dataplanePod(), "control-tls"))
        .contains("weir-dataplane-control-tls");
  }
}
