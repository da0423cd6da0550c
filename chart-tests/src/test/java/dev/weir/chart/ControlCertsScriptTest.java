package dev.weir.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/control-certs.sh makes the Secrets deploy/weir.yaml mounts, and they work. */
class ControlCertsScriptTest {
  @TempDir Path tmp;

  @Test
  void scriptSecretsCompleteTheControlChannelHandshakeForTheOperatorServiceName() throws Exception {
    List<HasMetadata> objects = RenderedChart.parse(run("weir", "weir"));
    Secret operator = secret(objects, "weir-operator-control-tls");
    Secret dataplane = secret(objects, "weir-dataplane-control-tls");

    X509Certificate server =
        ControlTlsTest.certificate(RenderedChart.secretEntry(operator, "tls.crt"));
    assertThat(ControlTlsTest.dnsNames(server)).contains("weir-operator.weir.svc");
    assertThat(operator.getMetadata().getNamespace()).isEqualTo("weir");
    assertThat(operator.getType()).isEqualTo("kubernetes.io/tls");
    Path operatorDir =
        ControlChannelHandshake.tlsDir(tmp, "operator", ControlTlsTest.pemFiles(operator));
    Path dataplaneDir =
        ControlChannelHandshake.tlsDir(tmp, "dataplane", ControlTlsTest.pemFiles(dataplane));

    assertThat(
            ControlChannelHandshake.handshake(operatorDir, dataplaneDir, "weir-operator.weir.svc"))
        .isNull();
    assertThat(
            ControlChannelHandshake.handshake(operatorDir, dataplaneDir, "weir-operator.other.svc"))
        .isNotNull();
  }

  @Test
  void scriptNamesFollowNamespaceAndReleaseName() throws Exception {
    List<HasMetadata> objects = RenderedChart.parse(run("edge-system", "edge"));
    Secret operator = secret(objects, "edge-operator-control-tls");

    assertThat(secret(objects, "edge-dataplane-control-tls").getMetadata().getNamespace())
        .isEqualTo("edge-system");
    assertThat(
            ControlTlsTest.dnsNames(
                ControlTlsTest.certificate(RenderedChart.secretEntry(operator, "tls.crt"))))
        .contains("edge-operator.edge-system.svc", "edge-operator.edge-system.svc.cluster.local");
  }

  private String run(String namespace, String name) throws Exception {
    assumeTrue(
        onPath("openssl"), "openssl is not on the PATH: deploy/control-certs.sh cannot run here");
    Path out = tmp.resolve("secrets.yaml");
    Process process =
        new ProcessBuilder(
                "bash",
                RenderedChart.REPO.resolve("deploy/control-certs.sh").toString(),
                namespace,
                name)
            .redirectOutput(out.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isZero();
    return Files.readString(out, StandardCharsets.US_ASCII);
  }

  private static Secret secret(List<HasMetadata> objects, String name) {
    return objects.stream()
        .filter(Secret.class::isInstance)
        .map(Secret.class::cast)
        .filter(s -> s.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no Secret " + name));
  }

  private static boolean onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }
}
