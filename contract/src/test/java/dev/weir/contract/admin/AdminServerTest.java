package dev.weir.contract.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminServerTest {
  private final AtomicInteger scrapes = new AtomicInteger();
  private final AtomicBoolean ready = new AtomicBoolean();
  private final HttpClient client = HttpClient.newHttpClient();
  private AdminServer admin;

  @BeforeEach
  void start() throws Exception {
    admin =
        AdminServer.start(
            "127.0.0.1",
            0,
            () -> "weir_scrapes_total " + scrapes.incrementAndGet() + ".0\n",
            ready::get);
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
  void metricsServePrometheusTextProducedPerScrape() throws Exception {
    HttpResponse<String> first = get("/metrics");
    HttpResponse<String> second = get("/metrics");

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("content-type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain; version=0.0.4"));
    assertThat(first.body()).isEqualTo("weir_scrapes_total 1.0\n");
    assertThat(second.body()).isEqualTo("weir_scrapes_total 2.0\n");
  }

  @Test
  void unknownPathIs404() throws Exception {
    assertThat(get("/nope").statusCode()).isEqualTo(404);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
