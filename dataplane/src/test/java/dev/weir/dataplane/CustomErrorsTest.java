package dev.weir.dataplane;

import static dev.weir.dataplane.TestSnapshots.LOOPBACK;
import static dev.weir.dataplane.TestSnapshots.snapshot;
import static dev.weir.dataplane.TestSnapshots.withDefaultBackend;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.CustomErrors;
import dev.weir.contract.snapshot.PathType;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * custom-http-errors and default-backend end to end through real sockets, as ingress-nginx's {@code
 * error_page code = @custom_...} locations behave: the pod's listed answers are replaced by the
 * error backend's answer (asked for {@code /} with the X-Code family of headers) relayed as it
 * comes, over HTTP/1.1 and HTTP/2; a Service without endpoints falls back to the default-backend.
 */
class CustomErrorsTest {
  static final String NOT_FOUND =
      "HTTP/1.1 404 Not Found\r\nContent-Length: 11\r\nContent-Type: text/plain\r\n\r\npod's 404\r\n";
  static final String SERVER_ERROR =
      "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 9\r\n\r\npod's 500";
  static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\npod's ok";

  static LocalhostTls tls;
  static ScriptedPod pod;
  static EchoBackend errors;
  static EchoBackend fallback;
  static Dataplane dataplane;

  private static RouteSettings errors(List<Integer> codes, String backend) {
    return RouteSettings.builder()
        .customErrors(new CustomErrors(codes, backend, "web", "http"))
        .build();
  }

  @BeforeAll
  static void start() throws Exception {
    tls = LocalhostTls.create();
    pod =
        ScriptedPod.start("127.0.0.1")
            .answer("/missing", Answer.of(NOT_FOUND))
            .answer("/missing?page=2", Answer.of(NOT_FOUND))
            .answer("/missing?h2", Answer.of(NOT_FOUND))
            .answer("/gone-errors/missing", Answer.of(NOT_FOUND))
            .answer("/broken", Answer.of(SERVER_ERROR))
            .answer("/fine", Answer.of(OK));
    errors = EchoBackend.start("errors", "127.0.0.2", EchoBackend.Mode.JSON, Duration.ZERO);
    fallback = EchoBackend.start("global", "127.0.0.3", EchoBackend.Mode.JSON, Duration.ZERO);
    dataplane = Dataplane.start(LOOPBACK, new DataplaneMetrics(), tls.everyName());
    dataplane.apply(
        withDefaultBackend(
            snapshot(
                1,
                List.of(
                    VirtualHost.builder("localhost")
                        .routes(
                            new Route(
                                PathType.PREFIX,
                                "/",
                                "pod",
                                errors(List.of(404, 503), "shop/errors"),
                                "shop/web"))
                        .build(),
                    VirtualHost.builder("empty.test")
                        .routes(
                            new Route(
                                PathType.PREFIX,
                                "/",
                                "none",
                                errors(List.of(), "shop/errors"),
                                "shop/empty"))
                        .build(),
                    VirtualHost.builder("global.test")
                        .routes(
                            new Route(
                                PathType.PREFIX,
                                "/",
                                "none",
                                errors(List.of(503), null),
                                "shop/global"),
                            new Route(
                                PathType.PREFIX,
                                "/gone-errors",
                                "pod",
                                errors(List.of(404), "shop/no-pods"),
                                "shop/global"))
                        .build(),
                    VirtualHost.builder("plain.test").routes(Route.prefix("/", "pod")).build()),
                List.of(
                    Backend.of("pod", List.of(pod.endpoint())),
                    Backend.of("none", List.of()),
                    Backend.of("shop/no-pods", List.of()),
                    Backend.of("shop/errors", List.of(errors.endpoint())),
                    Backend.of("global", List.of(fallback.endpoint())))),
            "global"));
  }

  @AfterAll
  static void stop() throws IOException {
    dataplane.close();
    pod.close();
    errors.close();
    fallback.close();
  }

  static RawHttp.Response get(String host, String target, String extraHeaders) throws IOException {
    return RawHttp.exchange(
        dataplane.httpPort(),
        "GET "
            + target
            + " HTTP/1.1\r\nHost: "
            + host
            + "\r\n"
            + extraHeaders
            + "Connection: close\r\n\r\n");
  }

  @Test
  void aListedStatusIsAnsweredByTheErrorBackendWithIngressNginxsHeaders() throws Exception {
    RawHttp.Response response =
        get(
            "localhost",
            "/missing?page=2",
            "Accept: application/json\r\nX-Code: 999\r\nX-Forwarded-For: 203.0.113.9\r\n");
    // The error pod answered 200: the client still learns the page was not found.
    assertThat(response.status()).isEqualTo(404);
    assertThat(response.header("x-echo-instance")).isEqualTo("errors");
    EchoBackend.Echo echo = EchoBackend.Echo.parse(response.bodyText());
    assertThat(echo.method()).isEqualTo("GET");
    assertThat(echo.uri()).isEqualTo("/");
    assertThat(echo.headers().get("x-code")).containsExactly("404");
    assertThat(echo.headers().get("x-format")).containsExactly("application/json");
    assertThat(echo.headers().get("x-original-uri")).containsExactly("/missing?page=2");
    assertThat(echo.headers().get("x-namespace")).containsExactly("shop");
    assertThat(echo.headers().get("x-ingress-name")).containsExactly("web");
    assertThat(echo.headers().get("x-service-name")).containsExactly("web");
    assertThat(echo.headers().get("x-service-port")).containsExactly("http");
    assertThat(echo.headers().get("x-request-id")).hasSize(1);
    assertThat(echo.headers().get("x-request-id").get(0)).matches("[0-9a-f]{32}");
    assertThat(echo.headers().get("x-forwarded-for")).containsExactly("127.0.0.1");
    assertThat(echo.headers().get("host")).containsExactly("localhost");
  }

  @Test
  void withoutAcceptThereIsNoXFormatAndUnlistedStatusesPassThrough() throws Exception {
    EchoBackend.Echo echo = EchoBackend.Echo.parse(get("localhost", "/missing", "").bodyText());
    assertThat(echo.headers()).doesNotContainKey("x-format");

    RawHttp.Response broken = get("localhost", "/broken", "");
    assertThat(broken.status()).isEqualTo(500);
    assertThat(broken.bodyText()).isEqualTo("pod's 500");
    RawHttp.Response fine = get("localhost", "/fine", "");
    assertThat(fine.status()).isEqualTo(200);
    assertThat(fine.bodyText()).isEqualTo("pod's ok");
    // A route without custom errors relays the pod's 404.
    RawHttp.Response plain = get("plain.test", "/missing", "");
    assertThat(plain.status()).isEqualTo(404);
    assertThat(plain.bodyText()).isEqualTo("pod's 404\r\n");
  }

  @Test
  void theErrorPageIsServedToHttp2ClientsToo() throws Exception {
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(tls.client())
            .version(HttpClient.Version.HTTP_2)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    for (int i = 0; i < 2; i++) {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(
                      URI.create("https://localhost:" + dataplane.httpsPort() + "/missing?h2"))
                  .header("Accept", "text/html")
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(response.statusCode()).isEqualTo(404);
      EchoBackend.Echo echo = EchoBackend.Echo.parse(response.body());
      assertThat(echo.instance()).isEqualTo("errors");
      assertThat(echo.headers().get("x-code")).containsExactly("404");
      assertThat(echo.headers().get("x-format")).containsExactly("text/html");
      assertThat(echo.headers().get("x-original-uri")).containsExactly("/missing?h2");
    }
  }

  @Test
  void aServiceWithoutEndpointsIsServedByItsDefaultBackendAsRequested() throws Exception {
    RawHttp.Response response = get("empty.test", "/some/page?q=1", "");
    assertThat(response.status()).isEqualTo(200);
    EchoBackend.Echo echo = EchoBackend.Echo.parse(response.bodyText());
    assertThat(echo.instance()).isEqualTo("errors");
    // Not an error page: the request as it came, with no X-Code.
    assertThat(echo.uri()).isEqualTo("/some/page?q=1");
    assertThat(echo.headers()).doesNotContainKey("x-code");
  }

  @Test
  void weirsOwn503IsReplacedAndTheGlobalDefaultBackendServesWithoutAnAnnotation() throws Exception {
    RawHttp.Response response = get("global.test", "/anything", "");
    assertThat(response.status()).isEqualTo(503);
    EchoBackend.Echo echo = EchoBackend.Echo.parse(response.bodyText());
    assertThat(echo.instance()).isEqualTo("global");
    assertThat(echo.headers().get("x-code")).containsExactly("503");
    assertThat(echo.headers().get("x-ingress-name")).containsExactly("global");
  }

  @Test
  void anErrorBackendWithoutEndpointsStandsAsideForTheGlobalOne() throws Exception {
    RawHttp.Response response = get("global.test", "/gone-errors/missing", "");
    EchoBackend.Echo echo = EchoBackend.Echo.parse(response.bodyText());
    assertThat(echo.instance()).isEqualTo("global");
    assertThat(echo.headers().get("x-code")).containsExactly("404");
  }
}
