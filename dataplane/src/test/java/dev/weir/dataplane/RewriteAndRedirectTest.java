package dev.weir.dataplane;

import static dev.weir.dataplane.TestSnapshots.LOOPBACK;
import static dev.weir.dataplane.TestSnapshots.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.PathType;
import dev.weir.contract.snapshot.Redirect;
import dev.weir.contract.snapshot.Rewrite;
import dev.weir.contract.snapshot.Route;
import dev.weir.contract.snapshot.RouteSettings;
import dev.weir.contract.snapshot.VirtualHost;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.testing.EchoBackend;
import dev.weir.dataplane.testing.RawHttp;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Regex routes, rewrites and redirects end to end through real sockets, with the expectations of
 * ingress-nginx's e2e tests (test/e2e/annotations/rewrite.go, approot.go, redirect.go).
 */
class RewriteAndRedirectTest {
  static EchoBackend web;
  static EchoBackend other;
  static Dataplane dataplane;

  private static Route regex(String path, String backend, RouteSettings settings) {
    return new Route(PathType.PREFIX, path, backend, settings, null).withRegex(true);
  }

  private static RouteSettings rewrite(String target, String prefix) {
    return RouteSettings.builder().rewrite(new Rewrite(target, prefix, null)).build();
  }

  @BeforeAll
  static void start() throws Exception {
    web = EchoBackend.start("web", "127.0.0.1", EchoBackend.Mode.JSON, Duration.ZERO);
    other = EchoBackend.start("other", "127.0.0.2", EchoBackend.Mode.JSON, Duration.ZERO);
    dataplane = Dataplane.start(LOOPBACK, new DataplaneMetrics());
    dataplane.apply(
        snapshot(
            1,
            List.of(
                VirtualHost.builder("rewrite.test")
                    .routes(
                        regex("/something(/|$)(.*)", "web", rewrite("/$2", "/something")),
                        regex("/foo/bar/bar", "other", RouteSettings.NONE),
                        regex("/foo/bar/[a-z]{3}", "web", rewrite("/new/backend", null)),
                        regex("/away/(.*)", "web", rewrite("https://elsewhere.test/$1", null)),
                        new Route(PathType.EXACT, "/exact", "other", RouteSettings.NONE, null)
                            .withRegex(true),
                        regex("/", "other", RouteSettings.NONE))
                    .build(),
                VirtualHost.builder("evil.test")
                    .routes(regex("/(a+)+$", "web", RouteSettings.NONE))
                    .build(),
                VirtualHost.builder("redirect.test")
                    .routes(
                        Route.prefix("/plain", "web"),
                        new Route(
                            PathType.PREFIX,
                            "/moved",
                            "web",
                            RouteSettings.builder()
                                .redirect(new Redirect("https://new.test/landing", 301))
                                .build()),
                        new Route(
                            PathType.PREFIX,
                            "/",
                            "web",
                            RouteSettings.builder()
                                .rewrite(new Rewrite(null, null, "/app1"))
                                .build()))
                    .build()),
            List.of(
                Backend.of("web", List.of(web.endpoint())),
                Backend.of("other", List.of(other.endpoint())))));
  }

  @AfterAll
  static void stop() throws IOException {
    dataplane.close();
    web.close();
    other.close();
  }

  static RawHttp.Response get(String host, String target) throws IOException {
    return RawHttp.exchange(
        dataplane.httpPort(),
        "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
  }

  static EchoBackend.Echo echo(RawHttp.Response response) throws IOException {
    assertThat(response.status()).isEqualTo(200);
    return EchoBackend.Echo.parse(response.bodyText());
  }

  @Test
  void rewriteTargetSubstitutesCaptureGroupsAndKeepsTheQuery() throws Exception {
    assertThat(echo(get("rewrite.test", "/something/new")).uri()).isEqualTo("/new");
    assertThat(echo(get("rewrite.test", "/something")).uri()).isEqualTo("/");
    assertThat(echo(get("rewrite.test", "/something/a/b?x=1")).uri()).isEqualTo("/a/b?x=1");
    EchoBackend.Echo prefixed = echo(get("rewrite.test", "/something/new"));
    assertThat(prefixed.instance()).isEqualTo("web");
    assertThat(prefixed.header("x-forwarded-prefix")).isEqualTo("/something");
  }

  @Test
  void regexRoutesAreCaseInsensitiveAndAnchoredAtTheStartOnly() throws Exception {
    assertThat(echo(get("rewrite.test", "/SOMETHING/New")).uri()).isEqualTo("/New");
    // "/somethingelse" does not match "/something(/|$)": it falls to "/".
    EchoBackend.Echo fallen = echo(get("rewrite.test", "/somethingelse"));
    assertThat(fallen.instance()).isEqualTo("other");
    assertThat(fallen.uri()).isEqualTo("/somethingelse");
    // An Exact path on a regex host is nginx's ~* "^/exact": a prefix.
    assertThat(echo(get("rewrite.test", "/exact/more")).instance()).isEqualTo("other");
  }

  @Test
  void theLongestRegexPathIsTriedFirstAsIngressNginxOrdersLocations() throws Exception {
    // ingress-nginx's "should fail to use longest match for documented warning": the longer
    // regex wins over the literal path it also matches.
    EchoBackend.Echo echo = echo(get("rewrite.test", "/foo/bar/bar"));
    assertThat(echo.instance()).isEqualTo("web");
    assertThat(echo.uri()).isEqualTo("/new/backend");
  }

  @Test
  void anAbsoluteTargetIsA302WithTheQueryAppended() throws Exception {
    RawHttp.Response response = get("rewrite.test", "/away/x/y?q=1");
    assertThat(response.status()).isEqualTo(302);
    assertThat(response.header("location")).isEqualTo("https://elsewhere.test/x/y?q=1");
  }

  @Test
  void aFixedRedirectAnswersEveryRequestOfThePathWithoutItsPathOrQuery() throws Exception {
    int before = web.requestCount();
    RawHttp.Response response = get("redirect.test", "/moved/deep?x=1");
    assertThat(response.status()).isEqualTo(301);
    assertThat(response.header("location")).isEqualTo("https://new.test/landing");
    assertThat(web.requestCount()).isEqualTo(before);
  }

  @Test
  void appRootRedirectsOnlyTheRoot() throws Exception {
    RawHttp.Response root = get("redirect.test", "/");
    assertThat(root.status()).isEqualTo(302);
    assertThat(root.header("location")).isEqualTo("http://redirect.test/app1");
    assertThat(get("redirect.test", "/?a=b").status()).isEqualTo(302);
    assertThat(echo(get("redirect.test", "/app1")).uri()).isEqualTo("/app1");
    assertThat(echo(get("redirect.test", "/plain")).uri()).isEqualTo("/plain");
  }

  @Test
  void aCatastrophicallyBacktrackingPatternMatchesInLinearTime() throws Exception {
    // java.util.regex takes exponential time on this path; RE2 answers at once.
    long start = System.nanoTime();
    RawHttp.Response response = get("evil.test", "/" + "a".repeat(4000) + "!");
    assertThat(response.status()).isEqualTo(404);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    assertThat(echo(get("evil.test", "/aaaa")).instance()).isEqualTo("web");
  }
}
