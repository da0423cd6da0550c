package dev.weir.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.contract.testing.DocumentedMetrics;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard and the PrometheusRule: off by default, and when on, queries of metrics
 * that exist (docs/metrics.md, which MetricsDocumentedTest holds against the processes' scrapes).
 */
class MonitoringTest {
  private static final Pattern METRIC =
      Pattern.compile("\\b((?:weir|jvm|process|system)_[a-z0-9_]+)");
  private static final Pattern HISTOGRAM_SERIES = Pattern.compile("_(bucket|count|sum)$");

  @Test
  void neitherTheDashboardNorTheAlertsAreRenderedByDefault() {
    RenderedChart chart = RenderedChart.render();

    assertThat(chart.find(ConfigMap.class, "weir-grafana-dashboard")).isEmpty();
    assertThat(chart.ofKind("PrometheusRule")).isEmpty();
  }

  @Test
  void theDashboardIsAConfigMapGrafanasSidecarLoadsWithPanelsOnExistingMetrics() throws Exception {
    RenderedChart chart =
        RenderedChart.render(
            "metrics.grafanaDashboard.enabled", "true",
            "metrics.grafanaDashboard.labels.team", "edge");

    ConfigMap map = chart.get(ConfigMap.class, "weir-grafana-dashboard");
    assertThat(map.getMetadata().getLabels())
        .containsEntry("grafana_dashboard", "1")
        .containsEntry("team", "edge");
    String json = map.getData().get("weir.json");
    assertThat(json)
        .isEqualTo(
            Files.readString(RenderedChart.CHART.resolve("files/grafana-dashboard.json")).strip());
    JsonNode dashboard = new ObjectMapper().readTree(json);
    Map<String, List<String>> queries = new LinkedHashMap<>();
    for (JsonNode panel : dashboard.get("panels")) {
      List<String> exprs = new ArrayList<>();
      panel.get("targets").forEach(t -> exprs.add(t.get("expr").asText()));
      queries.put(panel.get("title").asText(), exprs);
    }

    assertThat(queries.get("Requests by host and status class"))
        .containsExactly(
            "sum by (host, status) (rate(weir_requests_total{host=~\"$host\"}[$__rate_interval]))");
    assertThat(queries.get("Latency p50 / p95 / p99 by host"))
        .containsExactly(
            "histogram_quantile(0.5, sum by (host, le)"
                + " (rate(weir_request_duration_seconds_bucket{host=~\"$host\"}[$__rate_interval])))",
            "histogram_quantile(0.95, sum by (host, le)"
                + " (rate(weir_request_duration_seconds_bucket{host=~\"$host\"}[$__rate_interval])))",
            "histogram_quantile(0.99, sum by (host, le)"
                + " (rate(weir_request_duration_seconds_bucket{host=~\"$host\"}[$__rate_interval])))");
    assertThat(String.join("\n", queries.get("5xx ratio by host")))
        .contains("weir_requests_total{status=\"5xx\"");
    assertThat(queries.get("Upstream failures by reason"))
        .containsExactly(
            "sum by (backend, reason) (rate(weir_upstream_failures_total[$__rate_interval]))");
    assertThat(queries.get("Active client connections"))
        .containsExactly("sum by (listener) (weir_connections_active)");
    assertThat(String.join("\n", queries.get("TLS session resumption ratio")))
        .contains("weir_tls_handshakes_total{kind=\"resumed\"}");
    assertThat(queries.get("Snapshot version: published by the operator, applied by data planes"))
        .contains("max(weir_operator_snapshot_version)", "weir_snapshot_version");
    assertThat(queries.get("Diagnostics by reason"))
        .containsExactly("max by (reason) (weir_operator_diagnostics) > 0");
    assertThat(String.join("\n", queries.get("Days until certificate expiry")))
        .contains("weir_operator_certificate_expiry_seconds");
    assertThat(String.join("\n", queries.get("JVM heap used")))
        .contains("jvm_memory_used_bytes{area=\"heap\"}");
    assertThat(queries.get("Process CPU")).containsExactly("process_cpu_usage");
    assertDocumented(queries.values().stream().flatMap(List::stream).toList(), "dashboard queries");
    assertThat(dashboard.at("/templating/list/1/query/query").asText())
        .isEqualTo("label_values(weir_requests_total, host)");
  }

  @TempDir Path tmp;

  @Test
  void theAlertsQueryExistingMetricsAndTheJobsTheServiceMonitorsScrape() throws Exception {
    // A values file: --set takes a fraction for a string, which the schema refuses.
    Path values = tmp.resolve("values.yaml");
    Files.writeString(
        values,
        """
        metrics:
          serviceMonitor: {enabled: true}
          prometheusRule: {enabled: true, errorRatio: 0.02}
        """);
    RenderedChart chart = RenderedChart.render(values);

    GenericKubernetesResource rule =
        (GenericKubernetesResource) chart.get("PrometheusRule", "weir");
    JsonNode groups = new ObjectMapper().valueToTree(rule.getAdditionalProperties().get("spec"));
    Map<String, String> alerts = new LinkedHashMap<>();
    for (JsonNode group : groups.get("groups")) {
      for (JsonNode r : group.get("rules")) {
        alerts.put(r.get("alert").asText(), r.get("expr").asText());
        assertThat(r.at("/labels/severity").asText()).isIn("info", "warning", "critical");
        assertThat(r.at("/annotations/summary").asText()).isNotBlank();
      }
    }

    assertThat(alerts)
        .containsOnlyKeys(
            "WeirHighErrorRatio",
            "WeirUpstreamFailures",
            "WeirSnapshotNotApplied",
            "WeirCertificateExpiringSoon",
            "WeirCertificateExpiring",
            "WeirDiagnostics",
            "WeirOperatorDown",
            "WeirDataplaneDown");
    assertThat(alerts.get("WeirHighErrorRatio"))
        .contains("weir_requests_total{status=\"5xx\"}")
        .contains("> 0.02");
    assertThat(alerts.get("WeirUpstreamFailures")).contains("weir_upstream_failures_total");
    assertThat(alerts.get("WeirSnapshotNotApplied"))
        .contains("weir_operator_dataplane_applied_version")
        .contains("weir_operator_snapshot_version");
    assertThat(alerts.get("WeirCertificateExpiringSoon")).contains("< 14 * 86400");
    assertThat(alerts.get("WeirCertificateExpiring")).contains("< 2 * 86400");
    assertThat(alerts.get("WeirDiagnostics")).contains("weir_operator_diagnostics");
    assertDocumented(alerts.values(), "alert expressions");
    // A ServiceMonitor's job label is the name of the Service it scrapes.
    assertThat(alerts.get("WeirOperatorDown")).contains("up{job=\"weir-operator\"} == 0");
    assertThat(alerts.get("WeirDataplaneDown")).contains("up{job=\"weir-dataplane-admin\"} == 0");
    assertThat(chart.find(Service.class, "weir-operator")).isPresent();
    assertThat(chart.find(Service.class, "weir-dataplane-admin")).isPresent();
  }

  /** Every metric name in {@code exprs} is documented (a histogram's series by its family). */
  private static void assertDocumented(Iterable<String> exprs, String what) throws Exception {
    Set<String> documented = DocumentedMetrics.in(RenderedChart.REPO);
    Set<String> used = new TreeSet<>();
    for (String expr : exprs) {
      Matcher m = METRIC.matcher(expr);
      while (m.find()) {
        String name = m.group(1);
        String family = HISTOGRAM_SERIES.matcher(name).replaceFirst("");
        used.add(documented.contains(name) ? name : family);
      }
    }
    assertThat(used).as(what).isNotEmpty();
    assertThat(documented).as("metrics in docs/metrics.md used by " + what).containsAll(used);
  }
}
