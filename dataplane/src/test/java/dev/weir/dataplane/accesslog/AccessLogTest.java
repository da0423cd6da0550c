package dev.weir.dataplane.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.contract.cli.AccessLogFormat;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import org.junit.jupiter.api.Test;

class AccessLogTest {
  static final AccessLogEntry ENTRY =
      new AccessLogEntry(
          1_700_000_000_123L,
          "192.0.2.7",
          "shop.example",
          "POST",
          "/cart \"x\"",
          "HTTP/1.1",
          201,
          12,
          345,
          12_345_678,
          "10.0.0.1:8080",
          201,
          2_000_000,
          "shop.example",
          "shop/web",
          "shop/web:80",
          "abc-123",
          "TLSv1.3",
          true);

  @Test
  void jsonLineCarriesEveryField() throws Exception {
    JsonNode line = new ObjectMapper().readTree(AccessLogLines.json(ENTRY));

    assertThat(line.get("time").asText()).isEqualTo("2023-11-14T22:13:20.123Z");
    assertThat(line.get("client").asText()).isEqualTo("192.0.2.7");
    assertThat(line.get("host").asText()).isEqualTo("shop.example");
    assertThat(line.get("method").asText()).isEqualTo("POST");
    assertThat(line.get("path").asText()).isEqualTo("/cart \"x\"");
    assertThat(line.get("protocol").asText()).isEqualTo("HTTP/1.1");
    assertThat(line.get("status").asInt()).isEqualTo(201);
    assertThat(line.get("bytes_in").asLong()).isEqualTo(12);
    assertThat(line.get("bytes_out").asLong()).isEqualTo(345);
    assertThat(line.get("duration").asText()).isEqualTo("0.012");
    assertThat(line.get("upstream").asText()).isEqualTo("10.0.0.1:8080");
    assertThat(line.get("upstream_status").asInt()).isEqualTo(201);
    assertThat(line.get("upstream_duration").asText()).isEqualTo("0.002");
    assertThat(line.get("virtual_host").asText()).isEqualTo("shop.example");
    assertThat(line.get("ingress").asText()).isEqualTo("shop/web");
    assertThat(line.get("backend").asText()).isEqualTo("shop/web:80");
    assertThat(line.get("request_id").asText()).isEqualTo("abc-123");
    assertThat(line.get("tls_protocol").asText()).isEqualTo("TLSv1.3");
    assertThat(line.get("tls_resumed").asBoolean()).isTrue();
  }

  @Test
  void textLineQuotesWhatCouldForgeAField() {
    AccessLogEntry local =
        new AccessLogEntry(
            0,
            "192.0.2.7",
            null,
            "GET",
            "/a b\nstatus=200",
            "HTTP/2",
            404,
            0,
            14,
            0,
            null,
            0,
            -1,
            null,
            null,
            null,
            null,
            null,
            false);

    assertThat(AccessLogLines.text(local))
        .isEqualTo(
            "time=1970-01-01T00:00:00Z client=192.0.2.7 host=- method=GET"
                + " path=\"/a b\\u000astatus=200\" protocol=HTTP/2 status=404 bytes_in=0"
                + " bytes_out=14 duration=0.000 upstream=- upstream_status=- upstream_duration=-"
                + " virtual_host=- ingress=- backend=- request_id=- tls_protocol=- tls_resumed=false");
  }

  @Test
  void textLineNamesTheIngressAndBackend() {
    assertThat(AccessLogLines.text(ENTRY))
        .contains(" virtual_host=shop.example ingress=shop/web backend=shop/web:80 ");
  }

  @Test
  void aFullQueueDropsLinesAndCountsThem() {
    DataplaneMetrics metrics = new DataplaneMetrics();
    StringBuilder out = new StringBuilder();
    // No writer running: the queue only fills.
    AccessLog log = new AccessLog(AccessLogFormat.JSON, out, 2, metrics::accessLogDropped, false);

    for (int i = 0; i < 5; i++) {
      log.record(ENTRY);
    }

    assertThat(metrics.scrape()).contains("weir_access_log_dropped_total 3.0");
    assertThat(out).isEmpty();
  }

  @Test
  void offWritesNothing() {
    assertThat(AccessLog.to(AccessLogFormat.OFF, new StringBuilder(), 1, new DataplaneMetrics()))
        .isSameAs(AccessLog.OFF);
    assertThat(AccessLog.OFF.enabled()).isFalse();
    AccessLog.OFF.record(ENTRY);
  }
}
