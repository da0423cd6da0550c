package dev.weir.dataplane.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DataplaneMetricsTest {
  @Test
  void scrapeSpeaksPrometheusTextWithPerRouteRequestsAndHandshakes() {
    DataplaneMetrics metrics = new DataplaneMetrics();
    metrics.snapshotApplied(42);
    metrics.route("foo.com", "ns/svc:80").completed(204, 1_000_000);
    metrics.handshake(true);

    assertThat(metrics.scrape())
        .contains("weir_snapshot_version 42.0")
        .contains("weir_requests_total{backend=\"ns/svc:80\",host=\"foo.com\",status=\"2xx\"} 1.0")
        .contains("weir_tls_handshakes_total{kind=\"resumed\"} 1.0")
        .contains("weir_downstream_latency_seconds_bucket");
  }
}
