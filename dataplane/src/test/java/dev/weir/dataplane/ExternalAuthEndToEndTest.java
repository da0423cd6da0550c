package dev.weir.dataplane;

import static dev.weir.dataplane.TestSnapshots.LOOPBACK;
import static dev.weir.dataplane.TestSnapshots.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.weir.contract.snapshot.AuthCacheValidity;
import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.ExternalAuth;
import dev.weir.contract.snapshot.PathType;
import dev.weir.contract.snapshot.Route;
import dev.weir.contract.snapshot.RouteSettings;
import dev.weir.contract.snapshot.VirtualHost;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.testing.EchoBackend;
import dev.weir.dataplane.testing.EchoBackend.Echo;
import dev.weir.dataplane.testing.RawHttp;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * External authentication end to end through real sockets: a client, the data plane, a real auth
 * service on loopback (the JDK's HTTP server) and a real pod, with ingress-nginx's e2e expectations
 * (test/e2e/annotations/auth.go).
 */
class ExternalAuthEndToEndTest {
  static EchoBackend web;
  static HttpServer auth;
  static Dataplane dataplane;
  static LocalhostTls tls;
  static int downPort;
  // What the auth service received, by path.
  static final Map<String, AuthRequest> lastSeen = new ConcurrentHashMap<>();
  static final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
  static final Set<Integer> keepalivePorts = ConcurrentHashMap.newKeySet();
  static final List<Long> bodiesSeen = new CopyOnWriteArrayList<>();

  record AuthRequest(String method, String uri, Map<String, List<String>> headers, long body) {
    String header(String name) {
      List<String> values = headers.get(name);
      return values == null ? null : String.join(",", values);
    }
  }

  private static Route route(String path, ExternalAuth externalAuth) {
    return new Route(
        PathType.PREFIX, path, "web", RouteSettings.builder().externalAuth(externalAuth).build());
  }

  static String authUrl(String path) {
    return "http://127.0.0.1:" + auth.getAddress().getPort() + path;
  }

  @BeforeAll
  static void start() throws Exception {
    web = EchoBackend.start("web", "127.0.0.1", EchoBackend.Mode.JSON, Duration.ZERO);
    try (ServerSocket closed = new ServerSocket(0)) {
      downPort = closed.getLocalPort();
    }
    auth = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    auth.setExecutor(Executors.newFixedThreadPool(4));
    auth.createContext("/", ExternalAuthEndToEndTest::authorise);
    auth.start();
    tls = LocalhostTls.create();
    dataplane = Dataplane.start(LOOPBACK, new DataplaneMetrics(), tls.everyName());
    dataplane.apply(
        snapshot(
            1,
            List.of(
                VirtualHost.builder("localhost")
                    .routes(
                        route(
                            "/allowed",
                            ExternalAuth.builder(authUrl("/auth/ok"))
                                .responseHeaders(
                                    List.of("X-Auth-Request-User", "X-Auth-Request-Email"))
                                .build()),
                        route("/unauthorized", ExternalAuth.builder(authUrl("/auth/401")).build()),
                        route(
                            "/signin",
                            ExternalAuth.builder(authUrl("/auth/401"))
                                .signin("http://$host/auth/start")
                                .build()),
                        route(
                            "/signin-orig",
                            ExternalAuth.builder(authUrl("/auth/401"))
                                .signin("http://$host/auth/start")
                                .signinRedirectParam("orig")
                                .build()),
                        route("/forbidden", ExternalAuth.builder(authUrl("/auth/403")).build()),
                        route("/teapot", ExternalAuth.builder(authUrl("/auth/418")).build()),
                        route(
                            "/down",
                            ExternalAuth.builder("http://127.0.0.1:" + downPort + "/auth").build()),
                        route(
                            "/cached",
                            ExternalAuth.builder(authUrl("/auth/cached"))
                                .cache(
                                    "$http_authorization",
                                    List.of(new AuthCacheValidity(List.of(200, 202, 401), 300_000)))
                                .build()),
                        route(
                            "/kept",
                            ExternalAuth.builder(authUrl("/auth/kept"))
                                .keepalive(2, 100, 60_000L)
                                .build()),
                        route(
                            "/with-method",
                            ExternalAuth.builder(authUrl("/auth/ok")).method("POST").build()),
                        route(
                            "/by-host",
                            ExternalAuth.builder(
                                    "http://$host:" + auth.getAddress().getPort() + "/auth/ok")
                                .build()),
                        route("/broken", ExternalAuth.UNAVAILABLE),
                        route("/", ExternalAuth.builder(authUrl("/auth/401")).build()))
                    .build()),
            List.of(Backend.of("web", List.of(web.endpoint())))));
  }

  static void authorise(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    long body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes().length;
    }
    bodiesSeen.add(body);
    Map<String, List<String>> headers = new ConcurrentHashMap<>();
    exchange
        .getRequestHeaders()
        .forEach((name, values) -> headers.put(name.toLowerCase(), List.copyOf(values)));
    lastSeen.put(
        path,
        new AuthRequest(
            exchange.getRequestMethod(), exchange.getRequestURI().toString(), headers, body));
    counts.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
    int status =
        switch (path) {
          case "/auth/401" -> 401;
          case "/auth/403" -> 403;
          case "/auth/418" -> 418;
          case "/auth/cached" ->
              "Bearer good".equals(exchange.getRequestHeaders().getFirst("Authorization"))
                  ? 200
                  : 401;
          default -> 200;
        };
    if (path.equals("/auth/kept")) {
      keepalivePorts.add(exchange.getRemoteAddress().getPort());
    }
    if (status == 200) {
      exchange.getResponseHeaders().add("X-Auth-Request-User", "alice");
      exchange.getResponseHeaders().add("Set-Cookie", "_oauth2_proxy=refreshed; Path=/");
    }
    if (status == 401) {
      exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"shop\"");
    }
    byte[] text = ("auth says " + status).getBytes();
    exchange.sendResponseHeaders(status, text.length);
    exchange.getResponseBody().write(text);
    exchange.close();
  }

  @AfterAll
  static void stop() throws IOException {
    dataplane.close();
    auth.stop(0);
    web.close();
  }

  static RawHttp.Response send(String method, String target, String body, String... headers)
      throws IOException {
    StringBuilder request =
        new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n");
    for (String header : headers) {
      request.append(header).append("\r\n");
    }
    request
        .append("Content-Length: ")
        .append(body.length())
        .append("\r\nConnection: close\r\n\r\n")
        .append(body);
    return RawHttp.exchange(dataplane.httpPort(), request.toString());
  }

  static RawHttp.Response get(String target, String... headers) throws IOException {
    return send("GET", target, "", headers);
  }

  @Test
  void anAllowedRequestReachesThePodWithTheAuthServicesHeadersOverridingTheClients()
      throws Exception {
    RawHttp.Response response =
        get(
            "/allowed/page?a=b",
            "X-Auth-Request-User: mallory",
            "X-Auth-Request-Email: mallory@evil.test",
            "Cookie: _oauth2_proxy=abc",
            "Authorization: Bearer token");
    assertThat(response.status()).isEqualTo(200);
    Echo echo = Echo.parse(response.bodyText());
    assertThat(echo.header("x-auth-request-user")).isEqualTo("alice");
    // The auth response had no e-mail: the client's claim is removed, not passed on.
    assertThat(echo.header("x-auth-request-email")).isNull();
    assertThat(response.headers().get("set-cookie"))
        .containsExactly("_oauth2_proxy=refreshed; Path=/");

    AuthRequest seen = lastSeen.get("/auth/ok");
    assertThat(seen.method()).isEqualTo("GET");
    assertThat(seen.header("host")).isEqualTo("127.0.0.1");
    assertThat(seen.header("x-original-url")).isEqualTo("http://localhost/allowed/page?a=b");
    assertThat(seen.header("x-original-method")).isEqualTo("GET");
    assertThat(seen.header("x-sent-from")).isEqualTo("nginx-ingress-controller");
    assertThat(seen.header("x-real-ip")).isEqualTo("127.0.0.1");
    assertThat(seen.header("x-forwarded-for")).isEqualTo("127.0.0.1");
    assertThat(seen.header("x-auth-request-redirect")).isEqualTo("/allowed/page?a=b");
    assertThat(seen.header("x-request-id")).isEqualTo(echo.header("x-request-id"));
    assertThat(seen.header("cookie")).isEqualTo("_oauth2_proxy=abc");
    assertThat(seen.header("authorization")).isEqualTo("Bearer token");
    assertThat(seen.header("x-original-uri")).isNull();
    assertThat(seen.header("x-forwarded-proto")).isNull();
  }

  @Test
  void aPostBodyGoesToThePodButNeverToTheAuthService() throws Exception {
    String body = "x".repeat(100_000);
    bodiesSeen.clear();
    RawHttp.Response response = send("POST", "/allowed/upload", body);
    assertThat(response.status()).isEqualTo(200);
    Echo echo = Echo.parse(response.bodyText());
    assertThat(echo.method()).isEqualTo("POST");
    assertThat(echo.bodyLength()).isEqualTo(body.length());
    assertThat(bodiesSeen).containsOnly(0L);
    assertThat(lastSeen.get("/auth/ok").header("content-length")).isNull();
    assertThat(lastSeen.get("/auth/ok").header("x-original-method")).isEqualTo("POST");
  }

  @Test
  void a401IsPassedToTheClientWithItsChallengeAndThePodIsNotAsked() throws Exception {
    int before = web.requestCount();
    RawHttp.Response response = send("POST", "/unauthorized", "secret body");
    assertThat(response.status()).isEqualTo(401);
    assertThat(response.header("www-authenticate")).isEqualTo("Bearer realm=\"shop\"");
    assertThat(web.requestCount()).isEqualTo(before);
  }

  @Test
  void a401WithSigninIsA302WithTheOriginalUrlInRd() throws Exception {
    RawHttp.Response response = get("/signin/x?a=b&c=d");
    assertThat(response.status()).isEqualTo(302);
    assertThat(response.header("location"))
        .isEqualTo("http://localhost/auth/start?rd=http://localhost%2Fsignin%2Fx%3Fa%3Db%26c%3Dd");
    RawHttp.Response orig = get("/signin-orig/?a=b&c=d");
    assertThat(orig.header("location"))
        .isEqualTo(
            "http://localhost/auth/start?orig=http://localhost%2Fsignin-orig%2F%3Fa%3Db%26c%3Dd");
  }

  @Test
  void a403IsPassedToTheClient() throws Exception {
    assertThat(get("/forbidden").status()).isEqualTo(403);
  }

  @Test
  void anyOtherAuthStatusOrAnUnreachableAuthServiceIs500() throws Exception {
    assertThat(get("/teapot").status()).isEqualTo(500);
    assertThat(get("/down").status()).isEqualTo(500);
    assertThat(get("/allowed").status()).isEqualTo(200);
  }

  @Test
  void unusableExternalAuthFailsClosedWith503AndOtherPathsKeepWorking() throws Exception {
    assertThat(get("/broken").status()).isEqualTo(503);
    assertThat(get("/allowed").status()).isEqualTo(200);
  }

  @Test
  void cachedAuthResponsesAreReusedPerKey() throws Exception {
    AtomicInteger asked = counts.computeIfAbsent("/auth/cached", p -> new AtomicInteger());
    int before = asked.get();
    assertThat(get("/cached/a", "Authorization: Bearer bad").status()).isEqualTo(401);
    assertThat(get("/cached/b", "Authorization: Bearer bad").status()).isEqualTo(401);
    assertThat(asked.get()).isEqualTo(before + 1);
    // A 200 carrying Set-Cookie is not cached, as nginx's proxy_cache does not.
    assertThat(get("/cached/c", "Authorization: Bearer good").status()).isEqualTo(200);
    assertThat(get("/cached/d", "Authorization: Bearer good").status()).isEqualTo(200);
    assertThat(asked.get()).isEqualTo(before + 3);
  }

  @Test
  void acmeChallengesAreNotAuthenticated() throws Exception {
    AtomicInteger asked = counts.computeIfAbsent("/auth/401", p -> new AtomicInteger());
    int before = asked.get();
    RawHttp.Response response = get("/.well-known/acme-challenge/token");
    assertThat(response.status()).isEqualTo(200);
    assertThat(asked.get()).isEqualTo(before);
  }

  @Test
  void withAuthMethodTheOriginalUriAndSchemeAreSent() throws Exception {
    assertThat(get("/with-method/x?y=1").status()).isEqualTo(200);
    AuthRequest seen = lastSeen.get("/auth/ok");
    assertThat(seen.method()).isEqualTo("POST");
    assertThat(seen.header("x-original-uri")).isEqualTo("/with-method/x?y=1");
    assertThat(seen.header("x-scheme")).isEqualTo("http");
  }

  @Test
  void variablesInTheAuthUrlAreEvaluatedPerRequest() throws Exception {
    RawHttp.Response response =
        RawHttp.exchange(
            dataplane.httpPort(),
            "GET /by-host HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    // Host 127.0.0.1 falls to no virtual host: 404 without asking. Through localhost it resolves.
    assertThat(response.status()).isEqualTo(404);
    assertThat(get("/by-host").status()).isEqualTo(200);
    assertThat(lastSeen.get("/auth/ok").header("host")).isEqualTo("localhost");
  }

  @Test
  void keptConnectionsToTheAuthServiceAreReused() throws Exception {
    keepalivePorts.clear();
    try (RawHttp client = new RawHttp("127.0.0.1", dataplane.httpPort())) {
      for (int i = 0; i < 3; i++) {
        client.send("GET /kept HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertThat(client.readResponse(false).status()).isEqualTo(200);
      }
    }
    assertThat(keepalivePorts).hasSize(1);
  }

  @Test
  void http2ClientsAreAuthenticatedToo() throws Exception {
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(tls.client())
            .version(HttpClient.Version.HTTP_2)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    URI base = URI.create("https://localhost:" + dataplane.httpsPort());
    HttpResponse<String> allowed =
        client.send(
            HttpRequest.newBuilder(base.resolve("/allowed/h2"))
                .header("x-auth-request-user", "mallory")
                .POST(HttpRequest.BodyPublishers.ofString("y".repeat(50_000)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(allowed.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(allowed.statusCode()).isEqualTo(200);
    Echo echo = Echo.parse(allowed.body());
    assertThat(echo.header("x-auth-request-user")).isEqualTo("alice");
    assertThat(echo.bodyLength()).isEqualTo(50_000);
    assertThat(lastSeen.get("/auth/ok").header("x-original-url"))
        .isEqualTo("https://localhost:" + dataplane.httpsPort() + "/allowed/h2");

    HttpResponse<String> denied =
        client.send(
            HttpRequest.newBuilder(base.resolve("/signin/h2")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(denied.statusCode()).isEqualTo(302);
    assertThat(denied.headers().firstValue("location"))
        .hasValue(
            "http://localhost/auth/start?rd=https://localhost:"
                + dataplane.httpsPort()
                + "%2Fsignin%2Fh2");
  }
}
