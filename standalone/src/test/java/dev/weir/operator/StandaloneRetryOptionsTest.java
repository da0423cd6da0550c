package dev.weir.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.cli.Edge;
import dev.weir.contract.cli.OutlierSettings;
import dev.weir.contract.snapshot.RetryPolicy;
import dev.weir.contract.snapshot.Settings;
import dev.weir.dataplane.testing.EchoBackend;
import dev.weir.dataplane.testing.RawHttp;
import dev.weir.operator.translate.RetryDefaults;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller's retries and the data plane's outlier detection, given to standalone mode, as a
 * client sees them: a Service with a dead pod and a live one, balanced round robin.
 */
class StandaloneRetryOptionsTest {
  private static final Duration PROPAGATION = Duration.ofSeconds(10);

  @TempDir Path manifests;
  private EchoBackend live;
  private Standalone standalone;

  @AfterEach
  void stop() {
    if (standalone != null) {
      standalone.close();
    }
    if (live != null) {
      live.close();
    }
  }

  @Test
  void byDefaultARefusedConnectIsRetriedOnTheLivePod() throws Exception {
    start(RetryDefaults.DEFAULTS, OutlierSettings.OFF);
    assertThat(failuresOf(8)).isZero();
  }

  @Test
  void withRetriesOffEveryRequestSentToTheDeadPodFails() throws Exception {
    start(new RetryDefaults(RetryPolicy.OFF, 3), OutlierSettings.OFF);
    assertThat(failuresOf(8)).as("every other request").isEqualTo(4);
  }

  @Test
  void withRetriesOffOutlierDetectionStillStopsTheFailuresAfterTheThird() throws Exception {
    start(new RetryDefaults(RetryPolicy.OFF, 3), OutlierSettings.DEFAULTS);
    assertThat(failuresOf(8)).isEqualTo(3);
  }

  private int failuresOf(int requests) throws Exception {
    int failed = 0;
    for (int i = 0; i < requests; i++) {
      int status =
          RawHttp.exchange(
                  standalone.httpPort(),
                  "GET / HTTP/1.1\r\nHost: retry.weir.test\r\nConnection: close\r\n\r\n")
              .status();
      assertThat(status).isIn(200, 502);
      if (status == 502) {
        failed++;
      }
    }
    return failed;
  }

  private void start(RetryDefaults retry, OutlierSettings outliers) throws Exception {
    live = EchoBackend.start("live", "127.0.0.1", EchoBackend.Mode.JSON, Duration.ZERO);
    int dead;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      dead = s.getLocalPort();
    }
    Files.writeString(
        manifests.resolve("retry.yaml"),
        StandaloneAnnotationsTest.service("web", live.endpoint().port())
            + EchoManifests.slice("web", "web-dead", dead)
            + EchoManifests.ingress("web", "retry.weir.test", "web"));
    standalone =
        Standalone.start(
            new Standalone.Options(
                    manifests,
                    "127.0.0.1",
                    0,
                    -1,
                    -1,
                    Duration.ofSeconds(1),
                    false,
                    Settings.DEFAULTS)
                .withRetry(retry),
            Edge.DEFAULTS,
            outliers);
    Await.until(
        "both pods served",
        PROPAGATION,
        () ->
            standalone.servedSnapshot() != null
                && standalone.servedSnapshot().backends().stream()
                    .anyMatch(b -> b.endpoints().size() == 2));
    assertThat(standalone.servedSnapshot().backends().get(0).retry()).isEqualTo(retry.policy());
  }
}
