package dev.weir.dataplane;

import static dev.weir.dataplane.TestSnapshots.LOOPBACK;
import static dev.weir.dataplane.TestSnapshots.backend;
import static dev.weir.dataplane.TestSnapshots.host;
import static dev.weir.dataplane.TestSnapshots.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.contract.cli.AccessLogFormat;
import dev.weir.contract.cli.Edge;
import dev.weir.contract.snapshot.Route;
import dev.weir.contract.snapshot.RouteSettings;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.dataplane.accesslog.AccessLog;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.testing.EchoBackend;
import dev.weir.dataplane.testing.EchoBackend.Echo;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The access log through real sockets: each routed request's line names its Ingress and backend, a
 * route whose Ingress turned the access log off writes none, and behind trusted proxies the client
 * is the one their X-Forwarded-For names (nginx's real_ip_recursive), in the log and in X-Real-IP.
 */
class AccessLogEndToEndTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static EchoBackend backend;

  @BeforeAll
  static void startBackend() throws Exception {
    backend = EchoBackend.start("backend", "127.0.0.1", EchoBackend.Mode.JSON, Duration.ZERO);
  }

  @AfterAll
  static void stopBackend() {
    backend.close();
  }

  static Snapshot shop() {
    return snapshot(
        1,
        List.of(
            host(
                "shop.example",
                Route.prefix("/", "shop/web:80").withIngress("shop/web"),
                Route.prefix("/health", "shop/web:80")
                    .withSettings(RouteSettings.builder().accessLog(false).build())
                    .withIngress("shop/quiet"))),
        List.of(backend("shop/web:80", backend.endpoint())));
  }

  static Dataplane start(List<String> trusted, StringBuffer log) throws Exception {
    DataplaneMetrics metrics = new DataplaneMetrics();
    Dataplane dataplane =
        Dataplane.start(
            LOOPBACK.withEdge(Edge.DEFAULTS.withForwardedHeadersTrustedFrom(trusted)),
            metrics,
            AccessLog.to(AccessLogFormat.JSON, log, 1024, metrics));
    dataplane.apply(shop());
    return dataplane;
  }

  static Echo get(Dataplane dataplane, String path, String... headers) throws IOException {
    StringBuilder request =
        new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: shop.example\r\n");
    for (String h : headers) {
      request.append(h).append("\r\n");
    }
    request.append("Connection: close\r\n\r\n");
    try (Socket socket = new Socket("127.0.0.1", dataplane.httpPort())) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(response).startsWith("HTTP/1.1 200");
      return Echo.parse(response.substring(response.indexOf("\r\n\r\n") + 4));
    }
  }

  /** The line of the request with X-Request-ID {@code id}, once it is written. */
  static Optional<JsonNode> awaitLine(StringBuffer log, String id) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (true) {
      for (String line : log.toString().split("\n")) {
        JsonNode json = line.isEmpty() ? null : JSON.readTree(line);
        if (json != null && id.equals(json.get("request_id").asText())) {
          return Optional.of(json);
        }
      }
      if (System.nanoTime() > deadline) {
        return Optional.empty();
      }
      Thread.sleep(10);
    }
  }

  @Test
  void aRoutedRequestsLineNamesItsIngressAndBackend() throws Exception {
    StringBuffer log = new StringBuffer();
    try (Dataplane dataplane = start(List.of(), log)) {
      get(dataplane, "/cart", "X-Request-ID: routed-1");

      JsonNode line = awaitLine(log, "routed-1").orElseThrow();
      assertThat(line.get("virtual_host").asText()).isEqualTo("shop.example");
      assertThat(line.get("ingress").asText()).isEqualTo("shop/web");
      assertThat(line.get("backend").asText()).isEqualTo("shop/web:80");
      assertThat(line.get("upstream").asText()).isEqualTo("127.0.0.1:" + backend.port());
    }
  }

  @Test
  void aRouteWithItsAccessLogOffWritesNoLineAndAnotherRouteDoes() throws Exception {
    StringBuffer log = new StringBuffer();
    try (Dataplane dataplane = start(List.of(), log)) {
      Echo quiet = get(dataplane, "/health", "X-Request-ID: quiet-1");
      get(dataplane, "/cart", "X-Request-ID: loud-1");

      assertThat(quiet.uri()).isEqualTo("/health");
      // Lines are written in the order requests end: once the later one is there, the earlier
      // one would be too.
      assertThat(awaitLine(log, "loud-1")).isPresent();
      assertThat(log.toString()).doesNotContain("quiet-1").doesNotContain("/health");
    }
  }

  @Test
  void behindTrustedProxiesTheClientIsTheFirstUntrustedAddressFromTheRight() throws Exception {
    StringBuffer log = new StringBuffer();
    try (Dataplane dataplane = start(List.of("127.0.0.1", "10.0.0.0/8"), log)) {
      Echo echo =
          get(
              dataplane,
              "/cart",
              "X-Forwarded-For: 203.0.113.7, 10.0.0.5",
              "X-Real-IP: 10.0.0.5",
              "X-Request-ID: behind-1");

      assertThat(echo.header("x-real-ip")).isEqualTo("203.0.113.7");
      assertThat(echo.header("x-forwarded-for")).isEqualTo("203.0.113.7, 10.0.0.5, 127.0.0.1");
      assertThat(awaitLine(log, "behind-1").orElseThrow().get("client").asText())
          .isEqualTo("203.0.113.7");
    }
  }

  @Test
  void anUntrustedPeersForwardedForIsIgnoredAndReplaced() throws Exception {
    StringBuffer log = new StringBuffer();
    try (Dataplane dataplane = start(List.of("10.0.0.0/8"), log)) {
      Echo echo =
          get(
              dataplane,
              "/cart",
              "X-Forwarded-For: 203.0.113.7, 10.0.0.5",
              "X-Request-ID: untrusted-1");

      assertThat(echo.header("x-real-ip")).isEqualTo("127.0.0.1");
      assertThat(echo.header("x-forwarded-for")).isEqualTo("127.0.0.1");
      assertThat(awaitLine(log, "untrusted-1").orElseThrow().get("client").asText())
          .isEqualTo("127.0.0.1");
    }
  }
}
