package dev.weir.dataplane;

import static dev.weir.dataplane.TestSnapshots.LOOPBACK;
import static dev.weir.dataplane.TestSnapshots.backend;
import static dev.weir.dataplane.TestSnapshots.host;
import static dev.weir.dataplane.TestSnapshots.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.contract.snapshot.Route;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.VirtualHost;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.testing.EchoBackend;
import dev.weir.dataplane.testing.EchoBackend.Echo;
import dev.weir.dataplane.testing.RawHttp;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Routing end to end: requests over real sockets land on the backend the snapshot says. */
class ProxyRoutingTest {
  static EchoBackend app;
  static EchoBackend api;
  static EchoBackend wild;
  static EchoBackend hostDefault;
  static EchoBackend global;
  static Dataplane dataplane;
  static DataplaneMetrics metrics = new DataplaneMetrics();

  @BeforeAll
  static void start() throws Exception {
    app = EchoBackend.start("app", "127.0.0.1", EchoBackend.Mode.JSON, Duration.ZERO);
    api = EchoBackend.start("api", "127.0.0.2", EchoBackend.Mode.JSON, Duration.ZERO);
    wild = EchoBackend.start("wild", "127.0.0.3", EchoBackend.Mode.JSON, Duration.ZERO);
    hostDefault =
        EchoBackend.start("host-default", "127.0.0.4", EchoBackend.Mode.JSON, Duration.ZERO);
    global = EchoBackend.start("global", "127.0.0.5", EchoBackend.Mode.JSON, Duration.ZERO);
    dataplane = Dataplane.start(LOOPBACK, metrics);
    dataplane.apply(
        snapshot(
            1,
            List.of(
                new VirtualHost(
                    "app.example.test",
                    null,
                    List.of(Route.prefix("/app", "app"), Route.exact("/exact", "api")),
                    "host-default"),
                host("*.wild.test", Route.prefix("/", "wild")),
                host("nodefault.test", Route.prefix("/only", "app")),
                host("unavailable.test", Route.prefix("/", "no-endpoints"))),
            List.of(
                backend("app", app.endpoint()),
                backend("api", api.endpoint()),
                backend("wild", wild.endpoint()),
                backend("host-default", hostDefault.endpoint()),
                backend("global", global.endpoint()),
                backend("no-endpoints"))));
  }

  @AfterAll
  static void stop() {
    dataplane.close();
    for (EchoBackend b : List.of(app, api, wild, hostDefault, global)) {
      b.close();
    }
  }

  static RawHttp.Response get(String host, String target) throws Exception {
    return RawHttp.exchange(
        dataplane.httpPort(),
        "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
  }

  static Echo echo(RawHttp.Response response) {
    assertThat(response.status()).as(response.bodyText()).isEqualTo(200);
    return Echo.parse(response.bodyText());
  }

  @Test
  void prefixRouteForwardsPathAndQueryAndPreservesHost() throws Exception {
    Echo echo = echo(get("App.Example.Test:80", "/app/x?q=1&r=%20"));
    assertThat(echo.instance()).isEqualTo("app");
    assertThat(echo.uri()).isEqualTo("/app/x?q=1&r=%20");
    assertThat(echo.header("host")).isEqualTo("App.Example.Test:80");
  }

  @Test
  void prefixRouteMatchesElementWiseOnly() throws Exception {
    assertThat(echo(get("app.example.test", "/app")).instance()).isEqualTo("app");
    assertThat(echo(get("app.example.test", "/app/")).instance()).isEqualTo("app");
    assertThat(echo(get("app.example.test", "/application")).instance()).isEqualTo("host-default");
  }

  @Test
  void exactRouteMatchesOnlyItsPath() throws Exception {
    assertThat(echo(get("app.example.test", "/exact")).instance()).isEqualTo("api");
    assertThat(echo(get("app.example.test", "/exact?x=1")).instance()).isEqualTo("api");
    assertThat(echo(get("app.example.test", "/exact/more")).instance()).isEqualTo("host-default");
  }

  @Test
  void wildcardHostMatchesOneLabel() throws Exception {
    assertThat(echo(get("a.wild.test", "/")).instance()).isEqualTo("wild");
    assertThat(get("wild.test", "/").status()).isEqualTo(404);
    assertThat(get("a.b.wild.test", "/").status()).isEqualTo(404);
  }

  @Test
  void unroutedRequestIsAnswered404ByWeir() throws Exception {
    RawHttp.Response response = get("nodefault.test", "/elsewhere");
    assertThat(response.status()).isEqualTo(404);
    assertThat(response.bodyText()).contains("404");
    assertThat(get("unknown.test", "/app").status()).isEqualTo(404);
  }

  @Test
  void absoluteFormTargetRoutesByItsAuthorityAndIsForwardedInOriginForm() throws Exception {
    Echo echo = echo(get("ignored.test", "http://app.example.test/app/abs?x=y"));
    assertThat(echo.instance()).isEqualTo("app");
    assertThat(echo.uri()).isEqualTo("/app/abs?x=y");
    assertThat(echo.header("host")).isEqualTo("app.example.test");
  }

  @Test
  void forwardingHeadersDescribeTheClientAndReplaceClientClaims() throws Exception {
    RawHttp.Response response =
        RawHttp.exchange(
            dataplane.httpPort(),
            "GET /app/h HTTP/1.1\r\nHost: app.example.test\r\nX-Forwarded-For: 6.6.6.6\r\n"
                + "X-Request-ID: abc-123\r\nConnection: close\r\n\r\n");
    Echo echo = echo(response);
    assertThat(echo.header("x-forwarded-for")).isEqualTo("127.0.0.1");
    assertThat(echo.header("x-forwarded-proto")).isEqualTo("http");
    assertThat(echo.header("x-forwarded-host")).isEqualTo("app.example.test");
    assertThat(echo.header("x-forwarded-port")).isEqualTo(String.valueOf(dataplane.httpPort()));
    assertThat(echo.header("x-request-id")).isEqualTo("abc-123");
  }

  @Test
  void insaneRequestIdIsReplacedWithAGeneratedOne() throws Exception {
    Echo echo =
        echo(
            RawHttp.exchange(
                dataplane.httpPort(),
                "GET /app/h HTTP/1.1\r\nHost: app.example.test\r\nX-Request-ID: "
                    + "x".repeat(129)
                    + "\r\nConnection: close\r\n\r\n"));
    assertThat(echo.header("x-request-id")).matches("[0-9a-f]{32}");
  }

  @Test
  void hopByHopHeadersAreNotForwarded() throws Exception {
    Echo echo =
        echo(
            RawHttp.exchange(
                dataplane.httpPort(),
                "GET /app/h HTTP/1.1\r\nHost: app.example.test\r\nConnection: x-secret, keep-alive\r\n"
                    + "X-Secret: 1\r\nKeep-Alive: timeout=5\r\nProxy-Connection: keep-alive\r\n"
                    + "TE: trailers\r\nUpgrade: h2c\r\nX-Kept: yes\r\n\r\n"));
    assertThat(echo.headers())
        .doesNotContainKeys("x-secret", "keep-alive", "proxy-connection", "te", "upgrade");
    assertThat(echo.header("x-kept")).isEqualTo("yes");
  }

  @Test
  void keepAliveConnectionServesSeveralRequestsInOrder() throws Exception {
    try (RawHttp http = new RawHttp("127.0.0.1", dataplane.httpPort())) {
      // Pipelined: both requests in one write.
      http.send(
          "GET /app/1 HTTP/1.1\r\nHost: app.example.test\r\n\r\n"
              + "GET /exact HTTP/1.1\r\nHost: app.example.test\r\n\r\n");
      assertThat(echo(http.readResponse(false)).uri()).isEqualTo("/app/1");
      assertThat(echo(http.readResponse(false)).instance()).isEqualTo("api");
      http.send("HEAD /app/3 HTTP/1.1\r\nHost: app.example.test\r\n\r\n");
      RawHttp.Response head = http.readResponse(true);
      assertThat(head.status()).isEqualTo(200);
      http.send("GET /nothing HTTP/1.1\r\nHost: nodefault.test\r\n\r\n");
      assertThat(http.readResponse(false).status()).isEqualTo(404);
      http.send("POST /app/4 HTTP/1.1\r\nHost: app.example.test\r\nContent-Length: 5\r\n\r\nhello");
      Echo post = echo(http.readResponse(false));
      assertThat(post.method()).isEqualTo("POST");
      assertThat(post.bodyLength()).isEqualTo(5);
    }
  }

  @Test
  void pipelinedLocalAnswersKeepTheirPlaceAmongProxiedResponses() throws Exception {
    try (RawHttp http = new RawHttp("127.0.0.1", dataplane.httpPort())) {
      // A first request leaves a pooled connection to the backend, so the proxied request below
      // gets its upstream connection within the same read as the local answers around it.
      http.send("GET /app/warm HTTP/1.1\r\nHost: app.example.test\r\n\r\n");
      assertThat(echo(http.readResponse(false)).uri()).isEqualTo("/app/warm");
      for (int round = 0; round < 20; round++) {
        http.send(
            "GET /nothing HTTP/1.1\r\nHost: nodefault.test\r\n\r\n"
                + "GET /app/"
                + round
                + " HTTP/1.1\r\nHost: app.example.test\r\n\r\n"
                + "GET /nothing HTTP/1.1\r\nHost: nodefault.test\r\n\r\n"
                + "GET / HTTP/1.1\r\nHost: unavailable.test\r\n\r\n");
        assertThat(http.readResponse(false).status()).as("round %d, first", round).isEqualTo(404);
        RawHttp.Response proxied = http.readResponse(false);
        assertThat(proxied.status()).as("round %d, second", round).isEqualTo(200);
        assertThat(echo(proxied).uri()).isEqualTo("/app/" + round);
        assertThat(http.readResponse(false).status()).as("round %d, third", round).isEqualTo(404);
        assertThat(http.readResponse(false).status()).as("round %d, fourth", round).isEqualTo(503);
      }
      // A request the validator refuses is answered after those before it, then the connection
      // closes.
      http.send(
          "GET /nothing HTTP/1.1\r\nHost: nodefault.test\r\n\r\n"
              + "GET /a/../b HTTP/1.1\r\nHost: app.example.test\r\n\r\n");
      assertThat(http.readResponse(false).status()).isEqualTo(404);
      assertThat(http.readResponse(false).status()).isEqualTo(400);
      assertThat(http.closedByServer()).isTrue();
    }
  }

  @Test
  void globalDefaultBackendServesUnroutedRequests() throws Exception {
    try (EchoBackend own = EchoBackend.start("own");
        Dataplane other = Dataplane.start(LOOPBACK, new DataplaneMetrics())) {
      other.apply(
          TestSnapshots.withDefaultBackend(
              snapshot(
                  1,
                  List.of(host("x.test", Route.prefix("/x", "own"))),
                  List.of(backend("own", own.endpoint()))),
              "own"));
      RawHttp.Response response =
          RawHttp.exchange(
              other.httpPort(),
              "GET /anything HTTP/1.1\r\nHost: whatever.test\r\nConnection: close\r\n\r\n");
      assertThat(echo(response).instance()).isEqualTo("own");
    }
  }

  @Test
  void http10RequestWithoutHostIsForwardedWithTheListenerAddressAsHost() throws Exception {
    try (EchoBackend own =
            EchoBackend.start("own", "127.0.0.1", EchoBackend.Mode.JSON, Duration.ZERO);
        Dataplane other = Dataplane.start(LOOPBACK, new DataplaneMetrics())) {
      other.apply(
          TestSnapshots.withDefaultBackend(
              snapshot(1, List.of(), List.of(backend("own", own.endpoint()))), "own"));
      Echo echo = echo(RawHttp.exchange(other.httpPort(), "GET /old HTTP/1.0\r\n\r\n"));
      assertThat(echo.header("host")).isEqualTo("127.0.0.1:" + other.httpPort());
      assertThat(echo.header("x-forwarded-host")).isNull();
    }
  }

  @Test
  void listenersRefuseConnectionsUntilTheFirstSnapshotIsApplied() throws Exception {
    // Fixed ports, so there is a port to knock on before the data plane has bound it.
    int httpPort = freePort();
    int httpsPort = freePort();
    try (Dataplane fresh =
        Dataplane.start(
            new Dataplane.Options("127.0.0.1", httpPort, httpsPort, Duration.ofSeconds(5)),
            new DataplaneMetrics())) {
      assertThat(fresh.hasSnapshot()).isFalse();
      assertThat(fresh.httpPort()).isEqualTo(-1);
      for (int port : new int[] {httpPort, httpsPort}) {
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
            .as("port %d before the first snapshot", port)
            .isInstanceOf(ConnectException.class);
      }

      fresh.apply(Snapshot.empty());

      assertThat(fresh.hasSnapshot()).isTrue();
      assertThat(fresh.httpPort()).isEqualTo(httpPort);
      assertThat(fresh.httpsPort()).isEqualTo(httpsPort);
      assertThat(
              RawHttp.exchange(
                      httpPort, "GET / HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n")
                  .status())
          .as("an empty snapshot routes nothing")
          .isEqualTo(404);
      new Socket("127.0.0.1", httpsPort).close();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void requestsAreCountedByMatchedHostBackendAndStatusClass() throws Exception {
    get("app.example.test", "/app/metrics");
    assertThat(metrics.scrape())
        .contains("weir_requests_total{backend=\"app\",host=\"app.example.test\",status=\"2xx\"}");
  }
}
