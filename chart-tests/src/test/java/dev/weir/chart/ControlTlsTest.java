package dev.weir.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control channel's certificates in each of the chart's three modes. */
class ControlTlsTest {
  private static final String DIALED = "weir-operator.weir.svc";

  @TempDir Path tmp;

  @Test
  void helmGeneratesBothSecretsFromOneCa() throws Exception {
    RenderedChart chart = RenderedChart.render();
    Secret operator = chart.get(Secret.class, "weir-operator-control-tls");
    Secret dataplane = chart.get(Secret.class, "weir-dataplane-control-tls");

    X509Certificate ca = certificate(RenderedChart.secretEntry(operator, "ca.crt"));
    assertThat(RenderedChart.secretEntry(dataplane, "ca.crt"))
        .isEqualTo(RenderedChart.secretEntry(operator, "ca.crt"));
    X509Certificate server = certificate(RenderedChart.secretEntry(operator, "tls.crt"));
    X509Certificate client = certificate(RenderedChart.secretEntry(dataplane, "tls.crt"));
    server.verify(ca.getPublicKey());
    client.verify(ca.getPublicKey());
    assertThat(RenderedChart.secretEntry(operator, "tls.key")).contains("PRIVATE KEY-----");
    assertThat(RenderedChart.secretEntry(dataplane, "tls.key")).contains("PRIVATE KEY-----");
    assertThat(client.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.2"); // clientAuth
    assertThat(server.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1"); // serverAuth
  }

  @Test
  void operatorCertificateCoversTheServiceDnsNames() throws Exception {
    Secret operator = RenderedChart.render().get(Secret.class, "weir-operator-control-tls");

    assertThat(dnsNames(certificate(RenderedChart.secretEntry(operator, "tls.crt"))))
        .contains(
            DIALED, "weir-operator", "weir-operator.weir", "weir-operator.weir.svc.cluster.local");
  }

  @Test
  void generatedCertificatesCompleteTheControlChannelHandshakeOnlyForTheOperatorName()
      throws Exception {
    RenderedChart chart = RenderedChart.render();
    Path operatorDir =
        ControlChannelHandshake.tlsDir(
            tmp, "operator", pemFiles(chart.get(Secret.class, "weir-operator-control-tls")));
    Path dataplaneDir =
        ControlChannelHandshake.tlsDir(
            tmp, "dataplane", pemFiles(chart.get(Secret.class, "weir-dataplane-control-tls")));

    assertThat(ControlChannelHandshake.handshake(operatorDir, dataplaneDir, DIALED)).isNull();
    assertThat(
            ControlChannelHandshake.handshake(
                operatorDir, dataplaneDir, "weir-operator.elsewhere.svc"))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void upgradeKeepsTheSecretsItFindsInTheCluster() throws Exception {
    RenderedChart first = RenderedChart.render("fullnameOverride", "kept");
    List<Secret> installed = first.all(Secret.class);
    assertThat(installed).hasSize(2);
    try {
      for (Secret secret : installed) {
        MockCluster.client()
            .secrets()
            .inNamespace(RenderedChart.NAMESPACE)
            .resource(secret)
            .create();
      }

      RenderedChart upgrade = RenderedChart.render("fullnameOverride", "kept");

      for (Secret secret : installed) {
        assertThat(upgrade.get(Secret.class, secret.getMetadata().getName()).getData())
            .isEqualTo(secret.getData());
      }
      // Without the Secrets in the cluster (first install, or a rotation) Helm generates new ones.
      assertThat(RenderedChart.render("fullnameOverride", "other").all(Secret.class))
          .allSatisfy(
              s ->
                  assertThat(s.getData().get("ca.crt"))
                      .isNotEqualTo(installed.get(0).getData().get("ca.crt")));
    } finally {
      for (Secret secret : installed) {
        MockCluster.client()
            .secrets()
            .inNamespace(RenderedChart.NAMESPACE)
            .withName(secret.getMetadata().getName())
            .delete();
      }
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void certManagerModeRendersIssuersAndCertificatesInsteadOfSecrets() {
    RenderedChart chart = RenderedChart.render("controlTls.source", "cert-manager");

    assertThat(chart.all(Secret.class)).isEmpty();
    assertThat(chart.ofKind("Issuer"))
        .extracting(o -> o.getMetadata().getName())
        .containsExactlyInAnyOrder("weir-control-selfsigned", "weir-control-ca");
    Map<String, Object> ca = spec(chart.get("Certificate", "weir-control-ca"));
    assertThat(ca).containsEntry("isCA", true);

    Map<String, Object> server = spec(chart.get("Certificate", "weir-operator-control"));
    assertThat(server).containsEntry("secretName", "weir-operator-control-tls");
    assertThat((List<Object>) server.get("dnsNames"))
        .contains(DIALED, "weir-operator.weir.svc.cluster.local");
    assertThat((List<Object>) server.get("usages")).contains("server auth");
    assertThat(server.get("issuerRef"))
        .isEqualTo(Map.of("name", "weir-control-ca", "kind", "Issuer", "group", "cert-manager.io"));

    Map<String, Object> client = spec(chart.get("Certificate", "weir-dataplane-control"));
    assertThat(client).containsEntry("secretName", "weir-dataplane-control-tls");
    assertThat((List<Object>) client.get("usages")).contains("client auth");
    assertThat(client.get("issuerRef")).isEqualTo(server.get("issuerRef"));
    // The pods mount the Secrets cert-manager writes.
    assertThat(WiringTest.volumeSecret(chart.operatorPod(), "control-tls"))
        .contains("weir-operator-control-tls");
    assertThat(WiringTest.volumeSecret(chart.dataplanePod(), "control-tls"))
        .contains("weir-dataplane-control-tls");
    // The Secrets cert-manager writes (the CA's holds its key) carry the label the operator
    // refuses to serve to clients.
    for (Map<String, Object> certificate : List.of(ca, server, client)) {
      assertThat(certificate.get("secretTemplate"))
          .isEqualTo(Map.of("labels", Map.of(CONTROL_CHANNEL_LABEL, "true")));
    }
  }

  @Test
  void generatedSecretsCarryTheLabelTheOperatorNeverServes() {
    RenderedChart chart = RenderedChart.render();
    for (String name : List.of("weir-operator-control-tls", "weir-dataplane-control-tls")) {
      assertThat(chart.get(Secret.class, name).getMetadata().getLabels())
          .containsEntry(CONTROL_CHANNEL_LABEL, "true");
    }
  }

  // The operator's dev.weir.operator.translate.CertificateResolver.CONTROL_CHANNEL_LABEL.
  private static final String CONTROL_CHANNEL_LABEL = "weir.dev/control-channel";

  @Test
  void certManagerWithAGivenIssuerCreatesNoIssuerOfItsOwn() {
    RenderedChart chart =
        RenderedChart.render(
            "controlTls.source",
            "cert-manager",
            "controlTls.certManager.issuerRef.name",
            "corp-ca",
            "controlTls.certManager.issuerRef.kind",
            "ClusterIssuer");

    assertThat(chart.ofKind("Issuer")).isEmpty();
    assertThat(chart.ofKind("Certificate"))
        .extracting(o -> o.getMetadata().getName())
        .containsExactlyInAnyOrder("weir-operator-control", "weir-dataplane-control");
    assertThat(spec(chart.get("Certificate", "weir-operator-control")).get("issuerRef"))
        .isEqualTo(Map.of("name", "corp-ca", "kind", "ClusterIssuer"));
  }

  @Test
  void existingModeRendersNoCertificatesAndMountsTheNamedSecrets() {
    RenderedChart chart =
        RenderedChart.render(
            "controlTls.source",
            "existing",
            "controlTls.existing.operatorSecret",
            "op-tls",
            "controlTls.existing.dataplaneSecret",
            "dp-tls");

    assertThat(chart.all(Secret.class)).isEmpty();
    assertThat(chart.ofKind("Certificate")).isEmpty();
    assertThat(WiringTest.volumeSecret(chart.operatorPod(), "control-tls")).contains("op-tls");
    assertThat(WiringTest.volumeSecret(chart.dataplanePod(), "control-tls")).contains("dp-tls");
    // Nothing in the chart changes with the certificates, so nothing restarts the operator either.
    assertThat(chart.operator().getSpec().getTemplate().getMetadata().getAnnotations())
        .isNullOrEmpty();
  }

  @Test
  void helmModeRestartsTheOperatorWhenItsCertificatesChange() {
    Deployment operator = RenderedChart.render().operator();

    assertThat(operator.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsKey("checksum/control-tls");
  }

  static Map<String, String> pemFiles(Secret secret) {
    return Map.of(
        "tls.crt", RenderedChart.secretEntry(secret, "tls.crt"),
        "tls.key", RenderedChart.secretEntry(secret, "tls.key"),
        "ca.crt", RenderedChart.secretEntry(secret, "ca.crt"));
  }

  static X509Certificate certificate(String pem) throws Exception {
    return (X509Certificate)
        CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
  }

  static List<String> dnsNames(X509Certificate certificate) throws Exception {
    return certificate.getSubjectAlternativeNames().stream()
        .filter(san -> Objects.equals(san.get(0), 2)) // dNSName
        .map(san -> (String) san.get(1))
        .toList();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> spec(HasMetadata object) {
    return (Map<String, Object>)
        ((GenericKubernetesResource) object).getAdditionalProperties().get("spec");
  }
}
