package dev.weir.dataplane.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminServerTest {
  private final DataplaneMetrics metrics = new DataplaneMetrics();
  private final AtomicBoolean ready = new AtomicBoolean();
  private final HttpClient client = HttpClient.newHttpClient();
  private AdminServer admin;

  @BeforeEach
  void start() throws Exception {
    admin = AdminServer.start("127.0.0.1", 0, metrics::scrape, ready::get);
  }

  @AfterEach
  void stop() {
    admin.close();
  }

  @Test
  void healthzAnswersWhileNotReady() throws Exception {
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
  }

  @Test
  void readyzFollowsReadiness() throws Exception {
    assertThat(get("/readyz").statusCode()).isEqualTo(503);
    ready.set(true);
    assertThat(get("/readyz").statusCode()).isEqualTo(200);
    ready.set(false);
    assertThat(get("/readyz").statusCode()).isEqualTo(503);
  }

  @Test
  void metricsSpeakPrometheusText() throws Exception {
    metrics.snapshotApplied(42);
    metrics.route("foo.com", "ns/svc:80").completed(204, 1_000_000);
    metrics.handshake(true);

    HttpResponse<String> response = get("/metrics");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
        v -> assertThat(v).startsWith("text/plain; version=0.0.4"));
    assertThat(response.body())
        .contains("weir_snapshot_version 42.0")
        .contains("weir_requests_total{backend=\"ns/svc:80\",host=\"foo.com\",status=\"2xx\"} 1.0")
        .contains("weir_tls_handshakes_total{kind=\"resumed\"} 1.0")
        .contains("weir_downstream_latency_seconds_bucket");
  }

  @Test
  void unknownPathIs404() throws Exception {
    assertThat(get("/nope").statusCode()).isEqualTo(404);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + path))
        .build(), HttpResponse.BodyHandlers.ofString());
  }
}
