package dev.weir.dataplane;

import static dev.weir.dataplane.TestSnapshots.LOOPBACK;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.cli.OutlierSettings;
import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.Endpoint;
import dev.weir.contract.snapshot.PathType;
import dev.weir.contract.snapshot.RetryCondition;
import dev.weir.contract.snapshot.RetryPolicy;
import dev.weir.contract.snapshot.Route;
import dev.weir.contract.snapshot.RouteSettings;
import dev.weir.contract.snapshot.VirtualHost;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.testing.EchoBackend;
import dev.weir.dataplane.testing.RawHttp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A request whose whole body was sent to a pod that then reset the connection without answering:
 * sent again, body and all, to another pod when it may be repeated (an idempotent method, or {@code
 * non_idempotent} listed) and its body was small enough to keep; answered 502 otherwise. Run with
 * {@code -Dio.netty.leakDetection.level=paranoid} to see every kept body released.
 */
class BodyReplayTest {
  private ResettingPod resetting;
  private EchoBackend echo;
  private Dataplane dataplane;

  @BeforeEach
  void start() throws Exception {
    resetting = new ResettingPod();
    echo = EchoBackend.start("echo", "127.0.0.1", EchoBackend.Mode.STREAM_BODY, Duration.ZERO);
    // Without ejection, round robin sends every other request to the resetting pod first.
    dataplane = Dataplane.start(LOOPBACK.withOutliers(OutlierSettings.OFF), new DataplaneMetrics());
    dataplane.apply(
        TestSnapshots.snapshot(
            1,
            List.of(
                VirtualHost.builder("shop.test")
                    .routes(
                        Route.prefix("/", "web"),
                        new Route(
                            PathType.PREFIX,
                            "/orders",
                            "web",
                            RouteSettings.builder()
                                .retry(
                                    new RetryPolicy(
                                        List.of(
                                            RetryCondition.ERROR, RetryCondition.NON_IDEMPOTENT),
                                        null))
                                .build()))
                    .build()),
            List.of(Backend.of("web", List.of(resetting.endpoint(), echo.endpoint())))));
  }

  @AfterEach
  void stop() throws IOException {
    dataplane.close();
    echo.close();
    resetting.close();
  }

  @Test
  void anIdempotentRequestWithASmallBodyIsResentWholeToAnotherPod() throws Exception {
    String body = body(10_000);
    for (int i = 0; i < 4; i++) {
      RawHttp.Response response = send("PUT", "/items/1", body);
      assertThat(response.status()).as("request %d", i).isEqualTo(200);
      assertThat(response.bodyText()).isEqualTo(body);
    }
    assertThat(resetting.bodiesRead()).as("it took the whole body before resetting").isEqualTo(2);
  }

  @Test
  void aPostIsResentOnlyWhenTheRouteRetriesNonIdempotentRequests() throws Exception {
    String body = body(2_000);
    int failed = 0;
    for (int i = 0; i < 4; i++) {
      if (send("POST", "/checkout", body).status() == 502) {
        failed++;
      }
    }
    assertThat(failed).isEqualTo(resetting.bodiesRead()).isEqualTo(2);
    for (int i = 0; i < 4; i++) {
      RawHttp.Response response = send("POST", "/orders", body);
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.bodyText()).isEqualTo(body);
    }
    assertThat(resetting.bodiesRead()).isEqualTo(4);
  }

  @Test
  void aBodyTooLargeToKeepIsNotResent() throws Exception {
    String body = body(100_000);
    int failed = 0;
    for (int i = 0; i < 4; i++) {
      RawHttp.Response response = send("PUT", "/items/1", body);
      if (response.status() == 502) {
        failed++;
      } else {
        assertThat(response.bodyText()).isEqualTo(body);
      }
    }
    assertThat(failed).isEqualTo(resetting.bodiesRead()).isEqualTo(2);
  }

  private RawHttp.Response send(String method, String path, String body) throws IOException {
    return RawHttp.exchange(
        dataplane.httpPort(),
        method
            + " "
            + path
            + " HTTP/1.1\r\nHost: shop.test\r\nContent-Length: "
            + body.length()
            + "\r\nConnection: close\r\n\r\n"
            + body);
  }

  private static String body(int length) {
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; out.length() < length; i++) {
      out.append(Integer.toString(i, 36)).append(',');
    }
    return out.substring(0, length);
  }

  /** A pod that reads each request whole, then resets the connection without a word. */
  private static final class ResettingPod implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final AtomicInteger bodiesRead = new AtomicInteger();

    ResettingPod() throws IOException {
      Thread acceptor =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try {
                    serve(server.accept());
                  } catch (IOException e) {
                    // closed at the end of the test
                  }
                }
              },
              "resetting-pod");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    private void serve(Socket socket) throws IOException {
      try (socket) {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
          int b = in.read();
          if (b < 0) {
            return;
          }
          head.write(b);
        }
        long length = 0;
        for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
          if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
            length = Long.parseLong(line.substring("content-length:".length()).trim());
          }
        }
        if (in.readNBytes((int) length).length == length) {
          bodiesRead.incrementAndGet();
        }
        socket.setSoLinger(true, 0);
      }
    }

    int bodiesRead() {
      return bodiesRead.get();
    }

    Endpoint endpoint() {
      return Endpoint.ready("127.0.0.1", server.getLocalPort());
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
