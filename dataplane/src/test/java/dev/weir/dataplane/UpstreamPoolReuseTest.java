package dev.weir.dataplane;

import static dev.weir.dataplane.TestSnapshots.backend;
import static dev.weir.dataplane.TestSnapshots.everythingTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.testing.RawHttp;
import dev.weir.dataplane.testing.ScriptedPod;
import dev.weir.dataplane.testing.ScriptedPod.Answer;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which pooled connection a request takes: an idle one whose response completed is taken at once
 * (no new connection), one still carrying a response never is, and a pooled one the pod closes as
 * the request arrives is replaced by a fresh one for an idempotent request.
 */
class UpstreamPoolReuseTest {
  private static final String FAST = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nfast";

  Dataplane dataplane;
  ScriptedPod pod;

  @BeforeEach
  void start() throws Exception {
    // One event loop: one pool, so which connection a request takes is deterministic.
    dataplane =
        Dataplane.start(
            new Dataplane.Options("127.0.0.1", 0, 0, Duration.ofSeconds(5), 1),
            new DataplaneMetrics());
    pod = ScriptedPod.start("127.0.0.1").answer("/fast", Answer.of(FAST));
    dataplane.apply(everythingTo(1, backend("pod", pod.endpoint())));
  }

  @AfterEach
  void stop() throws IOException {
    dataplane.close();
    pod.close();
  }

  private RawHttp.Response get(RawHttp client, String path) throws IOException {
    client.send("GET " + path + " HTTP/1.1\r\nHost: a.test\r\n\r\n");
    return client.readResponse(false);
  }

  @Test
  void aConnectionWhoseResponseCompletedIsTakenAgainWithoutConnecting() throws Exception {
    try (RawHttp a = new RawHttp("127.0.0.1", dataplane.httpPort());
        RawHttp b = new RawHttp("127.0.0.1", dataplane.httpPort())) {
      for (int i = 0; i < 5; i++) {
        assertThat(get(i % 2 == 0 ? a : b, "/fast").bodyText()).isEqualTo("fast");
      }
    }
    assertThat(pod.connectionCount()).isEqualTo(1);
    assertThat(pod.requestLines()).hasSize(5);
  }

  @Test
  void aConnectionStillCarryingAResponseIsNotTaken() throws Exception {
    pod.answer(
        "/slow",
        Answer.withLater("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nslow", " body", 500));
    try (RawHttp a = new RawHttp("127.0.0.1", dataplane.httpPort());
        RawHttp b = new RawHttp("127.0.0.1", dataplane.httpPort())) {
      assertThat(get(a, "/fast").bodyText()).isEqualTo("fast");
      // The one pooled connection carries /slow's response for half a second...
      CompletableFuture<RawHttp.Response> slow =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return get(a, "/slow");
                } catch (IOException e) {
                  throw new RuntimeException(e);
                }
              });
      while (pod.requestLines().size() < 2) {
        Thread.sleep(5);
      }
      // ...so /fast meanwhile gets a connection of its own.
      assertThat(get(b, "/fast").bodyText()).isEqualTo("fast");
      assertThat(pod.connectionCount()).isEqualTo(2);
      assertThat(slow.get().bodyText()).isEqualTo("slow body");
      // Both are idle now: neither request opens a third.
      assertThat(get(a, "/fast").bodyText()).isEqualTo("fast");
      assertThat(get(b, "/fast").bodyText()).isEqualTo("fast");
    }
    assertThat(pod.connectionCount()).isEqualTo(2);
    assertThat(pod.requestLines()).hasSize(5);
  }

  @Test
  void aPooledConnectionThePodClosesAsTheRequestArrivesIsReplacedForAGet() throws Exception {
    pod.answer("/closing", Answer.thenClose(FAST));
    try (RawHttp a = new RawHttp("127.0.0.1", dataplane.httpPort())) {
      assertThat(get(a, "/fast").bodyText()).isEqualTo("fast");
      // The pod answers /closing and closes: the connection that carried /fast is gone after it.
      assertThat(get(a, "/closing").bodyText()).isEqualTo("fast");
      assertThat(get(a, "/fast").bodyText()).isEqualTo("fast");
    }
    assertThat(pod.connectionCount()).isEqualTo(2);
    assertThat(pod.requestLines())
        .containsExactly("GET /fast HTTP/1.1", "GET /closing HTTP/1.1", "GET /fast HTTP/1.1");
  }
}
