package dev.weir.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Settings;
import dev.weir.dataplane.testing.EchoBackend;
import dev.weir.dataplane.testing.RawHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Client connections are closed after the client idle time without traffic, and not before. */
class ClientIdleTimeoutTest {
  static final long IDLE_MILLIS = 400;
  static EchoProxy proxy;
  static EchoBackend backend;
  static Dataplane dataplane;

  @BeforeAll
  static void start() throws Exception {
    proxy = EchoProxy.start(Settings.builder().clientIdleMillis(IDLE_MILLIS).build());
    backend = proxy.backend;
    dataplane = proxy.dataplane;
  }

  @AfterAll
  static void stop() {
    proxy.close();
  }

  @Test
  void idleKeepAliveConnectionIsClosedAfterTheIdleTime() throws Exception {
    try (RawHttp http = new RawHttp("127.0.0.1", dataplane.httpPort())) {
      http.send("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n");
      assertThat(http.readResponse(false).status()).isEqualTo(200);
      long answered = System.nanoTime();
      http.socket().setSoTimeout(5_000);
      assertThat(http.closedByServer()).isTrue();
      long closedAfterMillis = (System.nanoTime() - answered) / 1_000_000;
      // Between 1 and 1.25 idle times (see ClientConnections.Tracker), plus scheduling slack.
      assertThat(closedAfterMillis).isBetween(IDLE_MILLIS - 50, IDLE_MILLIS * 5 / 4 + 1_000);
    }
  }

  @Test
  void connectionWithTrafficMoreOftenThanTheIdleTimeStaysOpen() throws Exception {
    try (RawHttp http = new RawHttp("127.0.0.1", dataplane.httpPort())) {
      // Four idle times' worth of requests, a third of an idle time apart.
      for (int i = 0; i < 12; i++) {
        http.send("GET /" + i + " HTTP/1.1\r\nHost: a.test\r\n\r\n");
        assertThat(http.readResponse(false).status()).isEqualTo(200);
        Thread.sleep(IDLE_MILLIS / 3);
      }
    }
  }

  @Test
  void connectionThatNeverSendsARequestIsClosedToo() throws Exception {
    try (RawHttp http = new RawHttp("127.0.0.1", dataplane.httpPort())) {
      http.socket().setSoTimeout(5_000);
      assertThat(http.closedByServer()).isTrue();
    }
  }
}
