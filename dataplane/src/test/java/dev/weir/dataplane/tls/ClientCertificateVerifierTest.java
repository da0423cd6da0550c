package dev.weir.dataplane.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.ClientAuth;
import dev.weir.contract.snapshot.ClientVerify;
import dev.weir.dataplane.tls.ClientCertificateVerifier.Refusal;
import dev.weir.dataplane.tls.ClientCertificateVerifier.Verdict;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Client certificate verification as nginx's {@code ssl_verify_client}/{@code ssl_verify_depth}
 * decide it, and the values ingress-nginx sends upstream, as a table: mode, depth, chain, expected
 * {@code ssl-client-verify} and refusal.
 */
class ClientCertificateVerifierTest {
  static final Instant NOW = Instant.now();
  static X509Bundle root;
  static X509Bundle intermediate;
  static X509Bundle direct;
  static X509Bundle viaIntermediate;
  static X509Bundle expired;
  static X509Bundle foreign;
  static X509Bundle selfSigned;

  @BeforeAll
  static void pki() throws Exception {
    root = ca("CN=Client Root").buildSelfSigned();
    intermediate = ca("CN=Client Intermediate").buildIssuedBy(root);
    direct =
        new CertificateBuilder()
            .subject("CN=alice,OU=Dev,O=Weir,C=DE")
            .addExtendedKeyUsageClientAuth()
            .ecp256()
            .buildIssuedBy(root);
    viaIntermediate = leaf("CN=bob").buildIssuedBy(intermediate);
    expired =
        leaf("CN=old")
            .notBefore(NOW.minus(Duration.ofDays(30)))
            .notAfter(NOW.minus(Duration.ofDays(1)))
            .buildIssuedBy(root);
    foreign = leaf("CN=mallory").buildIssuedBy(ca("CN=Other Root").buildSelfSigned());
    selfSigned = ca("CN=self").buildSelfSigned();
  }

  private static CertificateBuilder ca(String subject) {
    return new CertificateBuilder().subject(subject).setIsCertificateAuthority(true).ecp256();
  }

  private static CertificateBuilder leaf(String subject) {
    return new CertificateBuilder().subject(subject).addExtendedKeyUsageClientAuth().ecp256();
  }

  private static X509Certificate[] chain(String name) {
    return switch (name) {
      case "none" -> null;
      case "direct" -> direct.getCertificatePath();
      case "via-intermediate" -> viaIntermediate.getCertificatePath();
      case "leaf-only-of-intermediate" -> new X509Certificate[] {viaIntermediate.getCertificate()};
      case "expired" -> expired.getCertificatePath();
      case "foreign" -> foreign.getCertificatePath();
      case "self-signed" -> selfSigned.getCertificatePath();
      default -> throw new IllegalArgumentException(name);
    };
  }

  static Stream<Arguments> verdicts() {
    return Stream.of(
        // on: a certificate is required and must verify.
        Arguments.of(ClientVerify.ON, 1, "direct", "SUCCESS", null),
        Arguments.of(ClientVerify.ON, 1, "none", "NONE", Refusal.MISSING),
        Arguments.of(
            ClientVerify.ON,
            1,
            "foreign",
            "FAILED:unable to get local issuer certificate",
            Refusal.INVALID),
        Arguments.of(
            ClientVerify.ON, 1, "self-signed", "FAILED:self-signed certificate", Refusal.INVALID),
        Arguments.of(
            ClientVerify.ON, 1, "expired", "FAILED:certificate has expired", Refusal.INVALID),
        // Depth counts the certificates above the leaf: an intermediate needs depth 2.
        Arguments.of(
            ClientVerify.ON,
            1,
            "via-intermediate",
            "FAILED:certificate chain too long",
            Refusal.INVALID),
        Arguments.of(ClientVerify.ON, 2, "via-intermediate", "SUCCESS", null),
        Arguments.of(
            ClientVerify.ON,
            2,
            "leaf-only-of-intermediate",
            "FAILED:unable to get local issuer certificate",
            Refusal.INVALID),
        // optional: none is fine, a bad one is not.
        Arguments.of(ClientVerify.OPTIONAL, 1, "none", "NONE", null),
        Arguments.of(ClientVerify.OPTIONAL, 1, "direct", "SUCCESS", null),
        Arguments.of(
            ClientVerify.OPTIONAL,
            1,
            "foreign",
            "FAILED:unable to get local issuer certificate",
            Refusal.INVALID),
        // optional_no_ca: reported, never refused.
        Arguments.of(
            ClientVerify.OPTIONAL_NO_CA,
            1,
            "foreign",
            "FAILED:unable to get local issuer certificate",
            null),
        Arguments.of(ClientVerify.OPTIONAL_NO_CA, 1, "direct", "SUCCESS", null),
        Arguments.of(ClientVerify.OPTIONAL_NO_CA, 1, "none", "NONE", null),
        // off: nothing asked, nothing reported.
        Arguments.of(ClientVerify.OFF, 1, "direct", "NONE", null));
  }

  @ParameterizedTest(name = "{0} depth {1} {2} -> {3}")
  @MethodSource("verdicts")
  void verifiesAsNginx(
      ClientVerify mode, int depth, String chain, String expected, Refusal refusal) {
    ClientCertificateVerifier verifier =
        ClientCertificateVerifier.of(
            new ClientAuth(root.getCertificatePEM(), mode, depth, false, false));
    Verdict verdict = verifier.verify(chain(chain), NOW);
    assertThat(verdict.verify()).isEqualTo(expected);
    assertThat(verdict.refusal()).isEqualTo(refusal);
    assertThat(verifier.unusable()).isNull();
  }

  @Test
  void namesAreRfc2253AndTheCertificateIsItsUrlEncodedPem() throws Exception {
    Verdict verdict =
        ClientCertificateVerifier.of(ClientAuth.required(root.getCertificatePEM()))
            .verify(chain("direct"), NOW);
    assertThat(verdict.subjectDn()).isEqualTo("CN=alice,OU=Dev,O=Weir,C=DE");
    assertThat(verdict.issuerDn()).isEqualTo("CN=Client Root");
    assertThat(verdict.escapedCertificate())
        .startsWith("-----BEGIN%20CERTIFICATE-----%0A")
        .endsWith("%0A-----END%20CERTIFICATE-----%0A")
        .doesNotContain("+", "/", "=", " ", "\n");
    String pem = URLDecoder.decode(verdict.escapedCertificate(), StandardCharsets.US_ASCII);
    assertThat(pem.replaceAll("\\s", ""))
        .isEqualTo(direct.getCertificatePEM().replaceAll("\\s", ""));
  }

  @Test
  void escapingKeepsOnlyUnreservedCharacters() {
    assertThat(ClientCertificateVerifier.escapeUriComponent("aZ09-._~ +/=\n%"))
        .isEqualTo("aZ09-._~%20%2B%2F%3D%0A%25");
  }

  @Test
  void unavailableOrUnreadableCaFailsClosed() {
    assertThat(ClientCertificateVerifier.of(ClientAuth.failClosed(ClientVerify.ON)).unusable())
        .contains("unavailable");
    assertThat(ClientCertificateVerifier.of(ClientAuth.failClosed(ClientVerify.OFF)).unusable())
        .contains("unavailable");
    String garbage = "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n";
    assertThat(ClientCertificateVerifier.of(ClientAuth.required(garbage)).unusable())
        .contains("no readable certificate");
    // optional_no_ca reports instead of refusing, so it needs no readable CA.
    assertThat(
            ClientCertificateVerifier.of(
                    new ClientAuth(garbage, ClientVerify.OPTIONAL_NO_CA, 1, false, false))
                .unusable())
        .isNull();
  }
}
