package dev.weir.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Settings;
import dev.weir.dataplane.testing.RawHttp2;
import dev.weir.dataplane.testing.RawHttp2.Answered;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 clients that hold a connection without making requests: a header block trickled a byte at
 * a time is cut at the request header time, and PINGs do not count as activity for the idle time;
 * connections with requests, and streams longer than the idle time, are left alone.
 */
class Http2SlowClientTest {
  static final long HEADER_MILLIS = 500;
  static final long IDLE_MILLIS = 3_000;
  static final long ENHANCE_YOUR_CALM = 0xb;
  static final Settings SETTINGS =
      Settings.builder().clientIdleMillis(IDLE_MILLIS).requestHeaderMillis(HEADER_MILLIS).build();
  static LocalhostTls tls;
  static EchoProxy proxy;

  @BeforeAll
  static void start() throws Exception {
    tls = LocalhostTls.create();
    proxy = EchoProxy.start(SETTINGS, tls);
  }

  @AfterAll
  static void stop() {
    proxy.close();
  }

  /** What a client thread does until the server closes the connection under it. */
  interface ClientWork {
    void run() throws Exception;
  }

  /** Runs {@code work} on a daemon thread; its failure (the connection closed) ends it. */
  static Thread inBackground(String name, ClientWork work) {
    Thread thread =
        new Thread(
            () -> {
              try {
                work.run();
              } catch (Exception e) {
                // the server closed the connection: what the test waits for
              }
            },
            name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /**
   * Sends {@code bytes} in pieces of {@code piece} bytes, {@code gapMillis} apart, until done or
   * failed.
   */
  static Thread trickle(RawHttp2 h2, byte[] bytes, int piece, long gapMillis) {
    return inBackground(
        "trickle",
        () -> {
          for (int i = 0; i < bytes.length; i += piece) {
            h2.send(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + piece)));
            Thread.sleep(gapMillis);
          }
        });
  }

  @Test
  void headersFrameTrickledPastTheLimitIsCut() throws Exception {
    int countBefore = proxy.backend.requestCount();
    try (RawHttp2 slow = new RawHttp2(tls.client(), proxy.dataplane.httpsPort())) {
      slow.readTimeoutMillis(8_000);
      long start = System.nanoTime();
      // A whole GET, a byte every 50 ms: about 3 s for the block, each byte far within the idle
      // time.
      Thread writer = trickle(slow, RawHttp2.getFrame(1, "/slow"), 1, 50);
      // Served meanwhile by the same data plane.
      try (RawHttp2 normal = new RawHttp2(tls.client(), proxy.dataplane.httpsPort())) {
        normal.headers(1, RawHttp2.get("/normal"), true);
        assertThat(normal.await(1)).isInstanceOf(Answered.class);
      }
      assertThat(slow.closedByServer()).isTrue();
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(took)
          .isBetween(Duration.ofMillis(HEADER_MILLIS), Duration.ofMillis(IDLE_MILLIS - 500));
      writer.interrupt();
    }
    assertThat(proxy.backend.requestCount()).isEqualTo(countBefore + 1);
  }

  @Test
  void headerBlockContinuedTooSlowlyIsCut() throws Exception {
    int countBefore = proxy.backend.requestCount();
    byte[] block = RawHttp2.headerBlock(RawHttp2.get("/slow"));
    try (RawHttp2 slow = new RawHttp2(tls.client(), proxy.dataplane.httpsPort())) {
      slow.readTimeoutMillis(8_000);
      long start = System.nanoTime();
      // HEADERS without END_HEADERS, arriving at once; then three CONTINUATIONs 400 ms apart
      // (few enough that the codec's bound on small CONTINUATION frames does not apply).
      int quarter = block.length / 4;
      slow.send(
          RawHttp2.frameBytes(
              RawHttp2.HEADERS, RawHttp2.END_STREAM, 1, Arrays.copyOf(block, quarter)));
      Thread writer =
          inBackground(
              "continuations",
              () -> {
                for (int k = 1; k < 4; k++) {
                  Thread.sleep(400);
                  int flags = k == 3 ? RawHttp2.END_HEADERS : 0;
                  slow.send(
                      RawHttp2.frameBytes(
                          RawHttp2.CONTINUATION,
                          flags,
                          1,
                          Arrays.copyOfRange(
                              block, k * quarter, k == 3 ? block.length : (k + 1) * quarter)));
                }
              });
      assertThat(slow.awaitGoAway()).as("GOAWAY(ENHANCE_YOUR_CALM)").isEqualTo(ENHANCE_YOUR_CALM);
      assertThat(slow.closedByServer()).isTrue();
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(took)
          .isBetween(Duration.ofMillis(HEADER_MILLIS), Duration.ofMillis(IDLE_MILLIS - 500));
      writer.interrupt();
    }
    assertThat(proxy.backend.requestCount()).isEqualTo(countBefore);
  }

  @Test
  void headerBlockInOneSlowButTimelyPieceIsServed() throws Exception {
    try (RawHttp2 h2 = new RawHttp2(tls.client(), proxy.dataplane.httpsPort())) {
      byte[] frame = RawHttp2.getFrame(1, "/split");
      // The frame header cut in the middle, the rest 100 ms later: well within the limit.
      h2.send(Arrays.copyOf(frame, 5));
      Thread.sleep(100);
      h2.send(Arrays.copyOfRange(frame, 5, frame.length));
      assertThat(h2.await(1))
          .isInstanceOfSatisfying(Answered.class, a -> assertThat(a.status()).isEqualTo(200));
    }
  }

  @Test
  void dataFrameHeaderCutShortIsNoHeaderBlock() throws Exception {
    try (RawHttp2 h2 = new RawHttp2(tls.client(), proxy.dataplane.httpsPort())) {
      List<Map.Entry<String, String>> post =
          List.of(
              Map.entry(":method", "POST"),
              Map.entry(":scheme", "https"),
              Map.entry(":authority", "a.test"),
              Map.entry(":path", "/upload"));
      h2.headers(1, post, false);
      byte[] data =
          RawHttp2.frameBytes(
              0x0, RawHttp2.END_STREAM, 1, "body".getBytes(StandardCharsets.US_ASCII));
      // The DATA frame's header up to its type, then a pause twice the header time.
      h2.send(Arrays.copyOf(data, 5));
      Thread.sleep(HEADER_MILLIS * 2);
      h2.send(Arrays.copyOfRange(data, 5, data.length));
      assertThat(h2.await(1))
          .isInstanceOfSatisfying(Answered.class, a -> assertThat(a.status()).isEqualTo(200));
    }
  }

  @Test
  void pingsDoNotKeepAConnectionWithoutStreamsOpen() throws Exception {
    try (RawHttp2 h2 = new RawHttp2(tls.client(), proxy.dataplane.httpsPort())) {
      h2.readTimeoutMillis(10_000);
      long start = System.nanoTime();
      Thread pinger =
          inBackground(
              "pinger",
              () -> {
                while (true) {
                  h2.ping();
                  Thread.sleep(IDLE_MILLIS / 6);
                }
              });
      assertThat(h2.closedByServer()).isTrue();
      long closedAfterMillis = (System.nanoTime() - start) / 1_000_000;
      // Between 1 and 1.25 idle times (see ClientConnections.Tracker), plus scheduling slack.
      assertThat(closedAfterMillis).isBetween(IDLE_MILLIS - 50, IDLE_MILLIS * 5 / 4 + 1_000);
      pinger.interrupt();
    }
  }

  @Test
  void requestsKeepTheConnectionOpenAndItClosesAnIdleTimeAfterTheLast() throws Exception {
    try (RawHttp2 h2 = new RawHttp2(tls.client(), proxy.dataplane.httpsPort())) {
      h2.readTimeoutMillis(10_000);
      // Two idle times' worth of requests, a third of an idle time apart.
      int stream = 1;
      for (int i = 0; i < 6; i++, stream += 2) {
        h2.headers(stream, RawHttp2.get("/" + i), true);
        assertThat(h2.await(stream)).isInstanceOf(Answered.class);
        Thread.sleep(IDLE_MILLIS / 3);
      }
      long lastAnswered = System.nanoTime() - IDLE_MILLIS / 3 * 1_000_000;
      assertThat(h2.closedByServer()).isTrue();
      long closedAfterMillis = (System.nanoTime() - lastAnswered) / 1_000_000;
      assertThat(closedAfterMillis).isBetween(IDLE_MILLIS - 50, IDLE_MILLIS * 5 / 4 + 1_000);
    }
  }

  @Test
  void streamLongerThanTheIdleTimeIsAnswered() throws Exception {
    Settings shortIdle =
        Settings.builder().clientIdleMillis(400).requestHeaderMillis(HEADER_MILLIS).build();
    try (EchoProxy slowBackend = EchoProxy.start(shortIdle, tls, Duration.ofMillis(1_500));
        RawHttp2 h2 = new RawHttp2(tls.client(), slowBackend.dataplane.httpsPort())) {
      h2.headers(1, RawHttp2.get("/slow-answer"), true);
      assertThat(h2.await(1))
          .isInstanceOfSatisfying(Answered.class, a -> assertThat(a.status()).isEqualTo(200));
    }
  }
}
