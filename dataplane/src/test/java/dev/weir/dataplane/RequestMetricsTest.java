package dev.weir.dataplane;

import static dev.weir.dataplane.TestSnapshots.backend;
import static dev.weir.dataplane.TestSnapshots.host;
import static dev.weir.dataplane.TestSnapshots.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.local.LocalDataplane;
import dev.weir.contract.snapshot.Endpoint;
import dev.weir.contract.snapshot.Route;
import dev.weir.contract.snapshot.SnapshotUpdate;
import dev.weir.dataplane.testing.EchoBackend;
import dev.weir.dataplane.testing.RawHttp;
import java.net.InetAddress;
import java.net.ServerSocket;
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
 * What an operator of the cluster scrapes from a data plane's {@code /metrics} (as standalone mode
 * and {@code DataplaneMain} serve it) after requests over real sockets: latency histograms by
 * matched host and status class, body bytes, upstream failures by reason, the snapshot version, the
 * JVM's and the process's meters.
 */
class RequestMetricsTest {
  static final long VERSION = 1_733_212_345_678L;

  static EchoBackend app;
  static LocalDataplane dataplane;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    app = EchoBackend.start("app");
    dataplane =
        new LocalDataplaneFactory()
            .start(new LocalDataplane.Options("127.0.0.1", 0, -1, 0, Duration.ofSeconds(1)));
    int refused;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      refused = s.getLocalPort();
    }
    dataplane.apply(
        SnapshotUpdate.full(
            snapshot(
                VERSION,
                List.of(
                    host("bytes.test", Route.prefix("/", "app")),
                    host("latency.test", Route.prefix("/", "app")),
                    host("refused.test", Route.prefix("/", "refused"))),
                List.of(
                    backend("app", app.endpoint()),
                    backend("refused", Endpoint.ready("127.0.0.1", refused))))));
  }

  @AfterAll
  static void stop() {
    dataplane.close();
    app.close();
  }

  static RawHttp.Response send(String host, String method, String body) throws Exception {
    return RawHttp.exchange(
        dataplane.httpPort(),
        method
            + " / HTTP/1.1\r\nHost: "
            + host
            + "\r\nContent-Length: "
            + body.length()
            + "\r\nConnection: close\r\n\r\n"
            + body);
  }

  static String scrape() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + dataplane.adminPort() + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  @Test
  void requestDurationIsAHistogramByMatchedHostAndStatusClass() throws Exception {
    assertThat(send("latency.test", "GET", "").status()).isEqualTo(200);
    assertThat(send("latency.test", "GET", "").status()).isEqualTo(200);
    assertThat(send("unknown.latency.example", "GET", "").status()).isEqualTo(404);

    String text = scrape();
    assertThat(text)
        .contains("# TYPE weir_request_duration_seconds histogram")
        .contains(
            "weir_request_duration_seconds_bucket{host=\"latency.test\",status_class=\"2xx\","
                + "le=\"0.005\"}")
        .contains(
            "weir_request_duration_seconds_bucket{host=\"latency.test\",status_class=\"2xx\","
                + "le=\"+Inf\"} 2")
        .contains(
            "weir_request_duration_seconds_count{host=\"latency.test\",status_class=\"2xx\"} 2")
        .contains("weir_request_duration_seconds_sum{host=\"latency.test\",status_class=\"2xx\"}")
        // A host no virtual host claims is one fixed label, not the Host header a client sent.
        .contains("weir_request_duration_seconds_count{host=\"_none\",status_class=\"4xx\"}")
        .doesNotContain("unknown.latency.example")
        .doesNotContain("host=\"latency.test\",status_class=\"4xx\"");
  }

  @Test
  void bodyBytesEachWayAreCountedByMatchedHost() throws Exception {
    String body = "x".repeat(1234);
    RawHttp.Response first = send("bytes.test", "POST", body);
    RawHttp.Response second = send("bytes.test", "PUT", "abc");
    assertThat(first.status()).isEqualTo(200);
    assertThat(second.status()).isEqualTo(200);

    assertThat(scrape())
        .contains("weir_request_bytes_total{host=\"bytes.test\"} 1237.0")
        .contains(
            "weir_response_bytes_total{host=\"bytes.test\"} "
                + (first.body().length + second.body().length)
                + ".0");
  }

  @Test
  void aRefusedConnectIsAnUpstreamFailureCountedEvenWhenItsLogLineIsRateLimited() throws Exception {
    // The second failure within a second is not logged (LogLimiter), but is counted.
    assertThat(send("refused.test", "GET", "").status()).isEqualTo(502);
    assertThat(send("refused.test", "GET", "").status()).isEqualTo(502);

    assertThat(scrape())
        .contains("# TYPE weir_upstream_failures_total counter")
        .contains("weir_upstream_failures_total{backend=\"refused\",reason=\"connect\"} 2.0");
  }

  @Test
  void snapshotVersionReadsAsAnInteger() throws Exception {
    assertThat(scrape())
        .contains("\nweir_snapshot_version " + VERSION + ".0\n")
        .doesNotContain("weir_snapshot_version 1.7");
  }

  @Test
  void jvmAndProcessMetricsAreServedOnce() throws Exception {
    String text = scrape();
    assertThat(text)
        .contains("jvm_memory_used_bytes{")
        .contains("jvm_gc_")
        .contains("jvm_threads_live_threads ")
        .contains("jvm_classes_loaded_classes ")
        .contains("process_cpu_usage ")
        .contains("process_uptime_seconds ")
        .contains("process_files_open_files ")
        .contains("system_cpu_count ");
    assertThat(text.split("# TYPE jvm_memory_used_bytes ", -1)).hasSize(2);
  }
}
