package dev.weir.dataplane;

import static dev.weir.dataplane.TestSnapshots.LOOPBACK;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.ClientAuth;
import dev.weir.contract.snapshot.ClientVerify;
import dev.weir.contract.snapshot.Route;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.VirtualHost;
import dev.weir.contract.testing.TestPki;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.testing.EchoBackend;
import dev.weir.dataplane.testing.EchoBackend.Echo;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Client-certificate authentication per host through real TLS: hosts with it ask for a certificate
 * in their handshake and answer as nginx (400 in HTTP, never a failed handshake), hosts without it
 * on the same port ask for none; the backend gets ingress-nginx's ssl-client-* headers and never a
 * client's own.
 */
class ClientCertificateAuthTest {
  static TestPki weirPki;
  static X509Bundle clientRoot;
  static X509Bundle alice;
  static X509Bundle mallory;
  static EchoBackend backend;
  static Dataplane dataplane;

  @BeforeAll
  static void start() throws Exception {
    weirPki = TestPki.create();
    clientRoot =
        new CertificateBuilder()
            .subject("CN=Clients")
            .setIsCertificateAuthority(true)
            .ecp256()
            .buildSelfSigned();
    alice =
        new CertificateBuilder()
            .subject("CN=alice,O=Weir")
            .addExtendedKeyUsageClientAuth()
            .ecp256()
            .buildIssuedBy(clientRoot);
    X509Bundle otherRoot =
        new CertificateBuilder()
            .subject("CN=Others")
            .setIsCertificateAuthority(true)
            .ecp256()
            .buildSelfSigned();
    mallory =
        new CertificateBuilder()
            .subject("CN=mallory")
            .addExtendedKeyUsageClientAuth()
            .ecp256()
            .buildIssuedBy(otherRoot);
    backend = EchoBackend.start("app");
    String ca = clientRoot.getCertificatePEM();
    dataplane = Dataplane.start(LOOPBACK, new DataplaneMetrics());
    dataplane.apply(
        Snapshot.builder()
            .version(1)
            .virtualHosts(
                host("localhost", new ClientAuth(ca, ClientVerify.ON, 1, true, false)),
                host(
                    "optional.example.com",
                    new ClientAuth(ca, ClientVerify.OPTIONAL, 1, false, false)),
                host(
                    "noca.example.com",
                    new ClientAuth(ca, ClientVerify.OPTIONAL_NO_CA, 1, false, false)),
                host("broken.example.com", ClientAuth.failClosed(ClientVerify.ON)),
                host("open.example.com", null))
            .backends(Backend.of("app", List.of(backend.endpoint())))
            .certificates(
                weirPki
                    .issue(
                        "localhost",
                        "optional.example.com",
                        "noca.example.com",
                        "broken.example.com",
                        "open.example.com")
                    .toCertificate("weir"))
            .build());
  }

  private static VirtualHost host(String name, ClientAuth auth) {
    return VirtualHost.builder(name)
        .certificate("weir")
        .routes(Route.prefix("/", "app"))
        .clientAuth(auth)
        .build();
  }

  @AfterAll
  static void stop() {
    dataplane.close();
    backend.close();
  }

  private static SSLContext client(X509Bundle certificate) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    KeyManager[] keys =
        certificate == null ? null : certificate.toKeyManagerFactory().getKeyManagers();
    context.init(keys, new TrustManager[] {weirPki.trustManager()}, null);
    return context;
  }

  /** One HTTP/1.1 request with SNI {@code serverName} and Host {@code host}. */
  private static Response get(
      X509Bundle certificate, String serverName, String host, String extraHeaders)
      throws Exception {
    try (SSLSocket socket =
        (SSLSocket)
            client(certificate)
                .getSocketFactory()
                .createSocket("127.0.0.1", dataplane.httpsPort())) {
      socket.setSoTimeout(5_000);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setServerNames(List.of(new SNIHostName(serverName)));
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      boolean presented = socket.getSession().getLocalCertificates() != null;
      socket
          .getOutputStream()
          .write(
              ("GET /x HTTP/1.1\r\nHost: "
                      + host
                      + "\r\n"
                      + extraHeaders
                      + "Connection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      String raw = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new Response(
          Integer.parseInt(raw.substring(9, 12)),
          raw.substring(raw.indexOf("\r\n\r\n") + 4),
          presented);
    }
  }

  private static Response get(X509Bundle certificate, String host) throws Exception {
    return get(certificate, host, host, "");
  }

  private record Response(int status, String body, boolean certificatePresented) {
    Echo echo() {
      return Echo.parse(body);
    }
  }

  @Test
  void validCertificateReachesTheBackendWithNginxsHeaders() throws Exception {
    Response r =
        get(
            alice,
            "localhost",
            "localhost",
            "ssl-client-verify: SUCCESS\r\nssl-client-subject-dn: CN=admin\r\n"
                + "ssl-client-cert: forged\r\n");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.certificatePresented()).isTrue();
    Echo echo = r.echo();
    // The client's own values are gone: each header arrives once, with Weir's value.
    assertThat(echo.header("ssl-client-verify")).isEqualTo("SUCCESS");
    assertThat(echo.header("ssl-client-subject-dn")).isEqualTo("CN=alice,O=Weir");
    assertThat(echo.header("ssl-client-issuer-dn")).isEqualTo("CN=Clients");
    String pem = URLDecoder.decode(echo.header("ssl-client-cert"), StandardCharsets.US_ASCII);
    assertThat(pem.replaceAll("\\s", ""))
        .isEqualTo(alice.getCertificatePEM().replaceAll("\\s", ""));
  }

  @Test
  void validCertificateOverHttp2() throws Exception {
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(client(alice))
            .version(HttpClient.Version.HTTP_2)
            .build();
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create("https://localhost:" + dataplane.httpsPort() + "/h2"))
                .header("ssl-client-verify", "SUCCESS")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Echo.parse(response.body()).header("ssl-client-verify")).isEqualTo("SUCCESS");

    HttpClient anonymous =
        HttpClient.newBuilder().sslContext(client(null)).version(HttpClient.Version.HTTP_2).build();
    HttpResponse<String> refused =
        anonymous.send(
            HttpRequest.newBuilder(URI.create("https://localhost:" + dataplane.httpsPort() + "/h2"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(refused.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(refused.statusCode()).isEqualTo(400);
  }

  @Test
  void requiredCertificateMissingIs400AfterACompletedHandshake() throws Exception {
    int before = backend.requestCount();
    Response r = get(null, "localhost");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body()).contains("No required SSL certificate was sent");
    assertThat(backend.requestCount()).isEqualTo(before);
  }

  @Test
  void certificateOfAnotherCaIs400() throws Exception {
    Response r = get(mallory, "localhost");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body()).contains("The SSL certificate error");
  }

  @Test
  void optionalAcceptsNoneAndRefusesABadOne() throws Exception {
    Response none = get(null, "optional.example.com");
    assertThat(none.status()).isEqualTo(200);
    assertThat(none.echo().header("ssl-client-verify")).isEqualTo("NONE");
    assertThat(none.echo().headers())
        .doesNotContainKeys("ssl-client-subject-dn", "ssl-client-cert");
    assertThat(get(alice, "optional.example.com").echo().header("ssl-client-verify"))
        .isEqualTo("SUCCESS");
    assertThat(get(mallory, "optional.example.com").status()).isEqualTo(400);
  }

  @Test
  void optionalNoCaPassesTheOutcomeUpstream() throws Exception {
    Response r = get(mallory, "noca.example.com");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.echo().header("ssl-client-verify"))
        .isEqualTo("FAILED:unable to get local issuer certificate");
    assertThat(r.echo().header("ssl-client-subject-dn")).isEqualTo("CN=mallory");
    // Not asked to pass the certificate.
    assertThat(r.echo().headers()).doesNotContainKey("ssl-client-cert");
  }

  @Test
  void hostWithoutClientAuthOnTheSamePortAsksForNoCertificate() throws Exception {
    Response r = get(alice, "open.example.com");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.certificatePresented()).isFalse();
    assertThat(r.echo().headers()).doesNotContainKey("ssl-client-subject-dn");
  }

  @Test
  void requestForAnAuthenticatingHostOnAConnectionForAnotherIsMisdirected() throws Exception {
    Response r = get(alice, "open.example.com", "localhost", "");
    assertThat(r.status()).isEqualTo(421);
  }

  @Test
  void unavailableCaAnswers503() throws Exception {
    assertThat(get(alice, "broken.example.com").status()).isEqualTo(503);
  }
}
