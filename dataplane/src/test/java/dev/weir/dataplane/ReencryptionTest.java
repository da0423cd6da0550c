package dev.weir.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.Route;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.UpstreamProtocol;
import dev.weir.contract.snapshot.UpstreamTls;
import dev.weir.contract.snapshot.VirtualHost;
import dev.weir.contract.testing.TestPki;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.testing.EchoBackend;
import dev.weir.dataplane.testing.EchoBackend.Echo;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Re-encryption to pods through real sockets: backends with protocol HTTPS are spoken to over TLS,
 * verified against their own CA and name when asked, with SNI only when asked, presenting a client
 * certificate when one is set; connections are pooled; a failed verification or an unusable setting
 * is a 502, never a fallback.
 */
class ReencryptionTest {
  static TestPki backendPki;
  static TestPki otherPki;
  static TestPki proxyClientPki;
  static final List<EchoBackend> backends = new ArrayList<>();
  static EchoBackend verified;
  static EchoBackend byHost;
  static EchoBackend unverified;
  static EchoBackend mutual;
  static Dataplane dataplane;

  @BeforeAll
  static void start() throws Exception {
    backendPki = TestPki.create();
    otherPki = TestPki.create();
    proxyClientPki = TestPki.create();
    TestPki.Leaf podLeaf = backendPki.issueServer("pod.internal", "app.example.com");
    verified = started("verified", server(podLeaf).build());
    byHost = started("by-host", server(podLeaf).build());
    unverified = started("unverified", server(podLeaf).build());
    mutual =
        started(
            "mutual",
            server(podLeaf)
                .clientAuth(ClientAuth.REQUIRE)
                .trustManager(proxyClientPki.caCertificate())
                .build());
    TestPki.Leaf proxyClient = proxyClientPki.issueClient("weir-proxy");
    String ca = backendPki.caPem();
    // One event loop: pools are per loop, and the pooling test counts connections.
    dataplane =
        Dataplane.start(
            new Dataplane.Options("127.0.0.1", 0, 0, Duration.ofSeconds(5), 1),
            new DataplaneMetrics());
    dataplane.apply(
        Snapshot.builder()
            .version(1)
            .virtualHosts(
                host("verified.example.com", "verified"),
                host("app.example.com", "by-host"),
                host("mismatch.example.com", "by-host"),
                host("unverified.example.com", "unverified"),
                host("wrong-ca.example.com", "wrong-ca"),
                host("mutual.example.com", "mutual"),
                host("unavailable.example.com", "unavailable"),
                host("grpc.example.com", "grpc"))
            .backends(
                https("verified", verified, UpstreamTls.verified(ca, "pod.internal")),
                https("by-host", byHost, new UpstreamTls(ca, true, null, null, false, null, false)),
                https("unverified", unverified, null),
                https("wrong-ca", verified, UpstreamTls.verified(otherPki.caPem(), "pod.internal")),
                https(
                    "mutual",
                    mutual,
                    new UpstreamTls(ca, true, null, "pod.internal", false, "proxy-client", false)),
                https("unavailable", verified, UpstreamTls.failClosed()),
                Backend.builder("grpc")
                    .endpoints(verified.endpoint())
                    .protocol(UpstreamProtocol.GRPC)
                    .build())
            .certificates(proxyClient.toCertificate("proxy-client"))
            .build());
  }

  private static SslContextBuilder server(TestPki.Leaf leaf) {
    return SslContextBuilder.forServer(
        new ByteArrayInputStream(leaf.chainPem().getBytes(StandardCharsets.US_ASCII)),
        new ByteArrayInputStream(leaf.keyPem().getBytes(StandardCharsets.US_ASCII)));
  }

  private static EchoBackend started(String id, SslContext server) throws Exception {
    EchoBackend b = EchoBackend.startTls(id, server);
    backends.add(b);
    return b;
  }

  private static VirtualHost host(String name, String backend) {
    return VirtualHost.of(name, List.of(Route.prefix("/", backend)));
  }

  private static Backend https(String id, EchoBackend endpoint, UpstreamTls tls) {
    return Backend.builder(id)
        .endpoints(endpoint.endpoint())
        .protocol(UpstreamProtocol.HTTPS)
        .tls(tls)
        .connectRetries(0)
        .build();
  }

  @AfterAll
  static void stop() {
    dataplane.close();
    backends.forEach(EchoBackend::close);
  }

  /** A request over Weir's plain HTTP listener; returns the status and body. */
  private static String[] get(String host) throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), dataplane.httpPort())) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              ("GET /r HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      String raw = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new String[] {raw.substring(9, 12), raw.substring(raw.indexOf("\r\n\r\n") + 4)};
    }
  }

  @Test
  void verifiedBackendIsReachedOverTlsWithItsServerNameAsSni() throws Exception {
    String[] r = get("verified.example.com");
    assertThat(r[0]).isEqualTo("200");
    Echo echo = Echo.parse(r[1]);
    assertThat(echo.instance()).isEqualTo("verified");
    assertThat(echo.header("host")).isEqualTo("verified.example.com");
    assertThat(verified.serverNames()).contains("pod.internal");
  }

  @Test
  void connectionsToATlsBackendArePooled() throws Exception {
    get("verified.example.com");
    int handshakes = verified.serverNames().size();
    for (int i = 0; i < 3; i++) {
      assertThat(get("verified.example.com")[0]).isEqualTo("200");
    }
    assertThat(verified.serverNames()).hasSize(handshakes);
  }

  @Test
  void withoutServerNameTheRequestsHostIsVerifiedAndNoSniIsSent() throws Exception {
    assertThat(get("app.example.com")[0]).isEqualTo("200");
    assertThat(byHost.serverNames()).isNotEmpty().containsOnly("");
    // The same endpoint and settings, but a name its certificate does not carry.
    assertThat(get("mismatch.example.com")[0]).isEqualTo("502");
  }

  @Test
  void unverifiedBackendIsReachedWhateverItsCertificate() throws Exception {
    String[] r = get("unverified.example.com");
    assertThat(r[0]).isEqualTo("200");
    assertThat(Echo.parse(r[1]).instance()).isEqualTo("unverified");
    assertThat(unverified.serverNames()).containsOnly("");
  }

  @Test
  void certificateOfAnotherCaIs502NeverAFallback() throws Exception {
    int before = verified.requestCount();
    assertThat(get("wrong-ca.example.com")[0]).isEqualTo("502");
    assertThat(verified.requestCount()).isEqualTo(before);
  }

  @Test
  void clientCertificateIsPresentedToTheBackend() throws Exception {
    String[] r = get("mutual.example.com");
    assertThat(r[0]).isEqualTo("200");
    assertThat(mutual.clientSubjects()).contains("CN=weir-proxy");
  }

  @Test
  void unavailableSecretAndAPodNotSpeakingTheProtocolAre502() throws Exception {
    int before = verified.requestCount();
    assertThat(get("unavailable.example.com")[0]).isEqualTo("502");
    // h2c to a pod that speaks TLS: a 502, never a fallback to HTTP/1.1.
    assertThat(get("grpc.example.com")[0]).isEqualTo("502");
    assertThat(verified.requestCount()).isEqualTo(before);
  }
}
