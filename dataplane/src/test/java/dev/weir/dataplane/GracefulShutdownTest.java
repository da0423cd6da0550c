package dev.weir.dataplane;

import static dev.weir.dataplane.TestSnapshots.backend;
import static dev.weir.dataplane.TestSnapshots.everythingTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.testing.EchoBackend;
import dev.weir.dataplane.testing.EchoBackend.Echo;
import dev.weir.dataplane.testing.RawHttp;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Shutdown stops accepting at once and lets the requests in flight finish. */
class GracefulShutdownTest {
  @Test
  void inFlightRequestCompletesWhileNewConnectionsAreRefused() throws Exception {
    try (EchoBackend slow =
        EchoBackend.start("slow", "127.0.0.1", EchoBackend.Mode.JSON, Duration.ofMillis(1500))) {
      Dataplane dataplane =
          Dataplane.start(
              new Dataplane.Options("127.0.0.1", 0, -1, Duration.ofSeconds(10)),
              new DataplaneMetrics());
      dataplane.apply(everythingTo(1, backend("slow", slow.endpoint())));
      int port = dataplane.httpPort();
      RawHttp idle = new RawHttp("127.0.0.1", port);
      RawHttp busy = new RawHttp("127.0.0.1", port);
      busy.send("GET /slow HTTP/1.1\r\nHost: a.test\r\n\r\n");
      // Let the request reach the backend before shutting down.
      for (int i = 0; i < 100 && slow.requestCount() == 0; i++) {
        Thread.sleep(10);
      }
      assertThat(slow.requestCount()).isEqualTo(1);

      CompletableFuture<Void> shutdown = CompletableFuture.runAsync(dataplane::shutdown);
      Thread.sleep(200);
      assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
          .isInstanceOf(IOException.class);
      assertThat(idle.closedByServer()).isTrue();

      RawHttp.Response response = busy.readResponse(false);
      assertThat(response.status()).isEqualTo(200);
      assertThat(Echo.parse(response.bodyText()).instance()).isEqualTo("slow");
      assertThat(response.header("connection")).isEqualToIgnoringCase("close");
      shutdown.get(10, TimeUnit.SECONDS);
      idle.close();
      busy.close();
    }
  }
}
