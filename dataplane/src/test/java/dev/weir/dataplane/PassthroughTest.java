package dev.weir.dataplane;

import static dev.weir.dataplane.TestSnapshots.LOOPBACK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.Endpoint;
import dev.weir.contract.snapshot.Route;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.VirtualHost;
import dev.weir.contract.testing.TestPki;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.testing.EchoBackend;
import dev.weir.dataplane.testing.EchoBackend.Echo;
import io.micrometer.core.instrument.Counter;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TLS passthrough through real sockets: the HTTPS listener reads the ClientHello's SNI and relays a
 * passthrough host's connection untouched to a TLS backend with a certificate of its own CA, which
 * the client verifies (so TLS runs end to end), while other names on the same port terminate at
 * Weir as before.
 */
class PassthroughTest {
  static TestPki weirPki;
  static TestPki backendPki;
  static EchoBackend tls1;
  static EchoBackend tls2;
  static EchoBackend tls3;
  static EchoBackend plain;
  static ServerSocket raw;
  static final ByteArrayOutputStream rawReceived = new ByteArrayOutputStream();
  static DataplaneMetrics metrics;
  static Dataplane dataplane;

  @BeforeAll
  static void start() throws Exception {
    weirPki = TestPki.create();
    backendPki = TestPki.create();
    TestPki.Leaf backendLeaf = backendPki.issue("pass.example.com");
    var backendServer =
        SslContextBuilder.forServer(
                new ByteArrayInputStream(backendLeaf.chainPem().getBytes()),
                new ByteArrayInputStream(backendLeaf.keyPem().getBytes()))
            .build();
    tls1 = EchoBackend.startTls("tls-1", backendServer);
    tls2 = EchoBackend.startTls("tls-2", backendServer);
    tls3 = EchoBackend.startTls("tls-3", backendServer);
    plain = EchoBackend.start("plain");
    raw = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread recorder =
        new Thread(
            () -> {
              try (Socket s = raw.accept();
                  InputStream in = s.getInputStream()) {
                byte[] buffer = new byte[4096];
                for (int n; (n = in.read(buffer)) > 0; ) {
                  synchronized (rawReceived) {
                    rawReceived.write(buffer, 0, n);
                  }
                }
              } catch (Exception e) {
                // closed at the end of the tests
              }
            });
    recorder.setDaemon(true);
    recorder.start();
    metrics = new DataplaneMetrics();
    dataplane = Dataplane.start(LOOPBACK, metrics);
    dataplane.apply(
        Snapshot.builder()
            .version(1)
            .virtualHosts(
                VirtualHost.builder("pass.example.com").passthroughBackend("pass").build(),
                VirtualHost.builder("*.raw.example.com").passthroughBackend("raw").build(),
                VirtualHost.builder("down.example.com").passthroughBackend("down").build(),
                VirtualHost.builder("mixed.example.com").passthroughBackend("mixed").build(),
                VirtualHost.builder("localhost")
                    .certificate("weir")
                    .routes(Route.prefix("/", "plain"))
                    .build())
            .backends(
                Backend.of("pass", List.of(tls1.endpoint(), tls2.endpoint())),
                Backend.of("raw", List.of(Endpoint.ready("127.0.0.1", raw.getLocalPort()))),
                Backend.builder("down")
                    .endpoints(Endpoint.ready("127.0.0.1", closedPort()))
                    .connectRetries(0)
                    .build(),
                Backend.of(
                    "mixed", List.of(Endpoint.ready("127.0.0.1", closedPort()), tls3.endpoint())),
                Backend.of("plain", List.of(plain.endpoint())))
            .certificates(weirPki.issue("localhost").toCertificate("weir"))
            .build());
  }

  @AfterAll
  static void stop() throws Exception {
    dataplane.close();
    tls1.close();
    tls2.close();
    tls3.close();
    plain.close();
    raw.close();
  }

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static SSLSocket connect(SSLContext context, String serverName) throws Exception {
    SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", dataplane.httpsPort());
    socket.setSoTimeout(5_000);
    if (serverName != null) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setServerNames(List.of(new SNIHostName(serverName)));
      socket.setSSLParameters(parameters);
    }
    return socket;
  }

  private static String get(SSLSocket socket, String host) throws Exception {
    socket
        .getOutputStream()
        .write(
            ("GET /hello HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  private static Echo body(String response) {
    return Echo.parse(response.substring(response.indexOf("\r\n\r\n") + 4));
  }

  @Test
  void passthroughHostIsServedByTheBackendsOwnTlsEndToEnd() throws Exception {
    try (SSLSocket socket = connect(backendPki.clientSslContext(), "pass.example.com")) {
      String response = get(socket, "pass.example.com");
      // The handshake only succeeds against the backend's own certificate (the client trusts its
      // CA alone), so Weir relayed the TLS stream and terminated nothing.
      X509Certificate peer = (X509Certificate) socket.getSession().getPeerCertificates()[0];
      assertThat(peer.getIssuerX500Principal())
          .isEqualTo(backendPki.caCertificate().getSubjectX500Principal());
      assertThat(response).startsWith("HTTP/1.1 200");
      Echo echo = body(response);
      assertThat(echo.instance()).startsWith("tls-");
      // The request went by untouched: none of the headers Weir adds when it proxies.
      assertThat(echo.headers()).doesNotContainKeys("x-forwarded-for", "x-request-id");
    }
  }

  @Test
  void terminatedHostOnTheSamePortIsProxiedOverHttp2AndHttp1() throws Exception {
    for (HttpClient.Version version :
        List.of(HttpClient.Version.HTTP_2, HttpClient.Version.HTTP_1_1)) {
      HttpClient client =
          HttpClient.newBuilder().sslContext(weirPki.clientSslContext()).version(version).build();
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(
                      URI.create("https://localhost:" + dataplane.httpsPort() + "/app"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.version()).isEqualTo(version);
      Echo echo = Echo.parse(response.body());
      assertThat(echo.instance()).isEqualTo("plain");
      assertThat(echo.header("x-forwarded-proto")).isEqualTo("https");
    }
  }

  @Test
  void connectionsAreBalancedOverTheBackendsEndpoints() throws Exception {
    int before1 = tls1.serverNames().size();
    int before2 = tls2.serverNames().size();
    for (int i = 0; i < 4; i++) {
      try (SSLSocket socket = connect(backendPki.clientSslContext(), "pass.example.com")) {
        assertThat(get(socket, "pass.example.com")).startsWith("HTTP/1.1 200");
      }
    }
    assertThat(tls1.serverNames().size() - before1).isEqualTo(2);
    assertThat(tls2.serverNames().size() - before2).isEqualTo(2);
    assertThat(tls1.serverNames()).containsOnly("pass.example.com");
    assertThat(metrics.scrape())
        .containsPattern(
            "weir_passthrough_connections_total\\{backend=\"pass\",outcome=\"relayed\",?\\} [4-9]");
  }

  @Test
  void refusedConnectsEjectAPassthroughEndpointSoLaterConnectionsGoStraightToTheLiveOne()
      throws Exception {
    for (int i = 0; i < 8; i++) {
      try (SSLSocket socket = connect(backendPki.clientSslContext(), "mixed.example.com")) {
        assertThat(get(socket, "mixed.example.com"))
            .as("connection %d", i)
            .startsWith("HTTP/1.1 200");
      }
    }
    // Round robin would send every other connection to the dead endpoint first; three refusals
    // in a row eject it.
    assertThat(counter("weir.upstream.failures", "mixed")).isEqualTo(3);
    assertThat(counter("weir.upstream.ejections", "mixed")).isEqualTo(1);
    for (int i = 0; i < 8; i++) {
      try (SSLSocket socket = connect(backendPki.clientSslContext(), "mixed.example.com")) {
        assertThat(get(socket, "mixed.example.com")).startsWith("HTTP/1.1 200");
      }
    }
    assertThat(counter("weir.upstream.failures", "mixed"))
        .as("no connection dialled the ejected endpoint")
        .isEqualTo(3);
  }

  private static double counter(String name, String backend) {
    Counter c = metrics.registry().find(name).tag("backend", backend).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void clientHelloSplitOverSegmentsIsRelayedWholeAndFirst() throws Exception {
    SSLEngine engine = SSLContext.getDefault().createSSLEngine("x.raw.example.com", 443);
    engine.setUseClientMode(true);
    SSLParameters parameters = engine.getSSLParameters();
    parameters.setServerNames(List.of(new SNIHostName("x.raw.example.com")));
    engine.setSSLParameters(parameters);
    ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    engine.wrap(ByteBuffer.allocate(0), out);
    byte[] hello = Arrays.copyOf(out.array(), out.position());
    byte[] after = "bytes after the hello".getBytes(StandardCharsets.US_ASCII);
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), dataplane.httpsPort())) {
      OutputStream o = socket.getOutputStream();
      // The record header alone, then the rest in two pieces, each its own TCP segment.
      int[] cuts = {0, 5, hello.length / 2, hello.length};
      for (int i = 1; i < cuts.length; i++) {
        o.write(hello, cuts[i - 1], cuts[i] - cuts[i - 1]);
        o.flush();
        Thread.sleep(50);
      }
      o.write(after);
      o.flush();
      byte[] expected = new byte[hello.length + after.length];
      System.arraycopy(hello, 0, expected, 0, hello.length);
      System.arraycopy(after, 0, expected, hello.length, after.length);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (receivedBytes() < expected.length && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      synchronized (rawReceived) {
        assertThat(rawReceived.toByteArray()).isEqualTo(expected);
      }
    }
  }

  @Test
  void unknownNameAndNoNameTerminateAtWeir() throws Exception {
    SSLContext anyCertificate = SSLContext.getInstance("TLS");
    anyCertificate.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
    for (String name : new String[] {"other.example.com", null}) {
      try (SSLSocket socket = connect(anyCertificate, name)) {
        socket.startHandshake();
        X509Certificate peer = (X509Certificate) socket.getSession().getPeerCertificates()[0];
        assertThat(peer.getIssuerX500Principal())
            .isNotEqualTo(backendPki.caCertificate().getSubjectX500Principal());
      }
    }
  }

  @Test
  void unreachableBackendClosesTheConnection() throws Exception {
    try (SSLSocket socket = connect(backendPki.clientSslContext(), "down.example.com")) {
      socket.setSoTimeout(5_000);
      assertThatThrownBy(socket::startHandshake).isInstanceOf(IOException.class);
    }
    assertThat(metrics.scrape())
        .containsPattern(
            "weir_passthrough_connections_total\\{backend=\"down\",outcome=\"failed\",?\\} 1");
  }

  private static int receivedBytes() {
    synchronized (rawReceived) {
      return rawReceived.size();
    }
  }
}
