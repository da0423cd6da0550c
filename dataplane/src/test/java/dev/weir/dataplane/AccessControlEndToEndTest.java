package dev.weir.dataplane;

import static dev.weir.dataplane.TestSnapshots.LOOPBACK;
import static dev.weir.dataplane.TestSnapshots.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.AccessControl;
import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.BasicAuth;
import dev.weir.contract.snapshot.Cors;
import dev.weir.contract.snapshot.PathType;
import dev.weir.contract.snapshot.RateLimit;
import dev.weir.contract.snapshot.Route;
import dev.weir.contract.snapshot.RouteSettings;
import dev.weir.contract.snapshot.SecretValue;
import dev.weir.contract.snapshot.VirtualHost;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.testing.EchoBackend;
import dev.weir.dataplane.testing.RawHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CORS, source ranges, basic authentication and rate limits end to end through real sockets, with
 * ingress-nginx's e2e expectations (test/e2e/annotations/{cors,ipallowlist,ipdenylist,auth,
 * limitrate}.go). The test client is 127.0.0.1.
 */
class AccessControlEndToEndTest {
  // openssl passwd -apr1 -salt saltsalt secret
  static final String APR1 = "$apr1$saltsalt$LrttParrLPdxvgutaSXWJ0";
  // {SHA} base64(sha1("secret"))
  static final String SHA = "{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=";
  static EchoBackend web;
  static EchoBackend slow;
  static Dataplane dataplane;

  private static Route route(String path, String backend, RouteSettings settings) {
    return new Route(PathType.PREFIX, path, backend, settings);
  }

  private static RouteSettings access(AccessControl access) {
    return RouteSettings.builder().access(access).build();
  }

  @BeforeAll
  static void start() throws Exception {
    web = EchoBackend.start("web", "127.0.0.1", EchoBackend.Mode.JSON, Duration.ZERO);
    slow = EchoBackend.start("slow", "127.0.0.2", EchoBackend.Mode.JSON, Duration.ofSeconds(1));
    String bcrypt = OpenBSDBCrypt.generate("2y", "hunter2".toCharArray(), new byte[16], 5);
    SecretValue users =
        new SecretValue("# users\nalice:" + APR1 + "\nbob:" + bcrypt + "\ncarol:" + SHA + "\n");
    dataplane = Dataplane.start(LOOPBACK, new DataplaneMetrics());
    dataplane.apply(
        snapshot(
            1,
            List.of(
                VirtualHost.builder("localhost")
                    .routes(
                        route(
                            "/allowed",
                            "web",
                            access(new AccessControl(null, List.of("127.0.0.0/8"), null, null))),
                        route(
                            "/elsewhere",
                            "web",
                            access(new AccessControl(null, List.of("10.0.0.0/8"), null, null))),
                        route(
                            "/denied",
                            "web",
                            access(
                                new AccessControl(
                                    List.of("127.0.0.1"), List.of("127.0.0.0/8"), null, null))),
                        route("/broken", "web", access(AccessControl.UNAVAILABLE)),
                        route(
                            "/auth",
                            "web",
                            access(
                                new AccessControl(null, null, new BasicAuth("Shop", users), null))),
                        route(
                            "/cors",
                            "web",
                            RouteSettings.builder()
                                .cors(
                                    new Cors(
                                        List.of("https://*.shop.test", "http://app.test:8080"),
                                        "GET, POST",
                                        null,
                                        "X-Total",
                                        false,
                                        600))
                                .build()),
                        route("/any", "web", RouteSettings.builder().cors(Cors.DEFAULTS).build()),
                        route(
                            "/limited",
                            "web",
                            RouteSettings.builder()
                                .rateLimit(new RateLimit("shop/web", null, 1, null, 2, null, null))
                                .build()),
                        route(
                            "/limited429",
                            "web",
                            RouteSettings.builder()
                                .rateLimit(new RateLimit("shop/other", null, 1, null, 0, null, 429))
                                .build()),
                        route(
                            "/exempt",
                            "web",
                            RouteSettings.builder()
                                .rateLimit(
                                    new RateLimit(
                                        "shop/exempt",
                                        1,
                                        null,
                                        null,
                                        0,
                                        List.of("127.0.0.1"),
                                        null))
                                .build()),
                        route(
                            "/one-at-a-time",
                            "slow",
                            RouteSettings.builder()
                                .rateLimit(
                                    new RateLimit("shop/slow", null, null, 1, null, null, null))
                                .build()))
                    .build(),
                VirtualHost.builder("locked.test")
                    .routes(
                        route(
                            "/",
                            "web",
                            access(
                                new AccessControl(
                                    null, List.of("10.0.0.0/8"), new BasicAuth("", users), null))))
                    .build()),
            List.of(
                Backend.of("web", List.of(web.endpoint())),
                Backend.of("slow", List.of(slow.endpoint())))));
  }

  @AfterAll
  static void stop() throws IOException {
    dataplane.close();
    web.close();
    slow.close();
  }

  static RawHttp.Response send(String method, String host, String target, String... headers)
      throws IOException {
    StringBuilder request =
        new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: " + host + "\r\n");
    for (String header : headers) {
      request.append(header).append("\r\n");
    }
    request.append("Content-Length: 0\r\nConnection: close\r\n\r\n");
    return RawHttp.exchange(dataplane.httpPort(), request.toString());
  }

  static RawHttp.Response get(String target, String... headers) throws IOException {
    return send("GET", "localhost", target, headers);
  }

  static String basic(String user, String password) {
    return "Authorization: Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  // ---------------------------------------------------------------- source ranges

  @Test
  void aClientInTheAllowlistIsServedAndOneOutsideItGets403() throws Exception {
    assertThat(get("/allowed").status()).isEqualTo(200);
    int before = web.requestCount();
    assertThat(get("/elsewhere").status()).isEqualTo(403);
    assertThat(web.requestCount()).isEqualTo(before);
  }

  @Test
  void theDenylistWinsOverTheAllowlist() throws Exception {
    assertThat(get("/denied").status()).isEqualTo(403);
  }

  @Test
  void unusableAccessRulesFailClosedWith503AndOtherPathsKeepWorking() throws Exception {
    assertThat(get("/broken").status()).isEqualTo(503);
    assertThat(get("/allowed").status()).isEqualTo(200);
  }

  @Test
  void acmeChallengesPassAllowlistsAndAuth() throws Exception {
    assertThat(send("GET", "locked.test", "/private").status()).isEqualTo(403);
    RawHttp.Response challenge = send("GET", "locked.test", "/.well-known/acme-challenge/tok");
    assertThat(challenge.status()).isEqualTo(200);
    assertThat(EchoBackend.Echo.parse(challenge.bodyText()).uri())
        .isEqualTo("/.well-known/acme-challenge/tok");
  }

  // ---------------------------------------------------------------- basic auth

  @Test
  void withoutCredentialsBasicAuthAnswers401WithTheRealm() throws Exception {
    RawHttp.Response response = get("/auth");
    assertThat(response.status()).isEqualTo(401);
    assertThat(response.header("www-authenticate")).isEqualTo("Basic realm=\"Shop\"");
    assertThat(get("/auth", basic("alice", "wrong")).status()).isEqualTo(401);
    assertThat(get("/auth", basic("nobody", "secret")).status()).isEqualTo(401);
    assertThat(get("/auth", "Authorization: Basic !!!").status()).isEqualTo(401);
  }

  @Test
  void apr1BcryptAndShaPasswordsAreAcceptedAndTheAuthorizationHeaderIsNotForwarded()
      throws Exception {
    for (String credentials :
        List.of(basic("alice", "secret"), basic("bob", "hunter2"), basic("carol", "secret"))) {
      for (int i = 0; i < 2; i++) {
        RawHttp.Response response = get("/auth/page", credentials);
        assertThat(response.status()).as(credentials).isEqualTo(200);
        assertThat(EchoBackend.Echo.parse(response.bodyText()).header("authorization")).isNull();
      }
    }
  }

  // ---------------------------------------------------------------- CORS

  @Test
  void aPreflightFromAnAllowedOriginIsAnswered204AndNeverProxied() throws Exception {
    int before = web.requestCount();
    RawHttp.Response preflight =
        send(
            "OPTIONS",
            "localhost",
            "/cors/items",
            "Origin: https://api.shop.test",
            "Access-Control-Request-Method: POST");
    assertThat(preflight.status()).isEqualTo(204);
    assertThat(preflight.header("access-control-allow-origin")).isEqualTo("https://api.shop.test");
    assertThat(preflight.header("access-control-allow-methods")).isEqualTo("GET, POST");
    assertThat(preflight.header("access-control-allow-headers")).isEqualTo(Cors.DEFAULT_HEADERS);
    assertThat(preflight.header("access-control-expose-headers")).isEqualTo("X-Total");
    assertThat(preflight.header("access-control-max-age")).isEqualTo("600");
    assertThat(preflight.header("access-control-allow-credentials")).isNull();
    assertThat(web.requestCount()).isEqualTo(before);
  }

  @Test
  void anAllowedOriginIsEchoedOnTheProxiedResponseAndAnotherGetsNoCorsHeaders() throws Exception {
    RawHttp.Response allowed = get("/cors/items", "Origin: http://app.test:8080");
    assertThat(allowed.status()).isEqualTo(200);
    assertThat(allowed.header("access-control-allow-origin")).isEqualTo("http://app.test:8080");
    for (String origin :
        List.of("https://evil.test", "https://a.b.shop.test", "http://app.test:8081")) {
      RawHttp.Response other = get("/cors/items", "Origin: " + origin);
      assertThat(other.status()).isEqualTo(200);
      assertThat(other.header("access-control-allow-origin")).as(origin).isNull();
    }
    int before = web.requestCount();
    assertThat(send("OPTIONS", "localhost", "/cors/x", "Origin: https://evil.test").status())
        .isEqualTo(200);
    assertThat(web.requestCount()).isEqualTo(before + 1);
  }

  @Test
  void theDefaultOriginIsAStarWithCredentialsAndIngressNginxsDefaults() throws Exception {
    RawHttp.Response response = get("/any");
    assertThat(response.header("access-control-allow-origin")).isEqualTo("*");
    assertThat(response.header("access-control-allow-credentials")).isEqualTo("true");
    assertThat(response.header("access-control-allow-methods")).isEqualTo(Cors.DEFAULT_METHODS);
    assertThat(response.header("access-control-max-age")).isEqualTo("1728000");
  }

  // ---------------------------------------------------------------- rate limits

  @Test
  void requestsBeyondRateAndBurstAre503() throws Exception {
    // limit-rpm 1 with a burst multiplier of 2: nginx's limit_req burst=2 nodelay lets 1 + 2 pass.
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      statuses.add(get("/limited").status());
    }
    assertThat(statuses.subList(0, 3)).containsOnly(200);
    assertThat(statuses.get(4)).isEqualTo(503);
  }

  @Test
  void theOverLimitStatusIsConfigurableAndAllowlistedClientsAreNeverLimited() throws Exception {
    assertThat(get("/limited429").status()).isEqualTo(200);
    assertThat(get("/limited429").status()).isEqualTo(429);
    for (int i = 0; i < 5; i++) {
      assertThat(get("/exempt").status()).isEqualTo(200);
    }
  }

  @Test
  void limitConnectionsRefusesASecondConcurrentRequestAndFreesItsSlotAtTheEnd() throws Exception {
    CompletableFuture<Integer> first =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return get("/one-at-a-time").status();
              } catch (IOException e) {
                throw new RuntimeException(e);
              }
            });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (slow.requestCount() == 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(get("/one-at-a-time").status()).isEqualTo(503);
    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(200);
    assertThat(get("/one-at-a-time").status()).isEqualTo(200);
  }
}
