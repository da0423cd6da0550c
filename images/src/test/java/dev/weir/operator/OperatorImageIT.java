package dev.weir.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.dataplane.testing.RawHttp;
import dev.weir.images.WeirContainer;
import dev.weir.images.WeirImages;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator image in standalone mode serving the quickstart (examples/quickstart) with its demo
 * backends, as README's quickstart runs it, but in a container as the chart runs the operator; the
 * demo pods on a random loopback address ({@link QuickstartCopy}) of the host's network.
 */
@ExtendWith(WeirImages.class)
class OperatorImageIT {
  private static final Path QUICKSTART = WeirImages.REPO.resolve("examples/quickstart");
  private static final Path DEMO_CA = WeirImages.REPO.resolve("examples/tls/demo-ca.crt");

  @TempDir Path manifests;
  @AutoClose private WeirContainer operator;
  private HttpsProbe https;
  private int httpPort;
  private int httpsPort;

  @BeforeAll
  static void images() throws Exception {
    WeirImages.loadBuiltImages();
  }

  @BeforeEach
  void startOnACopyOfTheQuickstart() throws Exception {
    QuickstartCopy.copy(QUICKSTART, manifests);
    WeirContainer.shareable(manifests);
    try (InputStream ca = Files.newInputStream(DEMO_CA)) {
      https = HttpsProbe.trustingPem(ca);
    }
    WeirContainer.Listeners listeners = WeirContainer.Listeners.free();
    httpPort = listeners.http();
    httpsPort = listeners.https();
    operator =
        WeirContainer.start(
            WeirImages.OPERATOR,
            List.of("standalone", "--manifests=/etc/weir/manifests", "--demo-backends"),
            Map.of(manifests, "/etc/weir/manifests"),
            listeners);
  }

  @Test
  void servesTheQuickstartOverVerifiedHttpsAndAnswersHealthAndReadiness() throws Exception {
    operator.assertHealthyAndReady();

    HttpsProbe.Response app1 = https.get(httpsPort, "shop.weir.test", "/app-1");
    HttpsProbe.Response blog = https.get(httpsPort, "blog.apps.weir.test", "/");
    assertThat(app1.status()).isEqualTo(200);
    assertThat(app1.body()).startsWith("pod=app-1-7d4f9-").contains("x-forwarded-proto=https");
    assertThat(blog.status()).isEqualTo(200);
    assertThat(blog.body()).startsWith("pod=app-2-5b8c1-a ").contains("host=blog.apps.weir.test");
    assertThat(app1.subject()).isEqualTo("CN=shop.weir.test (demo v1)");

    RawHttp.Response redirect =
        RawHttp.exchange(
            httpPort, "GET /app-1 HTTP/1.1\r\nHost: shop.weir.test\r\nConnection: close\r\n\r\n");
    assertThat(redirect.status()).isEqualTo(308);
    assertThat(redirect.header("location"))
        .isEqualTo("https://shop.weir.test:" + httpsPort + "/app-1");
    assertThat(operator.logs()).doesNotContainIgnoringCase("read-only");
  }

  @Test
  void runsAsTheChartsUnprivilegedUserAndStopsOnSigterm() throws Exception {
    assertThat(operator.exec("cat", "/proc/1/status").getStdout())
        .containsPattern("(?m)^Uid:\\s+10001\\s+10001\\s");

    operator.terminate();
    assertThat(operator.awaitExit(Duration.ofSeconds(30))).isEqualTo(143);
  }
}
