package dev.weir.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Settings;
import dev.weir.dataplane.testing.EchoBackend;
import dev.weir.dataplane.testing.RawHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clients that trickle their request head (slowloris) or TLS handshake: each byte comes well within
 * the idle timeout, but the head as a whole is bounded by {@code requestHeaderMillis}.
 */
class SlowClientTest {
  static final long HEADER_MILLIS = 500;
  static EchoProxy proxy;
  static EchoBackend backend;
  static Dataplane dataplane;

  @BeforeAll
  static void start() throws Exception {
    proxy = EchoProxy.start(Settings.builder().requestHeaderMillis(HEADER_MILLIS).build());
    backend = proxy.backend;
    dataplane = proxy.dataplane;
  }

  @AfterAll
  static void stop() {
    proxy.close();
  }

  /** Sends {@code bytes} one at a time, {@code gapMillis} apart, until done or the socket fails. */
  static Thread trickle(RawHttp http, String bytes, long gapMillis) {
    Thread writer =
        new Thread(
            () -> {
              try {
                for (byte b : bytes.getBytes(StandardCharsets.ISO_8859_1)) {
                  http.send(new byte[] {b});
                  Thread.sleep(gapMillis);
                }
              } catch (IOException | InterruptedException stopped) {
                // The server closed the connection, or the test is over.
              }
            },
            "slow-client");
    writer.setDaemon(true);
    writer.start();
    return writer;
  }

  @Test
  void requestHeadTrickledPastTheLimitGets408AndTheConnectionClosed() throws Exception {
    int countBefore = backend.requestCount();
    try (RawHttp slow = new RawHttp("127.0.0.1", dataplane.httpPort())) {
      long start = System.nanoTime();
      // 40 bytes, 50 ms apart: 2 s for the head, each byte far within the 60 s idle timeout.
      Thread writer =
          trickle(slow, "GET / HTTP/1.1\r\nHost: a.test\r\nX-Slow: 0123456789\r\n\r\n", 50);
      // Served meanwhile on the same listener.
      RawHttp.Response normal =
          RawHttp.exchange(
              dataplane.httpPort(), "GET / HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n");
      assertThat(normal.status()).isEqualTo(200);

      RawHttp.Response response = slow.readResponse(false);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(response.status()).isEqualTo(408);
      assertThat(slow.closedByServer()).isTrue();
      assertThat(took).isBetween(Duration.ofMillis(HEADER_MILLIS), Duration.ofMillis(1_900));
      writer.interrupt();
    }
    assertThat(backend.requestCount()).isEqualTo(countBefore + 1);
  }

  @Test
  void slowBodyIsNotAHeaderTimeout() throws Exception {
    try (RawHttp http = new RawHttp("127.0.0.1", dataplane.httpPort())) {
      http.send(
          "POST / HTTP/1.1\r\nHost: a.test\r\nContent-Length: 4\r\nConnection: close\r\n\r\n");
      Thread writer = trickle(http, "abcd", 250);
      writer.join(5_000);
      RawHttp.Response response = http.readResponse(false);
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.bodyText()).contains("\"bodyLength\":4");
    }
  }

  @Test
  void keepAliveConnectionMayWaitLongerThanTheLimitBetweenRequests() throws Exception {
    try (RawHttp http = new RawHttp("127.0.0.1", dataplane.httpPort())) {
      http.send("GET /1 HTTP/1.1\r\nHost: a.test\r\n\r\n");
      assertThat(http.readResponse(false).status()).isEqualTo(200);
      // The limit runs from a request's first byte, not from the end of the previous exchange.
      Thread.sleep(HEADER_MILLIS * 2);
      http.send("GET /2 HTTP/1.1\r\nHost: a.test\r\n\r\n");
      assertThat(http.readResponse(false).status()).isEqualTo(200);
    }
  }

  @Test
  void tlsHandshakeTrickledPastTheLimitIsClosed() throws Exception {
    // The server's timer starts at accept: start the clock before connecting, never after.
    long start = System.nanoTime();
    try (RawHttp slow = new RawHttp("127.0.0.1", dataplane.httpsPort())) {
      // The start of a TLS record carrying a ClientHello, then nothing more.
      slow.send(new byte[] {0x16, 0x03, 0x01, 0x00});
      assertThat(slow.closedByServer()).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isBetween(Duration.ofMillis(HEADER_MILLIS), Duration.ofMillis(3_000));
    }
  }
}
