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

  @Test
  void aWallClockSnapshotVersionIsPrintedAsAnInteger() {
    DataplaneMetrics metrics = new DataplaneMetrics();
    metrics.snapshotApplied(1_733_212_345_678L);

    assertThat(metrics.scrape()).contains("\nweir_snapshot_version 1733212345678.0\n");
  }

  @Test
  void upstreamFailuresAreCountedByBackendAndReason() {
    DataplaneMetrics metrics = new DataplaneMetrics();
    metrics.upstreamFailure("ns/svc:80", "connect");
    metrics.upstreamFailure("ns/svc:80", "connect");
    metrics.upstreamFailure("ns/svc:80", "read_timeout");

    assertThat(metrics.scrape())
        .contains("weir_upstream_failures_total{backend=\"ns/svc:80\",reason=\"connect\"} 2.0")
        .contains(
            "weir_upstream_failures_total{backend=\"ns/svc:80\",reason=\"read_timeout\"} 1.0");
  }
}
