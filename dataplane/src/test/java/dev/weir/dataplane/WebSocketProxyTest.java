package dev.weir.dataplane;

import static dev.weir.dataplane.TestSnapshots.LOOPBACK;
import static dev.weir.dataplane.TestSnapshots.backend;
import static dev.weir.dataplane.TestSnapshots.everythingTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Snapshot;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.testing.EchoBackend;
import dev.weir.dataplane.testing.RawHttp;
import dev.weir.dataplane.testing.ScriptedPod;
import dev.weir.dataplane.testing.ScriptedPod.Answer;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A WebSocket upgrade is passed through, then bytes flow both ways unchanged. */
class WebSocketProxyTest {
  private static final String UPGRADE =
      "GET /chat HTTP/1.1\r\nHost: a.test\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + "Sec-WebSocket-Version: 13\r\n\r\n";

  @Test
  void upgradeIsForwardedAndBytesAreRelayedBothWays() throws Exception {
    try (EchoBackend ws =
            EchoBackend.start("ws", "127.0.0.1", EchoBackend.Mode.WEBSOCKET, Duration.ZERO);
        Dataplane dataplane = started(everythingTo(1, backend("ws", ws.endpoint())));
        RawHttp http = new RawHttp("127.0.0.1", dataplane.httpPort())) {
      http.send(UPGRADE);
      RawHttp.Response switching = http.readResponse(false);
      assertThat(switching.status()).isEqualTo(101);
      assertThat(switching.header("upgrade")).isEqualToIgnoringCase("websocket");
      assertThat(switching.header("connection")).isEqualToIgnoringCase("upgrade");
      assertThat(switching.header("sec-websocket-accept"))
          .isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");

      InputStream in = http.socket().getInputStream();
      for (int round = 0; round < 3; round++) {
        byte[] frame =
            ("frame-" + round + "-" + "z".repeat(5000)).getBytes(StandardCharsets.US_ASCII);
        http.send(frame);
        byte[] echoed = in.readNBytes(frame.length);
        assertThat(echoed).isEqualTo(frame);
      }
      assertThat(ws.requestCount()).isEqualTo(1);
    }
  }

  @Test
  void bytesThePodSendsRightBehindThe101AreRelayed() throws Exception {
    try (ScriptedPod pod =
            ScriptedPod.start("127.0.0.1")
                .answer(
                    "/chat",
                    Answer.of(
                        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                            + "Connection: Upgrade\r\n\r\nfirst-frame"));
        Dataplane dataplane = started(everythingTo(1, backend("pod", pod.endpoint())));
        RawHttp http = new RawHttp("127.0.0.1", dataplane.httpPort())) {
      http.send(UPGRADE);
      assertThat(http.readResponse(false).status()).isEqualTo(101);
      // Sent in the same write as the head: decoded with it, then handed to the relay.
      assertThat(http.socket().getInputStream().readNBytes("first-frame".length()))
          .asString(StandardCharsets.US_ASCII)
          .isEqualTo("first-frame");
    }
  }

  /** A data plane serving {@code snapshot}: its listeners are bound once it is applied. */
  private static Dataplane started(Snapshot snapshot) throws Exception {
    Dataplane dataplane = Dataplane.start(LOOPBACK, new DataplaneMetrics());
    dataplane.apply(snapshot);
    return dataplane;
  }
}
