package dev.weir.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.weir.images.WeirContainer;
import dev.weir.images.WeirImages;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.Container.ExecResult;

/**
 * The data-plane image serving a snapshot file (examples/snapshot.json, its backends moved to a
 * server of this test on the host's loopback) over HTTPS, as the chart runs it. In the operator's
 * package for its {@link HttpsProbe}.
 */
@ExtendWith(WeirImages.class)
class DataplaneImageIT {
  private static final Path DEMO_CA = WeirImages.REPO.resolve("examples/tls/demo-ca.crt");

  private static HttpServer backend;
  private static volatile CountDownLatch slowArrived;
  private static volatile CountDownLatch slowRelease;

  @TempDir static Path snapshotDir;

  private HttpsProbe https;
  @AutoClose private WeirContainer dataplane;
  private int httpsPort;

  @BeforeAll
  static void backendAndSnapshot() throws Exception {
    WeirImages.loadBuiltImages();
    backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    backend.createContext("/", DataplaneImageIT::answer);
    backend.start();

    ObjectMapper json = new ObjectMapper();
    JsonNode snapshot = json.readTree(WeirImages.REPO.resolve("examples/snapshot.json").toFile());
    for (JsonNode b : snapshot.get("backends")) {
      for (JsonNode endpoint : b.get("endpoints")) {
        ((ObjectNode) endpoint)
            .put("address", "127.0.0.1")
            .put("port", backend.getAddress().getPort());
      }
    }
    json.writeValue(snapshotDir.resolve("snapshot.json").toFile(), snapshot);
    WeirContainer.shareable(snapshotDir);
  }

  /** /app-1/slow answers once the test releases it; anything else at once, naming its path. */
  private static void answer(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (path.equals("/app-1/slow")) {
        slowArrived.countDown();
        try {
          slowRelease.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      byte[] body = ("backend=host path=" + path).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  @AfterAll
  static void stopBackend() {
    if (backend != null) {
      backend.stop(0);
    }
  }

  @BeforeEach
  void start() throws Exception {
    slowArrived = new CountDownLatch(1);
    slowRelease = new CountDownLatch(1);
    try (InputStream ca = Files.newInputStream(DEMO_CA)) {
      https = HttpsProbe.trustingPem(ca);
    }
    WeirContainer.Listeners listeners = WeirContainer.Listeners.free();
    httpsPort = listeners.https();
    dataplane =
        WeirContainer.start(
            WeirImages.DATAPLANE,
            List.of("--snapshot-file=/etc/weir/snapshot/snapshot.json", "--drain-timeout=20s"),
            Map.of(snapshotDir, "/etc/weir/snapshot"),
            listeners);
  }

  @AfterEach
  void releaseTheBackend() {
    slowRelease.countDown();
  }

  @Test
  void servesTheSnapshotOverVerifiedHttpsAndAnswersHealthAndReadiness() throws Exception {
    dataplane.assertHealthyAndReady();

    HttpsProbe.Response app = https.get(httpsPort, "shop.weir.test", "/app-1/cart");
    assertThat(app.status()).isEqualTo(200);
    assertThat(app.body()).isEqualTo("backend=host path=/app-1/cart");
    assertThat(app.subject()).isEqualTo("CN=shop.weir.test (demo v1)");
    HttpsProbe.Response wildcard = https.get(httpsPort, "blog.apps.weir.test", "/");
    assertThat(wildcard.status()).isEqualTo(200);

    // Nothing failed to write on the read-only root (Netty's natives go to the /tmp tmpfs).
    assertThat(dataplane.logs()).contains("event=started").doesNotContainIgnoringCase("read-only");
  }

  @Test
  void runsAsTheChartsUnprivilegedUserOnAReadOnlyRoot() throws Exception {
    ExecResult status = dataplane.exec("cat", "/proc/1/status");
    assertThat(status.getStdout()).containsPattern("(?m)^Uid:\\s+10001\\s+10001\\s");
    assertThat(status.getStdout()).containsPattern("(?m)^Gid:\\s+10001\\s+10001\\s");
    ExecResult write = dataplane.exec("touch", "/opt/weir/written");
    assertThat(write.getExitCode()).isNotZero();
    assertThat(write.getStderr()).contains("Read-only file system");
    assertThat(dataplane.exec("touch", "/tmp/written").getExitCode()).isZero();
  }

  @Test
  void sigtermDrainsAnInFlightRequestThenExits() throws Exception {
    CompletableFuture<HttpsProbe.Response> slow =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return https.get(httpsPort, "shop.weir.test", "/app-1/slow");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    assertThat(slowArrived.await(10, TimeUnit.SECONDS))
        .as("the slow request reached the backend")
        .isTrue();

    dataplane.terminate();
    awaitNotReady();
    slowRelease.countDown();

    HttpsProbe.Response response = slow.get(10, TimeUnit.SECONDS);
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("backend=host path=/app-1/slow");
    // The JVM's exit status after a SIGTERM whose shutdown hook (the drain) completed.
    assertThat(dataplane.awaitExit(Duration.ofSeconds(30))).isEqualTo(143);
    assertThat(dataplane.logs()).contains("event=draining", "event=stopped");
  }

  /** Readiness fails first on SIGTERM, so a load balancer stops sending while requests drain. */
  private void awaitNotReady() throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(10);
    while (Instant.now().isBefore(deadline)) {
      try {
        if (dataplane.adminStatus("/readyz") != 200) {
          return;
        }
      } catch (IOException closed) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("/readyz still 200 ten seconds after SIGTERM");
  }
}
