package dev.weir.operator.translate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.testing.TestPki;
import dev.weir.contract.tls.CertificateCheck;
import dev.weir.operator.state.InMemoryClusterState;
import io.netty.pkitesting.X509Bundle;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One TLS Secret to a certificate or a diagnostic reason, as the data plane's check decides. */
class CertificateResolverTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant BEFORE = NOW.minus(Duration.ofDays(1));
  private static final Instant LATER = NOW.plus(Duration.ofDays(90));
  private static final X509Bundle EC = TestCertificates.ec("a.example.com", BEFORE, LATER);
  private static final X509Bundle RSA = TestCertificates.rsa("a.example.com", BEFORE, LATER);

  private static CertificateResolver resolver(String chainPem, String keyPem, Instant now) {
    return new CertificateResolver(
        InMemoryClusterState.of(
            Fixtures.objects(TestCertificates.secret("shop", "tls", chainPem, keyPem))),
        LastGoodCertificates.empty(),
        now);
  }

  private static CertificateResolver.Outcome resolve(String chainPem, String keyPem) {
    return resolver(chainPem, keyPem, NOW).resolve("shop", "tls");
  }

  @Test
  void aValidSecretIsPublishedExactlyAsItHoldsIt() {
    String pkcs1 = TestCertificates.traditionalKeyPem(RSA);
    var outcome = resolve(RSA.getCertificatePEM(), pkcs1);
    assertThat(outcome.problem()).isNull();
    assertThat(outcome.certificate().certificateChain()).isEqualTo(RSA.getCertificatePEM());
    assertThat(outcome.certificate().privateKey().reveal()).isEqualTo(pkcs1);
    assertThat(outcome.certificate().id())
        .isEqualTo(
            CertificateResolver.id(RSA.getCertificatePEM(), outcome.certificate().privateKey()));
  }

  @Test
  void acceptsPkcs8AndPkcs1RsaAndSec1EcKeys() {
    String pkcs1 = TestCertificates.traditionalKeyPem(RSA);
    String sec1 = TestCertificates.traditionalKeyPem(EC);
    assertThat(pkcs1).contains("BEGIN RSA PRIVATE KEY");
    assertThat(sec1).contains("BEGIN EC PRIVATE KEY");
    assertThat(resolve(EC.getCertificatePEM(), EC.getPrivateKeyPEM()).problem()).isNull();
    assertThat(resolve(RSA.getCertificatePEM(), RSA.getPrivateKeyPEM()).problem()).isNull();
    assertThat(resolve(RSA.getCertificatePEM(), pkcs1).problem()).isNull();
    assertThat(resolve(EC.getCertificatePEM(), sec1).problem()).isNull();
  }

  @Test
  void aKeyOfAnotherCertificateIsKeyMismatch() {
    X509Bundle otherEc = TestCertificates.ec("a.example.com", BEFORE, LATER);
    assertThat(resolve(EC.getCertificatePEM(), otherEc.getPrivateKeyPEM()).problem())
        .isEqualTo(Reason.KEY_MISMATCH);
    assertThat(resolve(EC.getCertificatePEM(), RSA.getPrivateKeyPEM()).problem())
        .isEqualTo(Reason.KEY_MISMATCH);
  }

  @Test
  void anExpiredLeafOrIntermediateIsCertificateExpired() {
    X509Bundle old = TestCertificates.ec("old.example.com", NOW.minus(Duration.ofDays(90)), BEFORE);
    assertThat(resolve(old.getCertificatePEM(), old.getPrivateKeyPEM()).problem())
        .isEqualTo(Reason.CERTIFICATE_EXPIRED);
    var expiredIntermediate =
        resolve(EC.getCertificatePEM() + old.getCertificatePEM(), EC.getPrivateKeyPEM());
    assertThat(expiredIntermediate.problem()).isEqualTo(Reason.CERTIFICATE_EXPIRED);
    assertThat(expiredIntermediate.certificate()).isNull();
  }

  @Test
  void brokenPemIsInvalidCertificateWithoutQuotingTheKey() {
    String key = EC.getPrivateKeyPEM();
    String brokenKey = key.substring(0, 40) + "!!!!" + key.substring(44);
    var noCertificate = resolve("hello", key);
    var badKey = resolve(EC.getCertificatePEM(), brokenKey);
    var keyAsChain = resolve(EC.getCertificatePEM() + key, key);
    assertThat(noCertificate.problem()).isEqualTo(Reason.INVALID_CERTIFICATE);
    assertThat(badKey.problem()).isEqualTo(Reason.INVALID_CERTIFICATE);
    assertThat(keyAsChain.problem()).isEqualTo(Reason.INVALID_CERTIFICATE);
    assertThat(badKey.message()).doesNotContain(key.substring(30, 60));
    assertThat(keyAsChain.message()).doesNotContain(key.substring(30, 60));
  }

  @Test
  void everyProblemOfTheCheckHasItsReason() {
    Map<CertificateCheck.Problem, Reason> expected =
        Map.of(
            CertificateCheck.Problem.UNPARSABLE_CERTIFICATE, Reason.INVALID_CERTIFICATE,
            CertificateCheck.Problem.UNPARSABLE_KEY, Reason.INVALID_CERTIFICATE,
            CertificateCheck.Problem.ENCRYPTED_KEY, Reason.INVALID_CERTIFICATE,
            CertificateCheck.Problem.UNSUPPORTED_KEY, Reason.INVALID_CERTIFICATE,
            CertificateCheck.Problem.KEY_MISMATCH, Reason.KEY_MISMATCH,
            CertificateCheck.Problem.BROKEN_CHAIN, Reason.INVALID_CERTIFICATE,
            CertificateCheck.Problem.EXPIRED, Reason.CERTIFICATE_EXPIRED);
    assertThat(expected).hasSize(CertificateCheck.Problem.values().length);
    expected.forEach(
        (problem, reason) ->
            assertThat(CertificateResolver.reason(problem)).as(problem.name()).isEqualTo(reason));
  }

  @Test
  void aLastGoodCertificateEndsWhenItsIntermediateExpires() {
    Instant intermediateEnds = NOW.plus(Duration.ofDays(10));
    TestPki intermediate = TestPki.create(BEFORE, intermediateEnds);
    TestPki.Leaf leaf = intermediate.issue("shop.example.com");
    CertificateResolver resolver =
        resolver(leaf.chainPem() + intermediate.caPem(), leaf.keyPem(), NOW);
    assertThat(resolver.resolve("shop", "tls").problem()).isNull();
    LastGoodCertificates lastGood = resolver.lastGood();

    assertThat(lastGood.get("shop/tls", intermediateEnds.minusSeconds(1))).isPresent();
    assertThat(lastGood.get("shop/tls", intermediateEnds.plusSeconds(1))).isEmpty();
  }
}
