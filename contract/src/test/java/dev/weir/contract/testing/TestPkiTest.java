package dev.weir.contract.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.contract.testing.TestPki.KeyFormat;
import dev.weir.contract.testing.TestPki.KeyType;
import java.security.cert.CertificateExpiredException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.junit.jupiter.api.Test;

class TestPkiTest {
  private final TestPki pki = TestPki.create();

  @Test
  void leafCarriesNamesAsSansAndChainsToTheCa() throws Exception {
    TestPki.Leaf leaf = pki.issue("a.example.com", "*.b.example.com");

    assertThat(leaf.chainPem()).startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(leaf.keyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(leaf.certificate().getSubjectAlternativeNames())
        .extracting(san -> (Object) san.get(1))
        .containsExactly((Object) "a.example.com", "*.b.example.com");
    pki.trustManager()
        .checkServerTrusted(new X509Certificate[] {leaf.certificate()}, "ECDHE_ECDSA");
  }

  @Test
  void traditionalKeyFormatsArePkcs1ForRsaAndSec1ForEc() {
    assertThat(pki.issue(KeyType.RSA_2048, KeyFormat.TRADITIONAL, "r.example.com").keyPem())
        .startsWith("-----BEGIN RSA PRIVATE KEY-----");
    assertThat(pki.issue(KeyType.EC_P256, KeyFormat.TRADITIONAL, "e.example.com").keyPem())
        .startsWith("-----BEGIN EC PRIVATE KEY-----");
    assertThat(pki.issue(KeyType.RSA_2048, KeyFormat.PKCS8, "p.example.com").keyPem())
        .startsWith("-----BEGIN PRIVATE KEY-----");
  }

  @Test
  void sec1KeyCarriesItsCurveAndPublicKeyAsOpenSslWritesIt() throws Exception {
    String pem = pki.issue(KeyType.EC_P256, KeyFormat.TRADITIONAL, "e.example.com").keyPem();
    byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
    var sec1 = ECPrivateKey.getInstance(der);
    assertThat(sec1.getParametersObject()).hasToString("1.2.840.10045.3.1.7");
    assertThat(sec1.getPublicKey()).isNotNull();
  }

  @Test
  void expiredLeafIsNoLongerValid() {
    X509Certificate expired = pki.issueExpired("old.example.com").certificate();
    assertThatThrownBy(expired::checkValidity).isInstanceOf(CertificateExpiredException.class);
  }

  @Test
  void leafToStringShowsNoKey() {
    TestPki.Leaf leaf = pki.issue("a.example.com");
    assertThat(leaf.toString()).doesNotContain("PRIVATE KEY");
    assertThat(leaf.toCertificate("id").toString()).doesNotContain("PRIVATE KEY");
    assertThat(List.of(leaf.toCertificate("id").privateKey().reveal()))
        .containsExactly(leaf.keyPem());
  }

  @Test
  void serverLeafCarriesIpLiteralsAsAddressSansAndClientLeafIsForClientAuth() throws Exception {
    TestPki.Leaf server = pki.issueServer("localhost", "127.0.0.1");
    assertThat(server.certificate().getSubjectAlternativeNames())
        .extracting(san -> List.of(san.get(0), san.get(1)))
        .containsExactly(List.of(2, "localhost"), List.of(7, "127.0.0.1"));
    assertThat(server.certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");

    TestPki.Leaf client = pki.issueClient("dataplane-0");
    assertThat(client.certificate().getSubjectX500Principal().getName())
        .isEqualTo("CN=dataplane-0");
    assertThat(client.certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    assertThat(client.certificate().getSubjectAlternativeNames()).isNull();
  }
}
