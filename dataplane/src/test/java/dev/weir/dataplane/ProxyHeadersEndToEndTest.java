package dev.weir.dataplane;

import static dev.weir.dataplane.TestSnapshots.LOOPBACK;
import static dev.weir.dataplane.TestSnapshots.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.HeaderRewrite;
import dev.weir.contract.snapshot.PathType;
import dev.weir.contract.snapshot.ProxyHeaders;
import dev.weir.contract.snapshot.Route;
import dev.weir.contract.snapshot.RouteSettings;
import dev.weir.contract.snapshot.VirtualHost;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.testing.EchoBackend;
import dev.weir.dataplane.testing.RawHttp;
import dev.weir.dataplane.testing.ScriptedPod;
import dev.weir.dataplane.testing.ScriptedPod.Answer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * upstream-vhost, custom-headers, proxy-redirect-from/-to and proxy-cookie-domain/-path end to end
 * through real sockets, over HTTP/1.1 and HTTP/2, as nginx's proxy_set_header Host,
 * more_set_headers, proxy_redirect and proxy_cookie_* write them.
 */
class ProxyHeadersEndToEndTest {
  static final String LOGIN =
      "HTTP/1.1 302 Found\r\n"
          + "Location: http://internal.svc:8080/app/home?x=1\r\n"
          + "Refresh: 5; URL=http://internal.svc:8080/app/later\r\n"
          + "Set-Cookie: sid=1; Domain=.Internal.SVC; Path=/app/cart; HttpOnly\r\n"
          + "Set-Cookie: theme=dark; path=/elsewhere; domain=other.test\r\n"
          + "X-Frame-Options: SAMEORIGIN\r\n"
          + "Content-Length: 0\r\n\r\n";

  static LocalhostTls tls;
  static ScriptedPod pod;
  static EchoBackend echo;
  static Dataplane dataplane;

  private static RouteSettings with(ProxyHeaders headers) {
    return RouteSettings.builder().proxyHeaders(headers).build();
  }

  @BeforeAll
  static void start() throws Exception {
    tls = LocalhostTls.create();
    pod = ScriptedPod.start("127.0.0.1");
    for (int i = 0; i < 8; i++) {
      pod.answer("/login" + i, Answer.of(LOGIN));
    }
    echo = EchoBackend.start("echo", "127.0.0.2", EchoBackend.Mode.JSON, Duration.ZERO);
    ProxyHeaders rewrites =
        new ProxyHeaders(
            null,
            Map.of("X-Frame-Options", "DENY", "X-Custom", "$remote_addr"),
            null,
            new HeaderRewrite("http://internal.svc:8080/app/", "/"),
            new HeaderRewrite("internal.svc", "example.org"),
            new HeaderRewrite("/app/", "/"));
    dataplane = Dataplane.start(LOOPBACK, new DataplaneMetrics(), tls.everyName());
    dataplane.apply(
        snapshot(
            1,
            List.of(
                VirtualHost.builder("localhost")
                    .routes(
                        new Route(PathType.PREFIX, "/", "pod", with(rewrites), null),
                        new Route(
                            PathType.PREFIX,
                            "/vhost",
                            "echo",
                            with(
                                new ProxyHeaders(
                                    "upstream.internal", null, null, null, null, null)),
                            null),
                        new Route(
                            PathType.PREFIX,
                            "/denied",
                            "echo",
                            with(ProxyHeaders.UNAVAILABLE),
                            null),
                        new Route(
                            PathType.PREFIX,
                            "/regex",
                            "pod",
                            with(
                                new ProxyHeaders(
                                    null,
                                    null,
                                    null,
                                    new HeaderRewrite("~internal\\.svc", "/moved"),
                                    null,
                                    null)),
                            null))
                    .build(),
                VirtualHost.builder("plain.test").routes(Route.prefix("/", "pod")).build()),
            List.of(
                Backend.of("pod", List.of(pod.endpoint())),
                Backend.of("echo", List.of(echo.endpoint())))));
  }

  @AfterAll
  static void stop() throws IOException {
    dataplane.close();
    pod.close();
    echo.close();
  }

  static RawHttp.Response get(String host, String target) throws IOException {
    return RawHttp.exchange(
        dataplane.httpPort(),
        "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
  }

  @Test
  void locationRefreshAndCookiesAreRewrittenAndHeadersSetOverHttp1() throws Exception {
    RawHttp.Response response = get("LocalHost:" + dataplane.httpPort(), "/login0");
    assertThat(response.status()).isEqualTo(302);
    // Made relative by the rewrite, then absolute with the request's scheme and host, no port.
    assertThat(response.header("location")).isEqualTo("http://localhost/home?x=1");
    assertThat(response.header("refresh")).isEqualTo("5; URL=/later");
    assertThat(response.headers().get("set-cookie"))
        .containsExactly(
            "sid=1; Domain=.example.org; Path=/cart; HttpOnly",
            "theme=dark; path=/elsewhere; domain=other.test");
    assertThat(response.headers().get("x-frame-options")).containsExactly("DENY");
    // A literal value: nginx's $ is escaped by ingress-nginx.
    assertThat(response.header("x-custom")).isEqualTo("$remote_addr");
  }

  private static HttpResponse<String> overHttp2(HttpClient client, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("https://localhost:" + dataplane.httpsPort() + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theSameOverHttp2() throws Exception {
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(tls.client())
            .version(HttpClient.Version.HTTP_2)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    HttpResponse<String> response = overHttp2(client, "/login1");
    assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(response.statusCode()).isEqualTo(302);
    assertThat(response.headers().firstValue("location")).contains("https://localhost/home?x=1");
    assertThat(response.headers().allValues("set-cookie"))
        .contains("sid=1; Domain=.example.org; Path=/cart; HttpOnly");
    assertThat(response.headers().allValues("x-frame-options")).containsExactly("DENY");

    EchoBackend.Echo seen = EchoBackend.Echo.parse(overHttp2(client, "/vhost").body());
    assertThat(seen.headers().get("host")).containsExactly("upstream.internal");
  }

  @Test
  void upstreamVhostIsTheHostThePodSeesWhileXForwardedHostKeepsTheClients() throws Exception {
    EchoBackend.Echo seen = EchoBackend.Echo.parse(get("localhost", "/vhost/a").bodyText());
    assertThat(seen.headers().get("host")).containsExactly("upstream.internal");
    assertThat(seen.headers().get("x-forwarded-host")).containsExactly("localhost");
  }

  @Test
  void aDeniedRouteAnswers503WithoutProxying() throws Exception {
    assertThat(get("localhost", "/denied").status()).isEqualTo(503);
  }

  @Test
  void aRegexFromReplacesTheWholeValueAndRoutesWithoutSettingsAreUntouched() throws Exception {
    pod.answer("/regex", Answer.of(LOGIN));
    RawHttp.Response regex = get("localhost", "/regex");
    assertThat(regex.header("location")).isEqualTo("http://localhost/moved");
    assertThat(regex.header("refresh")).isEqualTo("5; URL=/moved");
    assertThat(regex.headers().get("set-cookie"))
        .hasSize(2)
        .first()
        .asString()
        .contains("Internal.SVC");

    RawHttp.Response plain = get("plain.test", "/login2");
    assertThat(plain.header("location")).isEqualTo("http://internal.svc:8080/app/home?x=1");
    assertThat(plain.headers().get("x-frame-options")).containsExactly("SAMEORIGIN");
  }
}
