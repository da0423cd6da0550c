package dev.weir.dataplane;

import static dev.weir.dataplane.TestSnapshots.LOOPBACK;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Snapshot;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.testing.EchoBackend;
import dev.weir.dataplane.testing.EchoBackend.Echo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTPS clients through the TLS listener: HTTP/2 and HTTP/1.1 as ALPN negotiates, both proxied over
 * the same HTTP/1.1 upstream path.
 *
 * <p>The certificate contexts come from this test (with ALPN h2 and http/1.1) through the data
 * plane's SNI seam, so the proxy pipelines are tested independently of the tls package.
 */
class HttpsProxyTest {
  static EchoProxy proxy;
  static EchoBackend backend;
  static Dataplane dataplane;
  static SSLContext clientTls;
  static LocalhostTls tls;

  @BeforeAll
  static void start() throws Exception {
    tls = LocalhostTls.create();
    clientTls = tls.client();
    proxy = EchoProxy.start(null, tls);
    backend = proxy.backend;
    dataplane = proxy.dataplane;
  }

  @AfterAll
  static void stop() {
    proxy.close();
  }

  static HttpClient client(HttpClient.Version version) {
    return HttpClient.newBuilder()
        .sslContext(clientTls)
        .version(version)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  URI uri(String pathAndQuery) {
    return URI.create("https://localhost:" + dataplane.httpsPort() + pathAndQuery);
  }

  @Test
  void http2RequestIsProxiedWithAuthorityAsHost() throws Exception {
    HttpResponse<String> response =
        client(HttpClient.Version.HTTP_2)
            .send(
                HttpRequest.newBuilder(uri("/h2/path?q=1")).header("x-custom", "v").GET().build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(response.statusCode()).isEqualTo(200);
    Echo echo = Echo.parse(response.body());
    assertThat(echo.uri()).isEqualTo("/h2/path?q=1");
    assertThat(echo.header("host")).isEqualTo("localhost:" + dataplane.httpsPort());
    assertThat(echo.header("x-custom")).isEqualTo("v");
    assertThat(echo.header("x-forwarded-proto")).isEqualTo("https");
    assertThat(echo.header("x-forwarded-port")).isEqualTo(String.valueOf(dataplane.httpsPort()));
    assertThat(echo.headers().keySet()).noneMatch(name -> name.startsWith("x-http2-"));
    // No connection-specific headers on an HTTP/2 response (RFC 9113 §8.2.2).
    assertThat(response.headers().map())
        .doesNotContainKeys("connection", "keep-alive", "transfer-encoding");
  }

  @Test
  void http2RequestBodyIsStreamedUpstream() throws Exception {
    String body = "x".repeat(200_000);
    HttpResponse<String> response =
        client(HttpClient.Version.HTTP_2)
            .send(
                HttpRequest.newBuilder(uri("/upload"))
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
    Echo echo = Echo.parse(response.body());
    assertThat(echo.method()).isEqualTo("POST");
    assertThat(echo.bodyLength()).isEqualTo(body.length());
  }

  @Test
  void concurrentHttp2StreamsOnOneConnectionAreAllAnswered() throws Exception {
    HttpClient client = client(HttpClient.Version.HTTP_2);
    var futures = new ArrayList<CompletableFuture<HttpResponse<String>>>();
    for (int i = 0; i < 20; i++) {
      futures.add(
          client.sendAsync(
              HttpRequest.newBuilder(uri("/stream/" + i)).build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> response = futures.get(i).get(10, TimeUnit.SECONDS);
      assertThat(Echo.parse(response.body()).uri()).isEqualTo("/stream/" + i);
    }
  }

  @Test
  void https11RequestIsProxied() throws Exception {
    HttpResponse<String> response =
        client(HttpClient.Version.HTTP_1_1)
            .send(
                HttpRequest.newBuilder(uri("/h1")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    Echo echo = Echo.parse(response.body());
    assertThat(echo.uri()).isEqualTo("/h1");
    assertThat(echo.header("x-forwarded-proto")).isEqualTo("https");
  }

  @Test
  void http10RequestWithoutHostIsForwardedWithTheTlsServerNameAsHost() throws Exception {
    try (SSLSocket socket =
        (SSLSocket) clientTls.getSocketFactory().createSocket("localhost", dataplane.httpsPort())) {
      socket.setSoTimeout(5_000);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setServerNames(List.of(new SNIHostName("localhost")));
      socket.setSSLParameters(parameters);
      socket
          .getOutputStream()
          .write("GET /old HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(response).startsWith("HTTP/1.1 200");
      Echo echo = Echo.parse(response.substring(response.indexOf("\r\n\r\n") + 4));
      assertThat(echo.uri()).isEqualTo("/old");
      assertThat(echo.header("host")).isEqualTo("localhost");
    }
  }

  @Test
  void http2UnroutedRequestGets404() throws Exception {
    try (Dataplane empty = Dataplane.start(LOOPBACK, new DataplaneMetrics(), tls.everyName())) {
      empty.apply(Snapshot.empty());
      HttpResponse<String> response =
          client(HttpClient.Version.HTTP_2)
              .send(
                  HttpRequest.newBuilder(URI.create("https://localhost:" + empty.httpsPort() + "/"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(response.statusCode()).isEqualTo(404);
    }
  }
}
