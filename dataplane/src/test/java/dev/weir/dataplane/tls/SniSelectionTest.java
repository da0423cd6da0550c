package dev.weir.dataplane.tls;

import static dev.weir.dataplane.tls.Snapshots.host;
import static dev.weir.dataplane.tls.Snapshots.tls;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.testing.TestPki;
import io.netty.handler.ssl.SslProvider;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Which certificate a real handshake gets for a given SNI name. */
class SniSelectionTest {
  private static final TestPki pki = TestPki.create();
  private static final TestPki.Leaf exact = pki.issue("a.example.com");
  private static final TestPki.Leaf wildcard = pki.issue("*.wild.example.com");
  private static final TestPki.Leaf exactUnderWildcard = pki.issue("x.wild.example.com");
  private static final TestPki.Leaf sanOnly = pki.issue("san.example.com", "*.sanwild.example.com");
  private static final TestPki.Leaf sanShadowed = pki.issue("claimed.example.com");
  private static final TestPki.Leaf fallback = pki.issue("fallback.example.com");

  private static ServerTls tls;
  private static TlsTestServer server;
  private static final TlsTestClient trusting = TlsTestClient.trusting(pki.trustManager());
  private static final TlsTestClient anyCert = TlsTestClient.acceptingAnyCertificate();

  @BeforeAll
  static void start() throws Exception {
    tls = ServerTls.create();
    server =
        new TlsTestServer(
            tls.compile(
                tls(
                    List.of(
                        host("a.example.com", "exact"),
                        host("*.wild.example.com", "wildcard"),
                        host("x.wild.example.com", "exact-under-wildcard"),
                        host("claimed.example.com", null)),
                    List.of(
                        exact.toCertificate("exact"),
                        wildcard.toCertificate("wildcard"),
                        exactUnderWildcard.toCertificate("exact-under-wildcard"),
                        sanOnly.toCertificate("san-only"),
                        sanShadowed.toCertificate("san-shadowed"),
                        fallback.toCertificate("fallback")))));
  }

  @AfterAll
  static void stop() {
    server.close();
    tls.close();
  }

  private static X509Certificate served(String sni) throws Exception {
    return anyCert.connect(server.port(), sni).served();
  }

  private static boolean isSelfSignedDefault(X509Certificate c) {
    return c.getSubjectX500Principal().getName().contains(SelfSignedCertificate.NAME);
  }

  @Test
  void usesOpenSslWhenTcnativeLoads() {
    assertThat(tls.provider()).isEqualTo(SslProvider.OPENSSL);
  }

  @Test
  void exactVirtualHostGetsItsCertificateAndItVerifies() throws Exception {
    var c =
        trusting.connect(server.port(), "a.example.com", List.of("TLSv1.3"), List.of("h2"), true);
    assertThat(c.served()).isEqualTo(exact.certificate());
  }

  @Test
  void wildcardVirtualHostCoversExactlyOneLabel() throws Exception {
    assertThat(served("b.wild.example.com")).isEqualTo(wildcard.certificate());
    assertThat(isSelfSignedDefault(served("a.b.wild.example.com"))).isTrue();
    assertThat(isSelfSignedDefault(served("wild.example.com"))).isTrue();
  }

  @Test
  void exactVirtualHostBeatsWildcardVirtualHost() throws Exception {
    assertThat(served("x.wild.example.com")).isEqualTo(exactUnderWildcard.certificate());
  }

  @Test
  void unclaimedNameFallsBackToCertificateSans() throws Exception {
    assertThat(served("san.example.com")).isEqualTo(sanOnly.certificate());
    assertThat(served("q.sanwild.example.com")).isEqualTo(sanOnly.certificate());
    assertThat(isSelfSignedDefault(served("q.r.sanwild.example.com"))).isTrue();
  }

  @Test
  void nameClaimedByVirtualHostWithoutCertificateGetsDefaultNotSanMatch() throws Exception {
    assertThat(isSelfSignedDefault(served("claimed.example.com"))).isTrue();
  }

  @Test
  void sniIsComparedCaseInsensitively() throws Exception {
    assertThat(served("A.Example.COM")).isEqualTo(exact.certificate());
  }

  @Test
  void unknownNameGetsSelfSignedDefault() throws Exception {
    assertThat(isSelfSignedDefault(served("nobody.example.org"))).isTrue();
  }

  @Test
  void missingSniGetsSelfSignedDefault() throws Exception {
    X509Certificate c = served(null);
    assertThat(isSelfSignedDefault(c)).isTrue();
    assertThat(c.getPublicKey().getAlgorithm()).isEqualTo("EC");
  }

  @Test
  void snapshotDefaultCertificateReplacesSelfSignedForUnknownAndMissingSni() throws Exception {
    SniCertificateStore withDefault =
        tls.compile(
            tls(
                List.of(host("a.example.com", "exact")),
                List.of(exact.toCertificate("exact"), fallback.toCertificate("fallback")),
                null,
                "fallback"));
    try (TlsTestServer other = new TlsTestServer(withDefault)) {
      assertThat(anyCert.connect(other.port(), "nobody.example.org").served())
          .isEqualTo(fallback.certificate());
      assertThat(anyCert.connect(other.port(), null).served()).isEqualTo(fallback.certificate());
      assertThat(anyCert.connect(other.port(), "a.example.com").served())
          .isEqualTo(exact.certificate());
    }
  }

  @Test
  void storeNormalisesCaseAndTrailingDotWithoutSockets() throws Exception {
    SniCertificateStore store =
        tls.compile(
            tls(List.of(host("a.example.com", "exact")), List.of(exact.toCertificate("exact"))));
    assertThat(store.map("A.EXAMPLE.com.")).isSameAs(store.map("a.example.com"));
    assertThat(store.map("a.example.com")).isNotSameAs(store.defaultContext());
    assertThat(store.map(null)).isSameAs(store.defaultContext());
    assertThat(store.map("")).isSameAs(store.defaultContext());
    assertThat(store.map(".")).isSameAs(store.defaultContext());
  }
}
