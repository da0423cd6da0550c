package dev.weir.operator.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.weir.contract.snapshot.Certificate;
import dev.weir.contract.snapshot.InvalidSnapshotException;
import dev.weir.contract.snapshot.SecretValue;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.SnapshotCodec;
import dev.weir.contract.snapshot.SnapshotValidator;
import dev.weir.contract.snapshot.VirtualHost;
import dev.weir.contract.testing.TestPki;
import dev.weir.contract.testing.TestPki.KeyFormat;
import dev.weir.contract.testing.TestPki.KeyType;
import dev.weir.dataplane.tls.ServerTls;
import dev.weir.operator.state.InMemoryClusterState;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The translator and the data plane agree on every certificate: what the translator publishes a
 * data plane loads (so one Secret cannot get a snapshot refused), and what a data plane would
 * refuse the translator turns into a diagnostic. Both sides see the same clock.
 */
class CertificateAgreementTest {
  private static final Instant NOW = Instant.now();
  private static final TestPki pki = TestPki.create();

  /**
   * A TLS Secret's two fields, whether a data plane can serve them, and whether the operator
   * publishes them. They differ only for expiry: the operator's policy, which the data plane does
   * not enforce (it would refuse a whole snapshot over a certificate that expired in transit).
   */
  private record Pair(String chainPem, String keyPem, boolean servable, boolean published) {
    Pair(String chainPem, String keyPem, boolean servable) {
      this(chainPem, keyPem, servable, servable);
    }
  }

  private static final Set<Reason> CERTIFICATE_REASONS =
      EnumSet.of(Reason.INVALID_CERTIFICATE, Reason.KEY_MISMATCH, Reason.CERTIFICATE_EXPIRED);
  private static final Map<String, Pair> PAIRS = new LinkedHashMap<>();

  @BeforeAll
  static void pairs() throws Exception {
    TestPki.Leaf ec = pki.issue(KeyType.EC_P256, KeyFormat.PKCS8, "ec.example.com");
    TestPki.Leaf sec1 = pki.issue(KeyType.EC_P256, KeyFormat.TRADITIONAL, "sec1.example.com");
    TestPki.Leaf rsa = pki.issue(KeyType.RSA_2048, KeyFormat.PKCS8, "rsa.example.com");
    TestPki.Leaf pkcs1 = pki.issue(KeyType.RSA_2048, KeyFormat.TRADITIONAL, "pkcs1.example.com");
    TestPki.Leaf expired = pki.issueExpired("expired.example.com");
    TestPki expiredCaPki = TestPki.createExpired();
    TestPki.Leaf expiringLeaf = expiredCaPki.issue("expired-intermediate.example.com");
    String expiredCa = expiredCaPki.caPem();
    X509Bundle ed25519 =
        new CertificateBuilder()
            .algorithm(CertificateBuilder.Algorithm.ed25519)
            // pkitesting only self-signs CAs; to the check it is a leaf with a SAN like any other.
            .setIsCertificateAuthority(true)
            .subject("CN=ed.example.com")
            .addSanDnsName("ed.example.com")
            .notBefore(NOW.minus(Duration.ofDays(1)))
            .notAfter(NOW.plus(Duration.ofDays(30)))
            .buildSelfSigned();

    PAIRS.put("ec-pkcs8", new Pair(ec.chainPem(), ec.keyPem(), true));
    PAIRS.put("ec-sec1", new Pair(sec1.chainPem(), sec1.keyPem(), true));
    PAIRS.put("rsa-pkcs8", new Pair(rsa.chainPem(), rsa.keyPem(), true));
    PAIRS.put("rsa-pkcs1", new Pair(pkcs1.chainPem(), pkcs1.keyPem(), true));
    PAIRS.put("with-intermediate", new Pair(ec.chainPem() + pki.caPem(), ec.keyPem(), true));
    PAIRS.put(
        "unrelated-intermediate", new Pair(ec.chainPem() + rsa.chainPem(), ec.keyPem(), false));
    PAIRS.put("misordered-chain", new Pair(pki.caPem() + ec.chainPem(), ec.keyPem(), false));
    PAIRS.put(
        "crlf-and-comments",
        new Pair(
            ("subject=ec.example.com\n" + ec.chainPem()).replace("\n", "\r\n"), ec.keyPem(), true));
    PAIRS.put("mismatched-key", new Pair(ec.chainPem(), rsa.keyPem(), false));
    PAIRS.put("expired", new Pair(expired.chainPem(), expired.keyPem(), true, false));
    PAIRS.put(
        "expired-intermediate",
        new Pair(expiringLeaf.chainPem() + expiredCa, expiringLeaf.keyPem(), true, false));
    PAIRS.put(
        "garbage-certificate",
        new Pair(
            "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n",
            ec.keyPem(),
            false));
    PAIRS.put(
        "garbage-key",
        new Pair(
            ec.chainPem(),
            "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n",
            false));
    PAIRS.put("key-pasted-in-chain", new Pair(ec.chainPem() + ec.keyPem(), ec.keyPem(), false));
    PAIRS.put("key-instead-of-chain", new Pair(ec.keyPem(), ec.keyPem(), false));
    PAIRS.put(
        "legacy-x509-label",
        new Pair(ec.chainPem().replace(" CERTIFICATE-", " X509 CERTIFICATE-"), ec.keyPem(), false));
    PAIRS.put("ed25519", new Pair(ed25519.getCertificatePEM(), ed25519.getPrivateKeyPEM(), false));
  }

  private static ServerTls dataPlane() {
    return ServerTls.create(
        ServerTls.Options.defaults().withClock(Clock.fixed(NOW, ZoneOffset.UTC)));
  }

  /** What a data plane does with a snapshot it receives: decode (which validates), then compile. */
  private static void receive(ServerTls tls, Snapshot snapshot) throws InvalidSnapshotException {
    tls.compile(SnapshotCodec.decode(SnapshotCodec.encode(snapshot)));
  }

  private static boolean dataPlaneServes(ServerTls tls, Pair pair) {
    Snapshot alone =
        Snapshot.builder()
            .version(1)
            .virtualHosts(List.of(VirtualHost.builder("a.example.com").certificate("c").build()))
            .certificates(
                List.of(new Certificate("c", pair.chainPem(), new SecretValue(pair.keyPem()))))
            .build();
    try {
      SnapshotValidator.validate(alone);
      tls.compile(alone);
      return true;
    } catch (InvalidSnapshotException e) {
      return false;
    }
  }

  private static Translation translateAll() {
    List<String> yaml = new ArrayList<>(List.of(Fixtures.OUR_CLASS, Fixtures.WEB_SERVICE));
    PAIRS.forEach(
        (name, pair) -> {
          yaml.add(TestCertificates.secret("shop", name, pair.chainPem(), pair.keyPem()));
          yaml.add(
              Fixtures.ingress(
                  "shop",
                  name,
                  null,
                  "tls: [{hosts: ["
                      + name
                      + ".example.com], secretName: "
                      + name
                      + "}]\nrules:\n- host: "
                      + name
                      + ".example.com\n  http: {paths: [{path: /, pathType: Prefix, backend: {service: "
                      + "{name: web, port: {number: 80}}}}]}\n"));
        });
    return new IngressTranslator()
        .translate(
            InMemoryClusterState.of(Fixtures.objects(yaml.toArray(String[]::new))),
            TranslateOptions.defaults(),
            LastGoodCertificates.empty(),
            NOW);
  }

  @Test
  void everySnapshotTheTranslatorPublishesIsAcceptedByADataPlane() {
    Translation t = translateAll();
    assertThat(t.snapshot().certificates()).isNotEmpty();
    assertThatCode(() -> receive(dataPlane(), t.snapshot())).doesNotThrowAnyException();
  }

  @Test
  void whatTheTranslatorPublishesADataPlaneServesAndWhatItRefusesIsDiagnosed() {
    Translation t = translateAll();
    ServerTls tls = dataPlane();
    PAIRS.forEach(
        (name, pair) -> {
          boolean dataPlane = dataPlaneServes(tls, pair);
          boolean diagnosed =
              t.diagnostics().stream()
                  .anyMatch(
                      d ->
                          d.object().name().equals(name)
                              && CERTIFICATE_REASONS.contains(d.reason()));
          String certificate =
              t.snapshot().virtualHosts().stream()
                  .filter(v -> v.host().equals(name + ".example.com"))
                  .findFirst()
                  .orElseThrow()
                  .certificate();

          assertThat(dataPlane).as(name + ": data plane serves it").isEqualTo(pair.servable());
          assertThat(diagnosed).as(name + ": translator diagnoses it").isEqualTo(!pair.published());
          assertThat(certificate != null)
              .as(name + ": translator publishes it")
              .isEqualTo(pair.published());
          if (certificate != null) {
            assertThat(dataPlane).as(name + ": what is published is served").isTrue();
          }
        });
  }
}
