package dev.weir.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Settings;
import dev.weir.dataplane.testing.EchoBackend;
import dev.weir.dataplane.testing.RawHttp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Standalone mode's readiness while it drains: as the data-plane binary, {@code /readyz} answers
 * 503 from the moment the drain starts, so whatever balances over {@code /readyz} stops sending new
 * connections, while the requests in flight finish.
 */
class StandaloneDrainTest {
  private static final Duration PROPAGATION = Duration.ofSeconds(10);

  @TempDir Path manifests;

  @Test
  void readyzAnswers503AsSoonAsTheDrainStartsWhileARequestInFlightFinishes() throws Exception {
    try (EchoBackend slow =
        EchoBackend.start("slow", "127.0.0.1", EchoBackend.Mode.JSON, Duration.ofMillis(1500))) {
      Files.writeString(
          manifests.resolve("slow.yaml"),
          StandaloneAnnotationsTest.service("slow", slow.endpoint().port())
              + EchoManifests.ingress("slow", "slow.weir.test", "slow"));
      Standalone standalone =
          Standalone.start(
              new Standalone.Options(
                  manifests,
                  "127.0.0.1",
                  0,
                  -1,
                  0,
                  Duration.ofSeconds(10),
                  false,
                  Settings.DEFAULTS));
      CompletableFuture<Void> closing = null;
      try {
        Await.until("ready", PROPAGATION, () -> readyz(standalone) == 200);
        Await.until(
            "the route served",
            PROPAGATION,
            () ->
                standalone.servedSnapshot() != null
                    && !standalone.servedSnapshot().virtualHosts().isEmpty());
        RawHttp busy = new RawHttp("127.0.0.1", standalone.httpPort());
        busy.send("GET /in-flight HTTP/1.1\r\nHost: slow.weir.test\r\n\r\n");
        Await.until("the request reached the pod", PROPAGATION, () -> slow.requestCount() == 1);

        closing = CompletableFuture.runAsync(standalone::close);
        Await.until(
            "unready once draining", Duration.ofSeconds(1), () -> readyz(standalone) == 503);
        assertThat(closing).as("still draining the request in flight").isNotDone();

        RawHttp.Response response = busy.readResponse(false);
        assertThat(response.status()).isEqualTo(200);
        assertThat(EchoBackend.Echo.parse(response.bodyText()).instance()).isEqualTo("slow");
        busy.close();
        closing.get(10, TimeUnit.SECONDS);
      } finally {
        if (closing == null) {
          standalone.close();
        }
      }
    }
  }

  private static int readyz(Standalone standalone) throws IOException {
    return RawHttp.exchange(
            standalone.adminPort(),
            "GET /readyz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .status();
  }
}
