package dev.weir.dataplane.proxy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Affinity;
import dev.weir.contract.snapshot.AffinityMode;
import dev.weir.contract.snapshot.Endpoint;
import dev.weir.contract.snapshot.SameSite;
import dev.weir.dataplane.balance.BackendEndpoints;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CookieAffinityTest {
  private static final Affinity BALANCED = Affinity.builder().build();
  private static final Affinity PERSISTENT =
      Affinity.builder().mode(AffinityMode.PERSISTENT).build();
  // 2015-10-21T07:28:00Z
  private static final long NOW = 1_445_412_480_000L;

  private static List<Endpoint> pods(int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> Endpoint.ready("10.0.0." + (i + 1), 8080))
        .toList();
  }

  /** One request through the policy: the endpoint it goes to, and the cookie it gets (or null). */
  private record Outcome(Endpoint endpoint, String setCookie) {}

  private static Outcome request(
      CookieAffinity affinity, BackendEndpoints endpoints, String cookie, Set<Endpoint> failed) {
    TestRequest request = new TestRequest();
    request.endpoints = endpoints;
    if (cookie != null) {
      request.headers.set("cookie", "other=1; INGRESSCOOKIE=" + cookie);
    }
    assertThat(affinity.apply(request)).isNull();
    Endpoint endpoint = request.selector.select(request.headers, Set.of());
    if (failed.contains(endpoint)) {
      endpoint = request.selector.select(request.headers, failed);
    }
    HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    request.hook.amend(response);
    return new Outcome(endpoint, response.headers().get("set-cookie"));
  }

  private static String value(String setCookie) {
    return setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
  }

  static Stream<Arguments> modes() {
    return Stream.of(Arguments.of(BALANCED), Arguments.of(PERSISTENT));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void aNewSessionGetsACookieThatBringsItBackToTheSameEndpoint(Affinity mode) {
    CookieAffinity affinity = new CookieAffinity(mode, "/app");
    BackendEndpoints endpoints = new BackendEndpoints("shop/web:80", pods(5));

    Outcome first = request(affinity, endpoints, null, Set.of());
    assertThat(first.setCookie()).startsWith("INGRESSCOOKIE=");
    assertThat(first.setCookie()).doesNotContain("10.0.0.");
    for (int i = 0; i < 20; i++) {
      Outcome next = request(affinity, endpoints, value(first.setCookie()), Set.of());
      assertThat(next.endpoint()).isEqualTo(first.endpoint());
      assertThat(next.setCookie()).isNull();
    }
    // Another replica compiles its own endpoints from the same snapshot.
    BackendEndpoints elsewhere = new BackendEndpoints("shop/web:80", pods(5));
    assertThat(request(affinity, elsewhere, value(first.setCookie()), Set.of()).endpoint())
        .isEqualTo(first.endpoint());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void aGarbageCookieIsServedAndReplaced(Affinity mode) {
    CookieAffinity affinity = new CookieAffinity(mode, "/");
    BackendEndpoints endpoints = new BackendEndpoints("shop/web:80", pods(3));
    for (String garbage : List.of("", "x", "10.0.0.1:8080", "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ")) {
      Outcome outcome = request(affinity, endpoints, garbage, Set.of());
      assertThat(outcome.endpoint()).isNotNull();
      assertThat(outcome.setCookie()).startsWith("INGRESSCOOKIE=");
      assertThat(value(outcome.setCookie())).isNotEqualTo(garbage);
    }
  }

  @Test
  void aPersistentSessionWhoseEndpointLeftMovesAndGetsANewCookie() {
    CookieAffinity affinity = new CookieAffinity(PERSISTENT, "/");
    List<Endpoint> pods = pods(3);
    BackendEndpoints before = new BackendEndpoints("shop/web:80", pods);
    String cookie = before.digest(pods.get(0));
    assertThat(request(affinity, before, cookie, Set.of()).endpoint()).isEqualTo(pods.get(0));

    BackendEndpoints after = new BackendEndpoints("shop/web:80", pods.subList(1, 3));
    Outcome moved = request(affinity, after, cookie, Set.of());
    assertThat(moved.endpoint()).isIn(pods.get(1), pods.get(2));
    assertThat(value(moved.setCookie())).isEqualTo(after.digest(moved.endpoint()));
  }

  @Test
  void aPersistentSessionStaysWhateverIsAdded() {
    CookieAffinity affinity = new CookieAffinity(PERSISTENT, "/");
    BackendEndpoints ten = new BackendEndpoints("shop/web:80", pods(10));
    BackendEndpoints twenty = new BackendEndpoints("shop/web:80", pods(20));
    for (Endpoint pod : pods(10)) {
      assertThat(request(affinity, twenty, ten.digest(pod), Set.of()).endpoint()).isEqualTo(pod);
    }
  }

  @Test
  void balancedMovesOnlyAMinorityOfSessionsWhenAnEndpointIsAdded() {
    CookieAffinity affinity = new CookieAffinity(BALANCED, "/");
    BackendEndpoints ten = new BackendEndpoints("shop/web:80", pods(10));
    BackendEndpoints eleven = new BackendEndpoints("shop/web:80", pods(11));
    Map<String, Endpoint> sessions = new HashMap<>();
    for (int i = 0; i < 1000; i++) {
      Outcome outcome = request(affinity, ten, null, Set.of());
      sessions.put(value(outcome.setCookie()), outcome.endpoint());
    }
    int moved = 0;
    for (Map.Entry<String, Endpoint> session : sessions.entrySet()) {
      Outcome outcome = request(affinity, eleven, session.getKey(), Set.of());
      assertThat(outcome.setCookie()).isNull();
      if (!outcome.endpoint().equals(session.getValue())) {
        moved++;
      }
    }
    assertThat(moved).isBetween(1, 199);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void withChangeOnFailureTheCookieFollowsTheRetry(Affinity mode) {
    Affinity changing =
        new Affinity(mode.mode(), null, null, null, null, null, null, null, null, Boolean.TRUE);
    BackendEndpoints endpoints = new BackendEndpoints("shop/web:80", pods(4));
    Outcome first = request(new CookieAffinity(changing, "/"), endpoints, null, Set.of());
    String cookie = value(first.setCookie());

    Outcome retried =
        request(new CookieAffinity(changing, "/"), endpoints, cookie, Set.of(first.endpoint()));
    assertThat(retried.endpoint()).isNotEqualTo(first.endpoint());
    assertThat(retried.setCookie()).isNotNull();
    assertThat(
            request(
                    new CookieAffinity(changing, "/"),
                    endpoints,
                    value(retried.setCookie()),
                    Set.of())
                .endpoint())
        .isEqualTo(retried.endpoint());

    Outcome kept =
        request(new CookieAffinity(mode, "/"), endpoints, cookie, Set.of(first.endpoint()));
    assertThat(kept.endpoint()).isNotEqualTo(first.endpoint());
    assertThat(kept.setCookie()).as("without change-on-failure the cookie stays").isNull();
  }

  static Stream<Arguments> cookies() {
    return Stream.of(
        Arguments.of(
            "defaults on plain HTTP",
            Affinity.builder().build(),
            false,
            null,
            "INGRESSCOOKIE=k; Path=/app; HttpOnly"),
        Arguments.of(
            "Secure on HTTPS",
            Affinity.builder().build(),
            true,
            null,
            "INGRESSCOOKIE=k; Path=/app; Secure; HttpOnly"),
        Arguments.of(
            "every attribute",
            Affinity.builder()
                .cookieName("route")
                .cookiePath("/")
                .cookieDomain("example.com")
                .maxAgeSeconds(3600L)
                .expiresSeconds(60L)
                .sameSite(SameSite.STRICT)
                .secure(true)
                .build(),
            false,
            null,
            "route=k; Expires=Wed, 21 Oct 2015 07:29:00 GMT; Max-Age=3600; Domain=example.com;"
                + " Path=/; Secure; HttpOnly; SameSite=Strict"),
        Arguments.of(
            "SameSite=None for a compatible browser",
            Affinity.builder().sameSite(SameSite.NONE).conditionalSameSiteNone(true).build(),
            true,
            "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36",
            "INGRESSCOOKIE=k; Path=/app; Secure; HttpOnly; SameSite=None"),
        Arguments.of(
            "no SameSite=None for Chrome 51 with conditional None",
            Affinity.builder().sameSite(SameSite.NONE).conditionalSameSiteNone(true).build(),
            true,
            "Mozilla/5.0 Chrome/51.0.2704.103 Safari/537.36",
            "INGRESSCOOKIE=k; Path=/app; Secure; HttpOnly"),
        Arguments.of(
            "SameSite=None for Chrome 51 without conditional None",
            Affinity.builder().sameSite(SameSite.NONE).build(),
            true,
            "Mozilla/5.0 Chrome/51.0.2704.103 Safari/537.36",
            "INGRESSCOOKIE=k; Path=/app; Secure; HttpOnly; SameSite=None"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cookies")
  void theCookieCarriesTheConfiguredAttributesAndIsAlwaysHttpOnly(
      String name, Affinity affinity, boolean https, String userAgent, String expected) {
    assertThat(new CookieAffinity(affinity, "/app").setCookie("k", https, userAgent, NOW))
        .isEqualTo(expected);
  }

  static Stream<Arguments> userAgents() {
    return Stream.of(
        Arguments.of(null, true),
        Arguments.of("Mozilla/5.0 (Windows NT 10.0) Chrome/79.0 Safari/537.36", true),
        Arguments.of("Mozilla/5.0 Chrome/66.0.3359 Safari/537.36", false),
        Arguments.of("Mozilla/5.0 (iPhone; CPU iPhone OS 12_0 like Mac OS X)", false),
        Arguments.of("Mozilla/5.0 (iPad; CPU OS 12_1 like Mac OS X)", false),
        Arguments.of(
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_6) Version/12.1 Safari/605.1.15", false),
        Arguments.of(
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_6) Chrome/90.0 Safari/537.36", true),
        Arguments.of("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Safari/605.1.15", true));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("userAgents")
  void sameSiteNoneCompatibilityFollowsIngressNginxsList(String userAgent, boolean compatible) {
    assertThat(CookieAffinity.sameSiteNoneCompatible(userAgent)).isEqualTo(compatible);
  }
}
