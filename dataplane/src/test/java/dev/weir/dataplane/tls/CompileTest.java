package dev.weir.dataplane.tls;

import static dev.weir.dataplane.tls.Snapshots.host;
import static dev.weir.dataplane.tls.Snapshots.tls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.contract.snapshot.Certificate;
import dev.weir.contract.snapshot.InvalidSnapshotException;
import dev.weir.contract.snapshot.SecretValue;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.SnapshotDelta;
import dev.weir.contract.snapshot.TicketKey;
import dev.weir.contract.snapshot.VirtualHost;
import dev.weir.contract.testing.TestPki;
import dev.weir.contract.testing.TestPki.KeyFormat;
import dev.weir.contract.testing.TestPki.KeyType;
import dev.weir.contract.tls.CertificateCheck;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Loading certificates into a store: formats, refusals, and context reuse across snapshots. */
class CompileTest {
  private static final TestPki pki = TestPki.create();
  private static final TestPki.Leaf good = pki.issue("good.example.com");
  private static final TestPki.Leaf other = pki.issue("other.example.com");

  private final ServerTls tls = ServerTls.create();

  @AfterEach
  void closeTls() {
    tls.close();
  }

  private static String keyBody(String pem) {
    return pem.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
  }

  @Test
  void acceptsPkcs8Pkcs1AndSec1Keys() throws Exception {
    List<Certificate> certs =
        List.of(
            pki.issue(KeyType.RSA_2048, KeyFormat.TRADITIONAL, "rsa1.example.com")
                .toCertificate("pkcs1"),
            pki.issue(KeyType.RSA_2048, KeyFormat.PKCS8, "rsa8.example.com")
                .toCertificate("rsa-pkcs8"),
            pki.issue(KeyType.EC_P256, KeyFormat.TRADITIONAL, "ec1.example.com")
                .toCertificate("sec1"),
            pki.issue(KeyType.EC_P256, KeyFormat.PKCS8, "ec8.example.com")
                .toCertificate("ec-pkcs8"));
    SniCertificateStore store = tls.compile(tls(List.of(), certs));
    for (String name : List.of("rsa1", "rsa8", "ec1", "ec8")) {
      assertThat(store.map(name + ".example.com")).isNotSameAs(store.defaultContext());
    }
  }

  @Test
  void rsaPkcs1CertificateServesARealHandshake() throws Exception {
    TestPki.Leaf rsa = pki.issue(KeyType.RSA_2048, KeyFormat.TRADITIONAL, "rsa.example.com");
    try (TlsTestServer server =
        new TlsTestServer(
            tls.compile(
                tls(List.of(host("rsa.example.com", "rsa")), List.of(rsa.toCertificate("rsa")))))) {
      assertThat(
              TlsTestClient.trusting(pki.trustManager())
                  .connect(
                      server.port(), "rsa.example.com", List.of("TLSv1.2"), List.of("h2"), true)
                  .served())
          .isEqualTo(rsa.certificate());
    }
  }

  @Test
  void mismatchedKeyIsRefusedNamingTheCertificateWithoutKeyMaterial() {
    Certificate mismatched =
        new Certificate("cert-mismatch", good.chainPem(), new SecretValue(other.keyPem()));
    assertThatThrownBy(
            () -> tls.compile(tls(List.of(), List.of(other.toCertificate("fine"), mismatched))))
        .isInstanceOf(InvalidSnapshotException.class)
        .hasMessageContaining("certificates[1]")
        .hasMessageContaining("cert-mismatch")
        .hasMessageContaining("does not match")
        .hasMessageNotContaining(keyBody(other.keyPem()))
        .hasMessageNotContaining("PRIVATE KEY");
  }

  @Test
  void rsaKeyOfAnotherCertificateIsRefused() {
    TestPki.Leaf a = pki.issue(KeyType.RSA_2048, KeyFormat.TRADITIONAL, "a.example.com");
    TestPki.Leaf b = pki.issue(KeyType.RSA_2048, KeyFormat.TRADITIONAL, "b.example.com");
    assertThatThrownBy(
            () ->
                tls.compile(
                    tls(
                        List.of(),
                        List.of(
                            new Certificate("rsa-x", a.chainPem(), new SecretValue(b.keyPem()))))))
        .hasMessageContaining("certificates[0] (id 'rsa-x'): private key does not match");
  }

  @Test
  void certificateOnACurveBoringSslLacksIsRefusedAtCompileTime() {
    TestPki.Leaf k1 = pki.issue(KeyType.EC_SECP256K1, KeyFormat.PKCS8, "k1.example.com");
    assertThatThrownBy(() -> tls.compile(tls(List.of(), List.of(k1.toCertificate("k1")))))
        .isInstanceOf(InvalidSnapshotException.class)
        .hasMessageContaining("certificates[0] (id 'k1')")
        .hasMessageContaining("is not supported");
  }

  @Test
  void unparsablePemIsRefusedNamingTheCertificate() {
    String brokenChain =
        "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n";
    String brokenKey = "-----BEGIN PRIVATE KEY-----\nQUJD\n-----END PRIVATE KEY-----\n";
    assertThatThrownBy(
            () ->
                tls.compile(
                    tls(
                        List.of(),
                        List.of(
                            new Certificate(
                                "bad-chain", brokenChain, new SecretValue(good.keyPem())),
                            new Certificate(
                                "bad-key", good.chainPem(), new SecretValue(brokenKey))))))
        .isInstanceOf(InvalidSnapshotException.class)
        .satisfies(
            e ->
                assertThat(((InvalidSnapshotException) e).problems())
                    .containsExactly(
                        "certificates[0] (id 'bad-chain'): certificate chain is not valid PEM/X.509",
                        "certificates[1] (id 'bad-key'): private key is not valid PEM"))
        .hasMessageNotContaining(keyBody(good.keyPem()));
  }

  @Test
  void privateKeyPastedIntoTheChainIsRefusedWithoutEchoingIt() {
    assertThatThrownBy(
            () ->
                tls.compile(
                    tls(
                        List.of(),
                        List.of(
                            new Certificate(
                                "swapped",
                                good.chainPem() + good.keyPem(),
                                new SecretValue(good.keyPem()))))))
        .hasMessageContaining("certificates[0] (id 'swapped'): certificate chain holds a PEM block")
        .hasMessageNotContaining(keyBody(good.keyPem()));
  }

  @Test
  void expiredCertificateIsServedNotRefused() throws Exception {
    // Expiry is the operator's policy; a certificate that expires between translation and compile
    // must not make a data plane refuse every other update in the snapshot.
    TestPki.Leaf expired = pki.issueExpired("old.example.com");
    SniCertificateStore store =
        tls.compile(
            tls(List.of(host("old.example.com", "old")), List.of(expired.toCertificate("old"))));
    assertThat(store.map("old.example.com")).isNotSameAs(store.defaultContext());
  }

  @Test
  void failedCompileKeepsTheCacheOfTheLastGoodSnapshot() throws Exception {
    SniCertificateStore first = tls.compile(tls(List.of(), List.of(good.toCertificate("good"))));
    long built = tls.contextsBuilt();
    assertThatThrownBy(
            () ->
                tls.compile(
                    tls(
                        List.of(),
                        List.of(
                            good.toCertificate("good"),
                            new Certificate(
                                "broken", good.chainPem(), new SecretValue(other.keyPem()))))))
        .isInstanceOf(InvalidSnapshotException.class);
    SniCertificateStore again = tls.compile(tls(List.of(), List.of(good.toCertificate("good"))));
    assertThat(again.map("good.example.com")).isSameAs(first.map("good.example.com"));
    assertThat(tls.contextsBuilt()).isEqualTo(built);
  }

  @Test
  void unchangedCertificateIdsReuseTheirContextAcrossCompiles() throws Exception {
    SniCertificateStore first =
        tls.compile(
            tls(
                List.of(host("good.example.com", "g")),
                List.of(good.toCertificate("g"), other.toCertificate("o"))));
    assertThat(tls.contextsBuilt()).isEqualTo(2);

    TestPki.Leaf renewed = pki.issue("other.example.com");
    SniCertificateStore second =
        tls.compile(
            tls(
                List.of(host("good.example.com", "g")),
                List.of(good.toCertificate("g"), renewed.toCertificate("o2"))));

    assertThat(second.map("good.example.com")).isSameAs(first.map("good.example.com"));
    assertThat(second.map("other.example.com")).isNotSameAs(first.map("other.example.com"));
    assertThat(tls.contextsBuilt()).isEqualTo(3);

    // "o" was evicted by the second compile: bringing it back builds it again.
    tls.compile(tls(List.of(), List.of(other.toCertificate("o"))));
    assertThat(tls.contextsBuilt()).isEqualTo(4);
  }

  @Test
  void sameIdWithNewContentIsRebuiltNotReused() throws Exception {
    SniCertificateStore first = tls.compile(tls(List.of(), List.of(good.toCertificate("same-id"))));
    SniCertificateStore second =
        tls.compile(tls(List.of(), List.of(other.toCertificate("same-id"))));
    assertThat(second.map("other.example.com")).isNotSameAs(first.map("good.example.com"));
    assertThat(second.map("good.example.com")).isSameAs(second.defaultContext());
  }

  @Test
  void aSnapshotKeepingItsCertificatesChangesOnlyItsHostsAndServesWhatAFullCompileServes()
      throws Exception {
    List<Certificate> certs = List.of(good.toCertificate("g"), other.toCertificate("o"));
    VirtualHost a = host("a.example.com", "g");
    tls.compile(
        tls(
            List.of(
                a,
                host("b.example.com", "o"),
                host("c.example.com", null),
                host("*.w.example.com", "g")),
            certs));
    long built = tls.contextsBuilt();

    // The same certificates list: a's instance kept, b changed, c and the wildcard removed, d, e
    // and another wildcard added.
    List<VirtualHost> hosts =
        List.of(
            a,
            host("b.example.com", "g"),
            host("d.example.com", "o"),
            host("e.example.com", null),
            host("*.v.example.com", "o"));
    SniCertificateStore hostsOnly = tls.compile(tls(hosts, certs));
    SniCertificateStore full = tls.compile(tls(hosts, new ArrayList<>(certs)));

    assertThat(tls.contextsBuilt()).isEqualTo(built);
    for (String name :
        List.of(
            "a.example.com",
            "b.example.com",
            "c.example.com",
            "d.example.com",
            "e.example.com",
            "x.w.example.com",
            "x.v.example.com",
            "good.example.com",
            "other.example.com",
            "unknown.example.com")) {
      assertThat(hostsOnly.map(name)).as(name).isSameAs(full.map(name));
    }
    assertThat(hostsOnly.map("b.example.com")).isSameAs(hostsOnly.map("good.example.com"));
    assertThat(hostsOnly.map("c.example.com"))
        .as("removed, and no certificate names it")
        .isSameAs(hostsOnly.defaultContext());
  }

  @Test
  void compilingByDeltaServesWhatAFullCompileServes() throws Exception {
    List<Certificate> certs = List.of(good.toCertificate("g"), other.toCertificate("o"));
    // Sorted by host, as the operator publishes (what a delta needs).
    Snapshot first =
        tls(
            List.of(
                host("*.w.example.com", "g"),
                host("a.example.com", "g"),
                host("b.example.com", "o"),
                host("c.example.com", null)),
            certs);
    tls.compile(first);
    Snapshot second =
        tls(
            List.of(
                host("*.v.example.com", "o"),
                first.virtualHosts().get(1),
                host("b.example.com", "g"),
                host("d.example.com", "o"),
                host("e.example.com", null)),
            certs);
    SnapshotDelta delta = SnapshotDelta.between(first, second).orElseThrow();

    SniCertificateStore byDelta = tls.compile(second, delta);
    SniCertificateStore full = tls.compile(tls(second.virtualHosts(), new ArrayList<>(certs)));

    for (String name :
        List.of(
            "a.example.com",
            "b.example.com",
            "c.example.com",
            "d.example.com",
            "e.example.com",
            "x.w.example.com",
            "x.v.example.com",
            "good.example.com",
            "other.example.com",
            "unknown.example.com")) {
      assertThat(byDelta.map(name)).as(name).isSameAs(full.map(name));
    }
  }

  @Test
  void swapAtScaleBuildsOnlyTheChangedCertificate() throws Exception {
    List<Certificate> certs = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      certs.add(pki.issue("h" + i + ".example.com").toCertificate("c" + i));
    }
    tls.compile(tls(List.of(), certs));
    assertThat(tls.contextsBuilt()).isEqualTo(200);

    certs.set(7, pki.issue("h7.example.com").toCertificate("c7-renewed"));
    SniCertificateStore store = tls.compile(tls(List.of(), certs));
    assertThat(tls.contextsBuilt()).isEqualTo(201);
    assertThat(store.map("h7.example.com")).isNotSameAs(store.defaultContext());
  }

  @Test
  void certificateAndSnapshotToStringShowNoKey() {
    Certificate c = good.toCertificate("g");
    Snapshot s =
        tls(
            List.of(host("good.example.com", "g")),
            List.of(c),
            Snapshots.randomTicketKeys(1),
            null);
    String ticketKey = s.ticketKeys().get(0).key().reveal();
    assertThat(c.toString()).doesNotContain(keyBody(good.keyPem())).doesNotContain("PRIVATE KEY");
    assertThat(s.toString()).doesNotContain(keyBody(good.keyPem())).doesNotContain(ticketKey);
  }

  @Test
  void malformedTicketKeyIsRefusedByIndexOnly() {
    Snapshot s =
        tls(List.of(), List.of(), List.of(new TicketKey(new SecretValue("c2hvcnQ="))), null);
    assertThatThrownBy(() -> tls.compile(s))
        .hasMessage("ticketKeys[0].key: must be 48 bytes")
        .hasMessageNotContaining("c2hvcnQ=");
  }

  @Test
  void inspectReportsSansAndExpiryForTheOperator() {
    var ok = CertificateCheck.inspect(good.chainPem(), good.keyPem(), Instant.now());
    assertThat(ok.ok()).isTrue();
    assertThat(ok.problem()).isNull();
    assertThat(ok.dnsNames()).containsExactly("good.example.com");
    assertThat(ok.notAfter()).isEqualTo(good.certificate().getNotAfter().toInstant());

    var mismatch = CertificateCheck.inspect(good.chainPem(), other.keyPem(), Instant.now());
    assertThat(mismatch.problem()).isEqualTo(CertificateCheck.Problem.KEY_MISMATCH);
    assertThat(mismatch.message()).isEqualTo("private key does not match the certificate");
    assertThat(mismatch.dnsNames()).containsExactly("good.example.com");

    var later =
        CertificateCheck.inspect(
            good.chainPem(),
            good.keyPem(),
            good.certificate().getNotAfter().toInstant().plusSeconds(1));
    assertThat(later.problem()).isEqualTo(CertificateCheck.Problem.EXPIRED);
    assertThat(later.message()).startsWith("certificate expired at");

    var garbage = CertificateCheck.inspect("nonsense", good.keyPem(), Instant.now());
    assertThat(garbage.problem()).isEqualTo(CertificateCheck.Problem.UNPARSABLE_CERTIFICATE);
    assertThat(garbage.message()).isEqualTo("certificate chain holds no PEM CERTIFICATE block");
    assertThat(garbage.notAfter()).isNull();
  }
}
