package dev.weir.dataplane;

import static dev.weir.dataplane.TestSnapshots.LOOPBACK;
import static dev.weir.dataplane.TestSnapshots.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.Endpoint;
import dev.weir.contract.snapshot.Hsts;
import dev.weir.contract.snapshot.PathType;
import dev.weir.contract.snapshot.Route;
import dev.weir.contract.snapshot.RouteSettings;
import dev.weir.contract.snapshot.Timeouts;
import dev.weir.contract.snapshot.VirtualHost;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.testing.EchoBackend;
import dev.weir.dataplane.testing.RawHttp;
import dev.weir.dataplane.testing.RawHttp2;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A route's settings end to end, through real sockets: HTTPS redirects, HSTS, body limits, and the
 * route's own upstream timeouts and tries.
 */
class RouteSettingsTest {
  static final int REDIRECT_PORT = 8443;
  static LocalhostTls tls;
  static EchoBackend web;
  static EchoBackend slow;
  static ServerSocket sink;
  static List<Socket> sunk = new CopyOnWriteArrayList<>();
  static Dataplane dataplane;

  private static Route route(String path, String backend, RouteSettings settings) {
    return new Route(PathType.PREFIX, path, backend, settings);
  }

  @BeforeAll
  static void start() throws Exception {
    tls = LocalhostTls.create();
    web = EchoBackend.start("web", "127.0.0.1", EchoBackend.Mode.JSON, Duration.ZERO);
    slow = EchoBackend.start("slow", "127.0.0.2", EchoBackend.Mode.JSON, Duration.ofSeconds(3));
    // Accepts, and never reads: a write of a request body to it stalls once buffers are full.
    sink = new ServerSocket();
    sink.setReceiveBufferSize(4096);
    sink.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.3"), 0));
    Thread acceptor =
        new Thread(
            () -> {
              try {
                while (true) {
                  sunk.add(sink.accept());
                }
              } catch (IOException closed) {
                // the test is over
              }
            },
            "sink-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
    int dead = freePort();
    dataplane =
        Dataplane.start(
            LOOPBACK.withHttpsRedirectPort(REDIRECT_PORT), new DataplaneMetrics(), tls.everyName());
    RouteSettings tries = RouteSettings.builder().upstreamTries(0).build();
    dataplane.apply(
        snapshot(
            1,
            List.of(
                VirtualHost.builder("localhost")
                    .routes(
                        route(
                            "/secure",
                            "web",
                            RouteSettings.builder().redirectToHttps(true).build()),
                        route("/small", "web", RouteSettings.builder().maxBodyBytes(1024L).build()),
                        route(
                            "/impatient",
                            "slow",
                            RouteSettings.builder().timeouts(new Timeouts(1_000, 300)).build()),
                        route(
                            "/stall",
                            "sink",
                            RouteSettings.builder()
                                .timeouts(new Timeouts(1_000, 60_000, 300L))
                                .build()),
                        route("/tries", "flaky", tries),
                        Route.prefix("/once", "flaky"),
                        Route.prefix("/", "web"))
                    .hsts(Hsts.DEFAULT)
                    .build(),
                VirtualHost.builder("redirect.test")
                    .routes(
                        route("/", "web", RouteSettings.builder().redirectToHttps(true).build()))
                    .build()),
            List.of(
                Backend.of("web", List.of(web.endpoint())),
                Backend.of("slow", List.of(slow.endpoint())),
                Backend.of("sink", List.of(Endpoint.ready("127.0.0.3", sink.getLocalPort()))),
                Backend.builder("flaky")
                    .endpoints(
                        Endpoint.ready("127.0.0.4", dead),
                        Endpoint.ready("127.0.0.5", dead),
                        Endpoint.ready("127.0.0.6", dead),
                        web.endpoint())
                    .connectRetries(0)
                    .build())));
  }

  @AfterAll
  static void stop() throws IOException {
    dataplane.close();
    web.close();
    slow.close();
    sink.close();
    for (Socket s : sunk) {
      s.close();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static RawHttp.Response plain(String method, String host, String target) throws IOException {
    return RawHttp.exchange(
        dataplane.httpPort(),
        method
            + " "
            + target
            + " HTTP/1.1\r\nHost: "
            + host
            + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  }

  static HttpResponse<String> https(HttpClient.Version version, String target) throws Exception {
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(tls.client())
            .version(version)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    return client.send(
        HttpRequest.newBuilder(URI.create("https://localhost:" + dataplane.httpsPort() + target))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  // ---------------------------------------------------------------- redirects and HSTS

  @Test
  void plainHttpIsRedirectedToHttpsWithPathAndQueryExactlyAsSent() throws Exception {
    for (String method : List.of("GET", "POST")) {
      RawHttp.Response response =
          plain(method, "localhost:" + dataplane.httpPort(), "/secure/a%20b?x=%2F&y=1&y=2");
      assertThat(response.status()).isEqualTo(308);
      assertThat(response.header("location"))
          .isEqualTo("https://localhost:" + REDIRECT_PORT + "/secure/a%20b?x=%2F&y=1&y=2");
    }
  }

  @Test
  void acmeChallengesAreProxiedNotRedirected() throws Exception {
    RawHttp.Response challenge =
        plain("GET", "redirect.test", "/.well-known/acme-challenge/token123");
    assertThat(challenge.status()).isEqualTo(200);
    assertThat(EchoBackend.Echo.parse(challenge.bodyText()).uri())
        .isEqualTo("/.well-known/acme-challenge/token123");
    assertThat(plain("GET", "redirect.test", "/.well-known/other").status()).isEqualTo(308);
  }

  @Test
  void httpsIsServedWithHstsOverBothProtocolsAndPlainHttpNever() throws Exception {
    for (HttpClient.Version version : HttpClient.Version.values()) {
      HttpResponse<String> response = https(version, "/secure/page");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().allValues("strict-transport-security"))
          .containsExactly("max-age=31536000; includeSubDomains");
    }
    RawHttp.Response plain = plain("GET", "localhost", "/page");
    assertThat(plain.status()).isEqualTo(200);
    assertThat(plain.header("strict-transport-security")).isNull();
  }

  // ---------------------------------------------------------------- body limits

  @Test
  void aDeclaredBodyOverTheLimitIs413AndNeverReachesTheBackend() throws Exception {
    int before = web.requestCount();
    RawHttp.Response response =
        RawHttp.exchange(
            dataplane.httpPort(),
            "POST /small HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2000\r\n\r\n"
                + "x".repeat(2000));
    assertThat(response.status()).isEqualTo(413);
    assertThat(plain("POST", "localhost", "/small").status()).isEqualTo(200);
    assertThat(web.requestCount()).isEqualTo(before + 1);
  }

  @Test
  void aChunkedBodyCrossingTheLimitIsCutOffAndTheBackendNeverSeesItComplete() throws Exception {
    int completeBefore = web.completeRequestCount();
    String chunk = "200\r\n" + "x".repeat(512) + "\r\n";
    try (RawHttp client = new RawHttp("127.0.0.1", dataplane.httpPort())) {
      client.socket().setSoTimeout(10_000);
      client.send(
          "POST /small HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk);
      // Within the limit: the request is on its way to the backend, its end not yet sent.
      client.send(chunk + chunk + chunk + "0\r\n\r\n");
      RawHttp.Response response = client.readResponse(false);
      assertThat(response.status()).isEqualTo(413);
      assertThat(client.closedByServer()).isTrue();
    }
    // A request after it completes; the cut one never did.
    assertThat(plain("POST", "localhost", "/small").status()).isEqualTo(200);
    assertThat(web.completeRequestCount()).isEqualTo(completeBefore + 1);
  }

  @Test
  void http2BodiesOverTheLimitAre413() throws Exception {
    try (RawHttp2 client = new RawHttp2(tls.client(), dataplane.httpsPort())) {
      client.readTimeoutMillis(10_000);
      client.headers(1, post("/small", "2000"), false);
      assertThat(client.await(1))
          .isInstanceOfSatisfying(
              RawHttp2.Answered.class, a -> assertThat(a.status()).isEqualTo(413));
    }
    try (RawHttp2 client = new RawHttp2(tls.client(), dataplane.httpsPort())) {
      client.readTimeoutMillis(10_000);
      client.headers(1, post("/small", null), false);
      client.data(1, "x".repeat(1000), false);
      client.data(1, "x".repeat(1000), true);
      assertThat(client.await(1))
          .isInstanceOfSatisfying(
              RawHttp2.Answered.class, a -> assertThat(a.status()).isEqualTo(413));
    }
  }

  private static List<Map.Entry<String, String>> post(String path, String contentLength) {
    List<Map.Entry<String, String>> fields = new ArrayList<>();
    fields.add(Map.entry(":method", "POST"));
    fields.add(Map.entry(":scheme", "https"));
    fields.add(Map.entry(":authority", "localhost"));
    fields.add(Map.entry(":path", path));
    if (contentLength != null) {
      fields.add(Map.entry("content-length", contentLength));
    }
    return fields;
  }

  // ---------------------------------------------------------------- upstream timeouts and tries

  @Test
  void aRoutesReadTimeoutReplacesTheBackends() throws Exception {
    long start = System.nanoTime();
    assertThat(plain("GET", "localhost", "/impatient").status()).isEqualTo(504);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void aWriteToTheBackendStalledForTheSendTimeoutIs504() throws Exception {
    try (RawHttp client = new RawHttp("127.0.0.1", dataplane.httpPort())) {
      client.socket().setSoTimeout(10_000);
      client.send("POST /stall HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n");
      // Writes until the proxy stops reading; bounded in size, and ended by the 504's close.
      CompletableFuture<Void> writer =
          CompletableFuture.runAsync(
              () -> {
                byte[] chunk =
                    ("10000\r\n" + "x".repeat(0x10000) + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
                try {
                  for (int i = 0; i < 1024; i++) {
                    client.send(chunk);
                  }
                } catch (IOException closed) {
                  // the proxy gave up on this request
                }
              });
      long start = System.nanoTime();
      RawHttp.Response response = client.readResponse(false);
      assertThat(response.status()).isEqualTo(504);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
      client.close();
      writer.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aRoutesUpstreamTriesReplaceTheBackendsConnectRetries() throws Exception {
    // Round robin over three dead endpoints and one live one, with no retry by the backend's
    // count: one request in four reaches the live one; with tries 0 (every endpoint) all do.
    int failed = 0;
    for (int i = 0; i < 8; i++) {
      if (plain("GET", "localhost", "/once").status() == 502) {
        failed++;
      }
      assertThat(plain("GET", "localhost", "/tries").status()).isEqualTo(200);
    }
    assertThat(failed).isGreaterThanOrEqualTo(4);
  }
}
