package dev.weir.operator.translate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.dataplane.snapshot.SecretValue;
import io.netty.pkitesting.X509Bundle;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class JcaKeyPairCheckTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant BEFORE = NOW.minus(Duration.ofDays(1));
  private static final Instant LATER = NOW.plus(Duration.ofDays(90));
  private final KeyPairCheck check = new JcaKeyPairCheck();

  @Test
  void acceptsPkcs8AndNormalisesTheKeyToPkcs8() {
    X509Bundle ec = TestCertificates.ec("a.example.com", BEFORE, LATER);
    var verdict = check.check(ec.getCertificatePEM(), new SecretValue(ec.getPrivateKeyPEM()), NOW);
    assertThat(verdict).isInstanceOfSatisfying(KeyPairCheck.Usable.class, u -> {
      assertThat(u.privateKeyPem().reveal()).startsWith("-----BEGIN PRIVATE KEY-----");
      assertThat(u.certificateChainPem()).startsWith("-----BEGIN CERTIFICATE-----");
      assertThat(u.notAfter()).isEqualTo(ec.getCertificate().getNotAfter().toInstant());
    });
  }

  @Test
  void acceptsPkcs1RsaAndSec1EcKeys() {
    X509Bundle rsa = TestCertificates.rsa("a.example.com", BEFORE, LATER);
    X509Bundle ec = TestCertificates.ec("a.example.com", BEFORE, LATER);
    String pkcs1 = TestCertificates.traditionalKeyPem(rsa);
    String sec1 = TestCertificates.traditionalKeyPem(ec);
    assertThat(pkcs1).contains("BEGIN RSA PRIVATE KEY");
    assertThat(sec1).contains("BEGIN EC PRIVATE KEY");

    assertThat(check.check(rsa.getCertificatePEM(), new SecretValue(pkcs1), NOW))
        .isInstanceOf(KeyPairCheck.Usable.class);
    assertThat(check.check(ec.getCertificatePEM(), new SecretValue(sec1), NOW))
        .isInstanceOf(KeyPairCheck.Usable.class);
  }

  @Test
  void refusesAKeyOfAnotherCertificate() {
    X509Bundle one = TestCertificates.ec("a.example.com", BEFORE, LATER);
    X509Bundle two = TestCertificates.ec("a.example.com", BEFORE, LATER);
    X509Bundle rsa = TestCertificates.rsa("a.example.com", BEFORE, LATER);
    assertThat(((KeyPairCheck.Unusable) check.check(one.getCertificatePEM(),
        new SecretValue(two.getPrivateKeyPEM()), NOW)).reason()).isEqualTo(Reason.KEY_MISMATCH);
    assertThat(((KeyPairCheck.Unusable) check.check(one.getCertificatePEM(),
        new SecretValue(rsa.getPrivateKeyPEM()), NOW)).reason()).isEqualTo(Reason.KEY_MISMATCH);
  }

  @Test
  void refusesAnExpiredCertificate() {
    X509Bundle old = TestCertificates.ec("a.example.com", NOW.minus(Duration.ofDays(90)), BEFORE);
    var verdict = check.check(old.getCertificatePEM(), new SecretValue(old.getPrivateKeyPEM()), NOW);
    assertThat(((KeyPairCheck.Unusable) verdict).reason()).isEqualTo(Reason.CERTIFICATE_EXPIRED);
  }

  @Test
  void refusesBrokenPemWithoutQuotingTheKey() {
    X509Bundle ec = TestCertificates.ec("a.example.com", BEFORE, LATER);
    String key = ec.getPrivateKeyPEM();
    String brokenKey = key.substring(0, 40) + "!!!!" + key.substring(44);
    var noCert = (KeyPairCheck.Unusable) check.check("hello", new SecretValue(key), NOW);
    var badKey = (KeyPairCheck.Unusable) check.check(ec.getCertificatePEM(), new SecretValue(brokenKey), NOW);
    assertThat(noCert.reason()).isEqualTo(Reason.INVALID_CERTIFICATE);
    assertThat(badKey.reason()).isEqualTo(Reason.INVALID_CERTIFICATE);
    assertThat(badKey.message()).doesNotContain(key.substring(30, 60));
  }
}
