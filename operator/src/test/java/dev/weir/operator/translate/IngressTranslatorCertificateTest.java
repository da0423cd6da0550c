package dev.weir.operator.translate;

import static dev.weir.operator.translate.Fixtures.OUR_CLASS;
import static dev.weir.operator.translate.Fixtures.ingress;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Certificate;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.SnapshotCodec;
import dev.weir.contract.snapshot.SnapshotValidator;
import dev.weir.contract.snapshot.VirtualHost;
import dev.weir.operator.state.InMemoryClusterState;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.netty.pkitesting.X509Bundle;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** spec.tls: certificates from Secrets, refused references, invalid Secrets and last good ones. */
class IngressTranslatorCertificateTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant BEFORE = NOW.minus(Duration.ofDays(1));
  private static final Instant LATER = NOW.plus(Duration.ofDays(90));
  private static final X509Bundle SHOP = TestCertificates.ec("shop.example.com", BEFORE, LATER);
  private static final X509Bundle BLOG = TestCertificates.rsa("blog.example.com", BEFORE, LATER);

  private static final String SERVICE =
      """
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: shop}
      spec: {ports: [{name: http, port: 80}]}
      """;

  private final IngressTranslator translator = new IngressTranslator();

  private static String tlsIngress(String name, String created, String tls) {
    return ingress(
        "shop",
        name,
        created,
        tls
            + """
        rules:
        - host: shop.example.com
          http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
        - host: blog.example.com
          http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
        """);
  }

  private static final String TWO_SECRETS_TLS =
      """
      tls:
      - {hosts: [shop.example.com], secretName: shop-tls}
      - {hosts: [Blog.Example.com], secretName: blog-tls}
      """;

  private Translation translate(LastGoodCertificates previous, String... yaml) {
    return translator.translate(
        InMemoryClusterState.of(Fixtures.objects(yaml)),
        TranslateOptions.defaults(),
        previous,
        NOW);
  }

  private static Map<String, String> certificateByHost(Snapshot s) {
    return s.virtualHosts().stream()
        .collect(
            Collectors.toMap(
                VirtualHost::host,
                v ->
                    v.retainCertificate()
                        ? "(retain)"
                        : v.certificate() == null ? "(default)" : v.certificate()));
  }

  @Test
  void hostsGetTheCertificateOfTheirSecretAndTheSnapshotIsValid() throws Exception {
    Translation t =
        translate(
            LastGoodCertificates.empty(),
            OUR_CLASS,
            SERVICE,
            TestCertificates.secret("shop", "shop-tls", SHOP),
            TestCertificates.secret("shop", "blog-tls", BLOG),
            tlsIngress("web", null, TWO_SECRETS_TLS));

    assertThat(t.diagnostics()).isEmpty();
    assertThat(t.snapshot().certificates()).hasSize(2);
    Map<String, String> byHost = certificateByHost(t.snapshot());
    Certificate shop = certificate(t.snapshot(), byHost.get("shop.example.com"));
    assertThat(shop.certificateChain()).isEqualTo(SHOP.getCertificatePEM());
    assertThat(byHost.get("blog.example.com")).isNotEqualTo(byHost.get("shop.example.com"));
    assertThat(shop.id()).hasSize(32).matches("[0-9a-f]+");
    SnapshotValidator.validate(t.snapshot());
    assertThat(t.lastGoodCertificates().size()).isEqualTo(2);
  }

  @Test
  void aNotReadyCertificateIsNamedWithItsReasonAndMessageAndItsSecretStillServes() {
    Translation t =
        translate(
            LastGoodCertificates.empty(),
            OUR_CLASS,
            SERVICE,
            TestCertificates.secret("shop", "shop-tls", SHOP),
            Fixtures.certificate(
                "shop", "shop-cert", "shop-tls", "False", "Failed", "rate limited by the CA"),
            tlsIngress("web", null, "tls: [{hosts: [shop.example.com], secretName: shop-tls}]\n"));

    assertThat(Fixtures.diagnostics(t)).containsExactly("Ingress shop/web CertificateNotReady");
    assertThat(t.diagnostics().get(0).message())
        .isEqualTo(
            "cert-manager Certificate shop/shop-cert (writing Secret shop/shop-tls) is not Ready"
                + " (Failed: rate limited by the CA); its hosts keep the valid certificate Secret"
                + " shop/shop-tls holds");
    assertThat(
            certificate(t.snapshot(), certificateByHost(t.snapshot()).get("shop.example.com"))
                .certificateChain())
        .isEqualTo(SHOP.getCertificatePEM());
  }

  @Test
  void aSecretInAnotherNamespaceIsRefused() {
    Translation t =
        translate(
            LastGoodCertificates.empty(),
            OUR_CLASS,
            SERVICE,
            TestCertificates.secret("other", "shop-tls", SHOP),
            tlsIngress(
                "web", null, "tls: [{hosts: [shop.example.com], secretName: other/shop-tls}]\n"));

    assertThat(Fixtures.diagnostics(t)).containsExactly("Ingress shop/web CrossNamespaceSecret");
    assertThat(certificateByHost(t.snapshot())).containsEntry("shop.example.com", "(default)");
    assertThat(t.snapshot().certificates()).isEmpty();
  }

  @Test
  void aMissingSecretMakesItsHostsRetainWhatDataPlanesServe() {
    Translation t =
        translate(
            LastGoodCertificates.empty(),
            OUR_CLASS,
            SERVICE,
            TestCertificates.secret("shop", "blog-tls", BLOG),
            tlsIngress("web", null, TWO_SECRETS_TLS));

    assertThat(Fixtures.diagnostics(t)).containsExactly("Ingress shop/web SecretNotFound");
    assertThat(certificateByHost(t.snapshot())).containsEntry("shop.example.com", "(retain)");
    assertThat(t.diagnostics().get(0).message()).contains("keep serving its hosts the certificate");
    assertThat(certificateByHost(t.snapshot()).get("blog.example.com")).isNotEqualTo("(default)");
  }

  @Test
  void eachKindOfInvalidSecretWithoutALastGoodOneIsDiagnosedAndRetainedOthersUnaffected() {
    X509Bundle expired =
        TestCertificates.ec("shop.example.com", NOW.minus(Duration.ofDays(90)), BEFORE);
    Map<String, String> cases =
        Map.of(
            "InvalidCertificate",
                TestCertificates.secret(
                    "shop", "shop-tls", "not a certificate", SHOP.getPrivateKeyPEM()),
            "KeyMismatch",
                TestCertificates.secret(
                    "shop", "shop-tls", SHOP.getCertificatePEM(), BLOG.getPrivateKeyPEM()),
            "CertificateExpired", TestCertificates.secret("shop", "shop-tls", expired));
    cases.forEach(
        (reason, secret) -> {
          Translation t =
              translate(
                  LastGoodCertificates.empty(),
                  OUR_CLASS,
                  SERVICE,
                  secret,
                  TestCertificates.secret("shop", "blog-tls", BLOG),
                  tlsIngress("web", null, TWO_SECRETS_TLS));
          assertThat(Fixtures.diagnostics(t))
              .as(reason)
              .containsExactly("Ingress shop/web " + reason);
          assertThat(certificateByHost(t.snapshot()))
              .as(reason)
              .containsEntry("shop.example.com", "(retain)");
          assertThat(certificateByHost(t.snapshot()).get("blog.example.com"))
              .as(reason)
              .isNotEqualTo("(default)");
          assertThat(t.diagnostics().get(0).message())
              .as("no key material")
              .doesNotContain(BLOG.getPrivateKeyPEM().substring(40, 80));
        });
  }

  @Test
  void anInvalidSecretKeepsItsLastGoodCertificate() {
    Translation good =
        translate(
            LastGoodCertificates.empty(),
            OUR_CLASS,
            SERVICE,
            TestCertificates.secret("shop", "shop-tls", SHOP),
            TestCertificates.secret("shop", "blog-tls", BLOG),
            tlsIngress("web", null, TWO_SECRETS_TLS));
    String goodId = certificateByHost(good.snapshot()).get("shop.example.com");

    Translation broken =
        translate(
            good.lastGoodCertificates(),
            OUR_CLASS,
            SERVICE,
            TestCertificates.secret(
                "shop", "shop-tls", SHOP.getCertificatePEM(), BLOG.getPrivateKeyPEM()),
            TestCertificates.secret("shop", "blog-tls", BLOG),
            tlsIngress("web", null, TWO_SECRETS_TLS));
    assertThat(Fixtures.diagnostics(broken)).containsExactly("Ingress shop/web KeyMismatch");
    assertThat(certificateByHost(broken.snapshot())).containsEntry("shop.example.com", goodId);
    assertThat(broken.snapshot().certificates()).extracting(Certificate::id).contains(goodId);
    assertThat(broken.diagnostics().get(0).message()).contains("keep the last good certificate");
    assertThat(broken.snapshot().virtualHosts()).noneMatch(VirtualHost::retainCertificate);

    // Still broken a translation later: the last good one is carried on.
    Translation stillBroken =
        translate(
            broken.lastGoodCertificates(),
            OUR_CLASS,
            SERVICE,
            TestCertificates.secret(
                "shop", "shop-tls", SHOP.getCertificatePEM(), BLOG.getPrivateKeyPEM()),
            TestCertificates.secret("shop", "blog-tls", BLOG),
            tlsIngress("web", null, TWO_SECRETS_TLS));
    assertThat(certificateByHost(stillBroken.snapshot())).containsEntry("shop.example.com", goodId);
  }

  @Test
  void aMissingSecretDoesNotBringBackItsLastGoodCertificate() {
    Translation good =
        translate(
            LastGoodCertificates.empty(),
            OUR_CLASS,
            SERVICE,
            TestCertificates.secret("shop", "shop-tls", SHOP),
            TestCertificates.secret("shop", "blog-tls", BLOG),
            tlsIngress("web", null, TWO_SECRETS_TLS));

    Translation deleted =
        translate(
            good.lastGoodCertificates(),
            OUR_CLASS,
            SERVICE,
            TestCertificates.secret("shop", "blog-tls", BLOG),
            tlsIngress("web", null, TWO_SECRETS_TLS));

    assertThat(certificateByHost(deleted.snapshot())).containsEntry("shop.example.com", "(retain)");
    assertThat(deleted.snapshot().certificates()).hasSize(1);
    assertThat(deleted.lastGoodCertificates().size()).isEqualTo(1);
  }

  @Test
  void anExpiredCertificateWhoseLastGoodOneExpiredWithItIsRetainedNotPublished() {
    Translation good =
        translate(
            LastGoodCertificates.empty(),
            OUR_CLASS,
            SERVICE,
            TestCertificates.secret("shop", "shop-tls", SHOP),
            TestCertificates.secret("shop", "blog-tls", BLOG),
            tlsIngress("web", null, TWO_SECRETS_TLS));

    Translation expired =
        translator.translate(
            InMemoryClusterState.of(
                Fixtures.objects(
                    OUR_CLASS,
                    SERVICE,
                    TestCertificates.secret("shop", "shop-tls", SHOP),
                    TestCertificates.secret("shop", "blog-tls", BLOG),
                    tlsIngress("web", null, TWO_SECRETS_TLS))),
            TranslateOptions.defaults(),
            good.lastGoodCertificates(),
            LATER.plusSeconds(1));

    assertThat(Fixtures.diagnostics(expired))
        .containsExactly(
            "Ingress shop/web CertificateExpired", "Ingress shop/web CertificateExpired");
    assertThat(certificateByHost(expired.snapshot()))
        .containsEntry("shop.example.com", "(retain)")
        .containsEntry("blog.example.com", "(retain)");
    assertThat(expired.snapshot().certificates()).isEmpty();
  }

  @Test
  void aHostListedByTwoIngressesTakesTheOlderOnesSecret() {
    Translation t =
        translate(
            LastGoodCertificates.empty(),
            OUR_CLASS,
            SERVICE,
            TestCertificates.secret("shop", "shop-tls", SHOP),
            TestCertificates.secret("shop", "blog-tls", BLOG),
            tlsIngress(
                "old",
                "2025-01-01T00:00:00Z",
                "tls: [{hosts: [shop.example.com], secretName: shop-tls}]\n"),
            tlsIngress(
                "young",
                "2025-02-01T00:00:00Z",
                "tls: [{hosts: [shop.example.com], secretName: blog-tls}]\n"));

    assertThat(Fixtures.diagnostics(t)).contains("Ingress shop/young ConflictingCertificate");
    Certificate used =
        certificate(t.snapshot(), certificateByHost(t.snapshot()).get("shop.example.com"));
    assertThat(used.certificateChain()).isEqualTo(SHOP.getCertificatePEM());
  }

  @Test
  void aTlsEntryWithoutHostsSetsTheDefaultCertificate() {
    Translation t =
        translate(
            LastGoodCertificates.empty(),
            OUR_CLASS,
            SERVICE,
            TestCertificates.secret("shop", "shop-tls", SHOP),
            tlsIngress("web", null, "tls: [{secretName: shop-tls}]\n"));
    assertThat(t.snapshot().defaultCertificate()).isNotNull();
    assertThat(t.snapshot().certificates())
        .extracting(Certificate::id)
        .containsExactly(t.snapshot().defaultCertificate());
  }

  @Test
  void identicalInputInAnyOrderGivesAByteIdenticalSnapshot() {
    List<String> yaml =
        List.of(
            OUR_CLASS,
            SERVICE,
            TestCertificates.secret("shop", "shop-tls", SHOP),
            TestCertificates.secret("shop", "blog-tls", BLOG),
            tlsIngress("a", "2025-01-01T00:00:00Z", TWO_SECRETS_TLS),
            tlsIngress(
                "b",
                "2025-01-01T00:00:00Z",
                "tls: [{hosts: [shop.example.com], secretName: blog-tls}]\n"),
            ingress(
                "shop",
                "c",
                null,
                """
            defaultBackend: {service: {name: web, port: {name: http}}}
            rules:
            - host: "*.example.com"
              http: {paths: [{path: /z, pathType: Exact, backend: {service: {name: web, port: {number: 80}}}},
                             {path: /a, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
            """),
            Fixtures.slice(
                "s1",
                "addressType: IPv4\nendpoints: [{addresses: [10.0.0.9, 10.0.0.1]}]\nports: [{name: http, port: 80}]\n"),
            Fixtures.slice(
                "s2",
                "addressType: IPv4\nendpoints: [{addresses: [10.0.0.5]}]\nports: [{name: http, port: 80}]\n"));
    List<HasMetadata> objects = Fixtures.objects(yaml.toArray(String[]::new));
    byte[] first =
        SnapshotCodec.encode(
            translator
                .translate(
                    InMemoryClusterState.of(objects),
                    TranslateOptions.defaults(),
                    LastGoodCertificates.empty(),
                    NOW)
                .snapshot());
    Random random = new Random(42);
    for (int i = 0; i < 5; i++) {
      List<HasMetadata> shuffled = new ArrayList<>(Fixtures.objects(yaml.toArray(String[]::new)));
      Collections.shuffle(shuffled, random);
      byte[] again =
          SnapshotCodec.encode(
              translator
                  .translate(
                      InMemoryClusterState.of(shuffled),
                      TranslateOptions.defaults(),
                      LastGoodCertificates.empty(),
                      NOW)
                  .snapshot());
      assertThat(again).isEqualTo(first);
    }
  }

  private static Certificate certificate(Snapshot s, String id) {
    return s.certificates().stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
  }
}
