package dev.weir.dataplane;

import static dev.weir.dataplane.TestSnapshots.LOOPBACK;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Affinity;
import dev.weir.contract.snapshot.AffinityMode;
import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.Canary;
import dev.weir.contract.snapshot.Route;
import dev.weir.contract.snapshot.RouteSettings;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.VirtualHost;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.testing.EchoBackend;
import dev.weir.dataplane.testing.EchoBackend.Echo;
import dev.weir.dataplane.testing.RawHttp;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Canaries through real sockets, with two real backends: the header, cookie and weight rules and
 * their precedence as ingress-nginx's balancer applies them, and sessions that stay on their side.
 */
class CanaryEndToEndTest {
  static EchoBackend main;
  static EchoBackend canary;
  static Dataplane dataplane;

  private static Route route(String path, Canary.Builder canary) {
    return Route.prefix(path, "main").withCanary(canary.build());
  }

  private static Canary.Builder toCanary() {
    return Canary.builder("canary");
  }

  @BeforeAll
  static void start() throws Exception {
    main = EchoBackend.start("main");
    canary = EchoBackend.start("canary");
    Affinity affinity = Affinity.builder().mode(AffinityMode.BALANCED).build();
    Snapshot snapshot =
        TestSnapshots.snapshot(
            1,
            List.of(
                VirtualHost.builder("shop.test")
                    .routes(
                        Route.prefix("/plain", "main"),
                        route("/header", toCanary().header("X-Canary")),
                        route(
                            "/value",
                            toCanary().header("X-Canary").headerValue("beta").weight(100)),
                        route(
                            "/pattern",
                            toCanary().header("X-Canary").headerPattern("^beta-[0-9]+$")),
                        route("/cookie", toCanary().cookie("canary")),
                        route("/w0", toCanary()),
                        route("/w100", toCanary().weight(100)),
                        route("/w30", toCanary().weight(30)),
                        route("/w3of1000", toCanary().weight(3).weightTotal(1000)),
                        route(
                            "/precedence",
                            toCanary().header("X-Canary").cookie("canary").weight(100)),
                        route("/sticky", toCanary().header("X-Canary").weight(50))
                            .withSettings(RouteSettings.builder().affinity(affinity).build()))
                    .build()),
            List.of(
                Backend.of("main", List.of(main.endpoint())),
                Backend.of("canary", List.of(canary.endpoint()))));
    dataplane = Dataplane.start(LOOPBACK, new DataplaneMetrics());
    dataplane.apply(snapshot);
  }

  @AfterAll
  static void stop() {
    dataplane.close();
    main.close();
    canary.close();
  }

  private record Answer(String pod, String setCookie) {}

  private static Answer get(String path, String... headers) throws IOException {
    StringBuilder request =
        new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\nHost: shop.test\r\n");
    for (String header : headers) {
      request.append(header).append("\r\n");
    }
    RawHttp.Response response =
        RawHttp.exchange(
            dataplane.httpPort(), request.append("Connection: close\r\n\r\n").toString());
    assertThat(response.status()).as(response.bodyText()).isEqualTo(200);
    return new Answer(Echo.parse(response.bodyText()).instance(), response.header("set-cookie"));
  }

  private static String pod(String path, String... headers) throws IOException {
    return get(path, headers).pod();
  }

  @Test
  void aRouteWithoutCanaryIsUntouched() throws IOException {
    assertThat(pod("/plain", "X-Canary: always", "Cookie: canary=always")).isEqualTo("main");
  }

  @Test
  void headerAlwaysAndNeverAndOtherValues() throws IOException {
    assertThat(pod("/header", "X-Canary: always")).isEqualTo("canary");
    assertThat(pod("/header", "x-canary: always"))
        .as("header names ignore case")
        .isEqualTo("canary");
    assertThat(pod("/header", "X-Canary: never")).isEqualTo("main");
    assertThat(pod("/header", "X-Canary: Always")).as("values do not").isEqualTo("main");
    assertThat(pod("/header", "X-Canary: yes")).isEqualTo("main");
    assertThat(pod("/header")).isEqualTo("main");
  }

  @Test
  void headerValueSelectsTheCanaryAndNeverIsNotSpecialThen() throws IOException {
    assertThat(pod("/value", "X-Canary: beta")).isEqualTo("canary");
    // With a value given, "never" is just another value: the weight (100) decides.
    assertThat(pod("/value", "X-Canary: never")).isEqualTo("canary");
    assertThat(pod("/value", "X-Canary: always")).isEqualTo("canary");
  }

  @Test
  void headerPatternMatchesAnywhereCaseSensitively() throws IOException {
    assertThat(pod("/pattern", "X-Canary: beta-42")).isEqualTo("canary");
    assertThat(pod("/pattern", "X-Canary: BETA-42")).isEqualTo("main");
    assertThat(pod("/pattern", "X-Canary: beta-42x")).isEqualTo("main");
    assertThat(pod("/pattern", "X-Canary: always"))
        .as("no always with a pattern")
        .isEqualTo("main");
  }

  @Test
  void cookieAlwaysAndNever() throws IOException {
    assertThat(pod("/cookie", "Cookie: theme=dark; canary=always")).isEqualTo("canary");
    assertThat(pod("/cookie", "Cookie: canary=never")).isEqualTo("main");
    assertThat(pod("/cookie", "Cookie: canary=sometimes")).isEqualTo("main");
    assertThat(pod("/cookie")).isEqualTo("main");
  }

  @Test
  void weightZeroNeverAndWeightOfTheTotalAlways() throws IOException {
    for (int i = 0; i < 20; i++) {
      assertThat(pod("/w0")).isEqualTo("main");
      assertThat(pod("/w100")).isEqualTo("canary");
    }
  }

  @Test
  void weightSplitsRequestsAtRandom() throws IOException {
    int toCanary = 0;
    int thousandthsToCanary = 0;
    for (int i = 0; i < 1000; i++) {
      toCanary += pod("/w30").equals("canary") ? 1 : 0;
      thousandthsToCanary += pod("/w3of1000").equals("canary") ? 1 : 0;
    }
    // 30% of 1000: the mean 300, standard deviation 14.5; the band is over 6 of them each way.
    assertThat(toCanary).isBetween(200, 400);
    // 3 in 1000 over 1000 requests: the mean 3; 25 or more is beyond any chance.
    assertThat(thousandthsToCanary).isBetween(0, 25);
  }

  @Test
  void headerThenCookieThenWeight() throws IOException {
    // never on the header skips the cookie and the weight
    assertThat(pod("/precedence", "X-Canary: never", "Cookie: canary=always")).isEqualTo("main");
    // an ignored header value leaves it to the cookie, whose never skips the weight
    assertThat(pod("/precedence", "X-Canary: maybe", "Cookie: canary=never")).isEqualTo("main");
    assertThat(pod("/precedence", "X-Canary: always", "Cookie: canary=never")).isEqualTo("canary");
    // neither: the weight (100)
    assertThat(pod("/precedence", "X-Canary: maybe", "Cookie: canary=maybe")).isEqualTo("canary");
  }

  @Test
  void anAffinitySessionStaysOnItsBackendBeforeAnyRule() throws IOException {
    Answer onMain = get("/sticky", "X-Canary: never");
    Answer onCanary = get("/sticky", "X-Canary: always");
    assertThat(onMain.pod()).isEqualTo("main");
    assertThat(onCanary.pod()).isEqualTo("canary");
    String mainCookie = cookie(onMain.setCookie());
    String canaryCookie = cookie(onCanary.setCookie());
    assertThat(mainCookie).contains("|").isNotEqualTo(canaryCookie);
    for (int i = 0; i < 10; i++) {
      Answer staying = get("/sticky", "X-Canary: always", "Cookie: INGRESSCOOKIE=" + mainCookie);
      assertThat(staying.pod()).isEqualTo("main");
      assertThat(staying.setCookie()).isNull();
      assertThat(pod("/sticky", "X-Canary: never", "Cookie: INGRESSCOOKIE=" + canaryCookie))
          .isEqualTo("canary");
    }
    // A cookie from before the route had a canary names the session, and is tagged on the way.
    String untagged = mainCookie.substring(0, mainCookie.indexOf('|'));
    Answer retagged = get("/sticky", "X-Canary: never", "Cookie: INGRESSCOOKIE=" + untagged);
    assertThat(retagged.pod()).isEqualTo("main");
    assertThat(cookie(retagged.setCookie())).isEqualTo(mainCookie);
  }

  private static String cookie(String setCookie) {
    assertThat(setCookie).startsWith("INGRESSCOOKIE=");
    return setCookie.substring("INGRESSCOOKIE=".length(), setCookie.indexOf(';'));
  }
}
