package dev.weir.contract.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.testing.TestPki;
import dev.weir.contract.testing.TestPki.KeyFormat;
import dev.weir.contract.testing.TestPki.KeyType;
import dev.weir.contract.tls.CertificateCheck.Problem;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.junit.jupiter.api.Test;

/** The kinds of problem {@link CertificateCheck#inspect} reports, which the operator acts on. */
class CertificateCheckTest {
  private static final TestPki pki = TestPki.create();
  private static final Instant NOW = Instant.now();
  private static final TestPki.Leaf good = pki.issue("good.example.com");
  private static final TestPki.Leaf other = pki.issue("other.example.com");

  private static Problem problem(String chainPem, String keyPem) {
    return CertificateCheck.inspect(chainPem, keyPem, NOW).problem();
  }

  /** The key of {@code leaf} encrypted the way {@code openssl rsa -aes128} writes it. */
  private static String encrypted(TestPki.Leaf leaf) {
    try (var parser = new PEMParser(new StringReader(leaf.keyPem()))) {
      var key = new JcaPEMKeyConverter().getPrivateKey((PrivateKeyInfo) parser.readObject());
      StringWriter out = new StringWriter();
      try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
        writer.writeObject(
            key,
            new JcePEMEncryptorBuilder("AES-128-CBC")
                .setProvider(new BouncyCastleProvider())
                .build("secret".toCharArray()));
      }
      return out.toString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void eachWayAPairFailsHasItsOwnKind() {
    assertThat(problem(good.chainPem(), good.keyPem())).isNull();
    assertThat(problem("", good.keyPem())).isEqualTo(Problem.UNPARSABLE_CERTIFICATE);
    assertThat(problem(good.chainPem() + good.keyPem(), good.keyPem()))
        .isEqualTo(Problem.UNPARSABLE_CERTIFICATE);
    assertThat(problem(good.chainPem(), "not a key")).isEqualTo(Problem.UNPARSABLE_KEY);
    assertThat(problem(good.chainPem(), good.chainPem())).isEqualTo(Problem.UNPARSABLE_KEY);
    String encryptedKey = encrypted(good);
    assertThat(encryptedKey).contains("ENCRYPTED");
    assertThat(problem(good.chainPem(), encryptedKey)).isEqualTo(Problem.ENCRYPTED_KEY);
    assertThat(problem(good.chainPem(), other.keyPem())).isEqualTo(Problem.KEY_MISMATCH);
    TestPki.Leaf expired = pki.issueExpired("old.example.com");
    assertThat(problem(expired.chainPem(), expired.keyPem())).isEqualTo(Problem.EXPIRED);
  }

  @Test
  void keyMatchingKnowsEveryKeyTypeAndCurve() {
    TestPki.Leaf p384 = pki.issue(KeyType.EC_P384, KeyFormat.PKCS8, "p384.example.com");
    TestPki.Leaf p384Sec1 = pki.issue(KeyType.EC_P384, KeyFormat.TRADITIONAL, "p384s.example.com");
    TestPki.Leaf sec1 = pki.issue(KeyType.EC_P256, KeyFormat.TRADITIONAL, "sec1.example.com");
    TestPki.Leaf rsa = pki.issue(KeyType.RSA_2048, KeyFormat.TRADITIONAL, "rsa.example.com");
    assertThat(problem(p384.chainPem(), p384.keyPem())).isNull();
    assertThat(problem(p384Sec1.chainPem(), p384Sec1.keyPem())).isNull();
    assertThat(problem(sec1.chainPem(), sec1.keyPem())).isNull();
    assertThat(problem(rsa.chainPem(), rsa.keyPem())).isNull();

    assertThat(problem(p384.chainPem(), p384Sec1.keyPem()))
        .as("same curve, other key")
        .isEqualTo(Problem.KEY_MISMATCH);
    assertThat(problem(good.chainPem(), p384.keyPem()))
        .as("P-256 certificate, P-384 key")
        .isEqualTo(Problem.KEY_MISMATCH);
    assertThat(problem(p384.chainPem(), good.keyPem()))
        .as("P-384 certificate, P-256 key")
        .isEqualTo(Problem.KEY_MISMATCH);
    assertThat(problem(rsa.chainPem(), good.keyPem())).isEqualTo(Problem.KEY_MISMATCH);
    assertThat(problem(good.chainPem(), rsa.keyPem())).isEqualTo(Problem.KEY_MISMATCH);
    assertThat(problem(sec1.chainPem(), good.keyPem())).isEqualTo(Problem.KEY_MISMATCH);
  }

  @Test
  void aMatchingPairOnACurveBoringSslLacksIsRefused() {
    TestPki.Leaf k1 = pki.issue(KeyType.EC_SECP256K1, KeyFormat.PKCS8, "k1.example.com");
    assertThat(problem(k1.chainPem(), k1.keyPem())).isEqualTo(Problem.UNSUPPORTED_KEY);
    assertThat(CertificateCheck.inspect(k1.chainPem(), k1.keyPem(), NOW).message())
        .contains("1.3.132.0.10");
  }

  @Test
  void anExpiredIntermediateExpiresTheChain() {
    TestPki expiredCa = TestPki.createExpired();
    TestPki.Leaf leaf = expiredCa.issue("leaf.example.com");
    var result = CertificateCheck.inspect(leaf.chainPem() + expiredCa.caPem(), leaf.keyPem(), NOW);
    assertThat(result.problem()).isEqualTo(Problem.EXPIRED);
    assertThat(result.message()).startsWith("chain certificate 1 expired at");
    assertThat(result.notAfter()).isEqualTo(leaf.certificate().getNotAfter().toInstant());
    assertThat(result.chainNotAfter()).isBefore(NOW);
  }

  @Test
  void chainNotAfterIsTheEarliestExpiryInTheChain() {
    Instant soon = NOW.plus(Duration.ofDays(2));
    TestPki intermediate = TestPki.create(NOW.minus(Duration.ofDays(1)), soon);
    TestPki.Leaf leaf = intermediate.issue("leaf.example.com");
    var result =
        CertificateCheck.inspect(leaf.chainPem() + intermediate.caPem(), leaf.keyPem(), NOW);
    assertThat(result.ok()).isTrue();
    assertThat(result.chainNotAfter()).isBefore(result.notAfter());
    assertThat(result.chainNotAfter()).isBetween(soon.minusSeconds(1), soon.plusSeconds(1));
  }

  @Test
  void aChainWhoseNextCertificateDidNotIssueThePreviousIsBroken() {
    String unrelated = good.chainPem() + other.chainPem();
    assertThat(problem(unrelated, good.keyPem())).isEqualTo(Problem.BROKEN_CHAIN);
    String misordered = pki.caPem() + good.chainPem();
    assertThat(problem(misordered, good.keyPem())).isEqualTo(Problem.BROKEN_CHAIN);
    assertThat(CertificateCheck.inspect(good.chainPem() + pki.caPem(), good.keyPem(), NOW).ok())
        .isTrue();
  }

  @Test
  void aChainWithOnlyTheLegacyX509CertificateLabelIsRefusedAsSnapshotValidatorWould() {
    String legacy =
        good.chainPem()
            .replace("BEGIN CERTIFICATE", "BEGIN X509 CERTIFICATE")
            .replace("END CERTIFICATE", "END X509 CERTIFICATE");
    assertThat(problem(legacy, good.keyPem())).isEqualTo(Problem.UNPARSABLE_CERTIFICATE);
  }

  @Test
  void messagesNeverQuoteTheKey() {
    String keyLine =
        good.keyPem().lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
    String broken =
        good.keyPem().replace(keyLine, keyLine.substring(0, 10) + "!!!!" + keyLine.substring(14));
    for (var result :
        new CertificateCheck.Result[] {
          CertificateCheck.inspect(good.chainPem(), broken, NOW),
          CertificateCheck.inspect(good.keyPem(), good.keyPem(), NOW),
          CertificateCheck.inspect(good.chainPem() + good.keyPem(), good.keyPem(), NOW)
        }) {
      assertThat(result.ok()).isFalse();
      assertThat(result.message())
          .doesNotContain(keyLine.substring(20, 40))
          .doesNotContain("PRIVATE KEY-----");
      assertThat(result.toString()).doesNotContain(keyLine.substring(20, 40));
    }
  }
}
