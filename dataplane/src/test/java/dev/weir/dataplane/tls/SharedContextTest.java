package dev.weir.dataplane.tls;

import static dev.weir.dataplane.tls.Snapshots.host;
import static dev.weir.dataplane.tls.Snapshots.tls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.contract.testing.TestPki;
import dev.weir.contract.testing.TestPki.KeyFormat;
import dev.weir.contract.testing.TestPki.KeyType;
import io.netty.handler.ssl.SslProvider;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * With BoringSSL every certificate is served from one server context, its key material picked per
 * handshake: real handshakes for RSA and EC hosts side by side, whatever suites the client prefers,
 * store swaps, and the registry letting go of certificates nothing uses.
 */
class SharedContextTest {
  private static final TestPki pki = TestPki.create();
  private static final TestPki.Leaf rsa =
      pki.issue(KeyType.RSA_2048, KeyFormat.TRADITIONAL, "rsa.example.com");
  private static final TestPki.Leaf ec = pki.issue("ec.example.com");
  private static final TlsTestClient anyCert = TlsTestClient.acceptingAnyCertificate();

  private final ServerTls tls = ServerTls.create();

  @AfterEach
  void closeTls() {
    tls.close();
  }

  private static TlsTestClient fresh() {
    return TlsTestClient.acceptingAnyCertificate();
  }

  private SniCertificateStore rsaAndEc() throws Exception {
    return tls.compile(
        tls(
            List.of(host("rsa.example.com", "rsa"), host("ec.example.com", "ec")),
            List.of(rsa.toCertificate("rsa"), ec.toCertificate("ec"))));
  }

  @Test
  void everyCertificateIsAViewOfOneServerContext() throws Exception {
    assertThat(tls.provider()).isEqualTo(SslProvider.OPENSSL);
    SniCertificateStore store = rsaAndEc();
    assertThat(store.map("rsa.example.com"))
        .isInstanceOf(CertificateContext.class)
        .isNotSameAs(store.map("ec.example.com"));
    // One session context means one SSL_CTX: one session cache, one set of ticket keys.
    assertThat(store.map("rsa.example.com").sessionContext())
        .isSameAs(store.map("ec.example.com").sessionContext())
        .isSameAs(store.defaultContext().sessionContext());
  }

  @Test
  void rsaAndEcHostsAreEachServedTheirOwnCertificateOverTls12AndTls13() throws Exception {
    try (TlsTestServer server = new TlsTestServer(rsaAndEc())) {
      TlsTestClient client = TlsTestClient.trusting(pki.trustManager());
      for (String version : List.of("TLSv1.2", "TLSv1.3")) {
        assertThat(
                client
                    .connect(
                        server.port(), "rsa.example.com", List.of(version), List.of("h2"), true)
                    .served())
            .as(version)
            .isEqualTo(rsa.certificate());
        assertThat(
                client
                    .connect(server.port(), "ec.example.com", List.of(version), List.of("h2"), true)
                    .served())
            .as(version)
            .isEqualTo(ec.certificate());
      }
    }
  }

  @Test
  void aHostsKeyTypeWinsOverTheClientsPreferredSuitesWithinWhatTheClientSupports()
      throws Exception {
    String ecdsa = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256";
    String rsaSuite = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";
    try (TlsTestServer server = new TlsTestServer(rsaAndEc())) {
      var prefersEcdsa = anyCert.withCipherSuites(List.of(ecdsa, rsaSuite));
      var prefersRsa = anyCert.withCipherSuites(List.of(rsaSuite, ecdsa));
      assertThat(
              prefersEcdsa
                  .connect(
                      server.port(), "rsa.example.com", List.of("TLSv1.2"), List.of("h2"), false)
                  .served())
          .isEqualTo(rsa.certificate());
      assertThat(
              prefersRsa
                  .connect(
                      server.port(), "ec.example.com", List.of("TLSv1.2"), List.of("h2"), false)
                  .served())
          .isEqualTo(ec.certificate());

      // A client that cannot use the host's key type gets no other host's certificate.
      var ecdsaOnly = anyCert.withCipherSuites(List.of(ecdsa));
      assertThatThrownBy(
              () ->
                  ecdsaOnly.connect(
                      server.port(), "rsa.example.com", List.of("TLSv1.2"), List.of("h2"), false))
          .isInstanceOf(SSLException.class);
      assertThat(server.awaitHandshakes("failed", 1)).isEqualTo(1);
    }
  }

  @Test
  void aSwappedStoreServesNewHandshakesItsCertificates() throws Exception {
    TestPki.Leaf renewed = pki.issue("ec.example.com");
    SniCertificateStore first = rsaAndEc();
    SniCertificateStore second =
        tls.compile(
            tls(List.of(host("ec.example.com", "ec2")), List.of(renewed.toCertificate("ec2"))));
    try (TlsTestServer server = new TlsTestServer(first)) {
      assertThat(fresh().connect(server.port(), "ec.example.com").served())
          .isEqualTo(ec.certificate());
      // Compiling is not publishing: the server still uses the store it was given.
      assertThat(fresh().connect(server.port(), "ec.example.com").served())
          .isEqualTo(ec.certificate());
      server.swap(second);
      // A fresh client each time: a resumed session would show the certificate of its first
      // handshake (ticket keys outlive certificates, as they did with a context per certificate).
      assertThat(fresh().connect(server.port(), "ec.example.com").served())
          .isEqualTo(renewed.certificate());
      assertThat(
              fresh()
                  .connect(server.port(), "rsa.example.com")
                  .served()
                  .getSubjectX500Principal()
                  .getName())
          .contains(SelfSignedCertificate.NAME);
    }
  }

  @Test
  void certificatesNothingUsesLeaveTheKeyManager() throws Exception {
    SniCertificateStore store = rsaAndEc();
    int live = tls.keyManagerAliases();
    assertThat(live).isEqualTo(3); // rsa, ec and the self-signed default
    store = null;
    tls.compile(tls(List.of(), List.of()));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (tls.keyManagerAliases() > 1 && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(20);
    }
    assertThat(tls.keyManagerAliases()).isEqualTo(1);
  }

  @Test
  void theJdkProviderKeepsAContextPerCertificate() throws Exception {
    try (ServerTls jdk =
        ServerTls.create(ServerTls.Options.defaults().withProvider(SslProvider.JDK))) {
      SniCertificateStore store =
          jdk.compile(tls(List.of(host("ec.example.com", "ec")), List.of(ec.toCertificate("ec"))));
      assertThat(store.map("ec.example.com")).isNotInstanceOf(CertificateContext.class);
      try (TlsTestServer server = new TlsTestServer(store)) {
        assertThat(anyCert.connect(server.port(), "ec.example.com").served())
            .isEqualTo(ec.certificate());
      }
    }
  }
}
