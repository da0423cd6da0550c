package dev.weir.dataplane.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.testing.TestPki;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.security.cert.X509Certificate;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The name check of verified upstream TLS, as OpenSSL's X509_check_host does it for nginx. */
class UpstreamTrustTest {
  static X509Bundle root;
  static X509Certificate sans;
  static X509Certificate cnAndSan;
  static X509Certificate cnOnly;
  static X509Certificate ipOnly;

  @BeforeAll
  static void certificates() throws Exception {
    root =
        new CertificateBuilder()
            .subject("CN=Root")
            .setIsCertificateAuthority(true)
            .ecp256()
            .buildSelfSigned();
    // pkitesting cannot write wildcard DNS names; TestPki can.
    sans = TestPki.create().issue("pod.internal", "*.svc.example.com").certificate();
    cnAndSan =
        new CertificateBuilder()
            .subject("CN=ignored.example.com")
            .addSanDnsName("other.example.com")
            .ecp256()
            .buildIssuedBy(root)
            .getCertificate();
    cnOnly =
        new CertificateBuilder()
            .subject("CN=legacy.example.com")
            .ecp256()
            .buildIssuedBy(root)
            .getCertificate();
    ipOnly =
        new CertificateBuilder()
            .subject("CN=10.0.0.7")
            .addSanIpAddress("10.0.0.7")
            .ecp256()
            .buildIssuedBy(root)
            .getCertificate();
  }

  static Stream<Arguments> names() {
    return Stream.of(
        Arguments.of("sans", "pod.internal", true),
        Arguments.of("sans", "POD.Internal.", true),
        Arguments.of("sans", "a.svc.example.com", true),
        // A wildcard covers exactly one label.
        Arguments.of("sans", "svc.example.com", false),
        Arguments.of("sans", "a.b.svc.example.com", false),
        // With DNS SANs the CN is not looked at.
        Arguments.of("cn-and-san", "ignored.example.com", false),
        Arguments.of("cn-and-san", "other.example.com", true),
        Arguments.of("sans", "10.0.0.7", false),
        Arguments.of("cn-only", "legacy.example.com", true),
        Arguments.of("cn-only", "other.example.com", false),
        Arguments.of("ip-only", "10.0.0.7", true),
        // An IP literal is matched against IP SANs only, never the CN.
        Arguments.of("ip-only", "10.0.0.8", false));
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @MethodSource("names")
  void matchesAsOpenSsl(String certificate, String name, boolean expected) {
    X509Certificate c =
        switch (certificate) {
          case "sans" -> sans;
          case "cn-only" -> cnOnly;
          case "cn-and-san" -> cnAndSan;
          default -> ipOnly;
        };
    assertThat(UpstreamTrust.matches(c, name)).isEqualTo(expected);
  }
}
