package dev.weir.dataplane;

import static dev.weir.dataplane.TestSnapshots.backend;
import static dev.weir.dataplane.TestSnapshots.everythingTo;
import static dev.weir.dataplane.testing.Http2TestClient.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Endpoint;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.testing.EchoBackend.Echo;
import dev.weir.dataplane.testing.Http2TestClient;
import dev.weir.dataplane.testing.Http2TestClient.Call;
import dev.weir.dataplane.testing.Http2TestClient.Data;
import dev.weir.dataplane.testing.Http2TestClient.Frame;
import dev.weir.dataplane.testing.Http2TestClient.Headers;
import dev.weir.dataplane.testing.Http2TestClient.Reset;
import dev.weir.dataplane.testing.RawHttp2;
import dev.weir.dataplane.testing.RawHttp2.Answered;
import dev.weir.dataplane.testing.ScriptedPod;
import dev.weir.dataplane.testing.ScriptedPod.Answer;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Many streams of one HTTP/2 client connection, handled by one connection-level handler: each
 * stream's failure, reset or slowness stays its own, flow control holds each direction to the
 * stream's window however slow the other side is, trailers pass both ways, and a draining
 * connection lets its open streams finish.
 */
class Http2StreamsTest {
  private static final String HOST = "streams.test";
  private static final int MB = 1024 * 1024;

  static LocalhostTls tls;
  static Dataplane dataplane;
  static long version;

  @BeforeAll
  static void start() throws Exception {
    tls = LocalhostTls.create();
    // One event loop: one upstream pool, so whether a connection was reused is deterministic.
    dataplane =
        Dataplane.start(
            new Dataplane.Options("127.0.0.1", 0, 0, Duration.ofSeconds(5), 1),
            new DataplaneMetrics(),
            tls.everyName());
    // The listeners are bound with the first snapshot; each test routes to its own pod.
    dataplane.apply(everythingTo(++version, backend("none", Endpoint.ready("127.0.0.1", 1))));
  }

  @AfterAll
  static void stop() {
    dataplane.close();
  }

  private static Http2Headers request(String method, String path) {
    return new DefaultHttp2Headers().method(method).scheme("https").authority(HOST).path(path);
  }

  private static Http2TestClient client() throws InterruptedException {
    return new Http2TestClient(tls.nettyH2Client(), dataplane.httpsPort());
  }

  @Test
  void aStreamResetMidFlightLeavesTheOthersToComplete() throws Exception {
    try (EchoProxy slow = EchoProxy.start(null, tls, Duration.ofMillis(500));
        Http2TestClient client =
            new Http2TestClient(tls.nettyH2Client(), slow.dataplane.httpsPort())) {
      List<Call> calls = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        calls.add(client.request(request("GET", "/stream/" + i), true));
      }
      calls.get(7).reset();
      for (int i = 0; i < calls.size(); i++) {
        if (i == 7) {
          continue;
        }
        List<Frame> frames = calls.get(i).rest();
        assertThat(status(frames)).as("stream %d", i).isEqualTo("200");
        assertThat(Echo.parse(body(frames)).uri()).isEqualTo("/stream/" + i);
      }
      List<Frame> after = client.request(request("GET", "/after"), true).rest();
      assertThat(status(after)).as("the connection serves on").isEqualTo("200");
    }
  }

  @Test
  void aSlowUpstreamDoesNotHoldUpAnotherStream() throws Exception {
    try (ScriptedPod pod = halfAnswering(3000, "/fast", "fast");
        Http2TestClient client = client()) {
      Call slowCall = halfAnswered(client);
      long start = System.nanoTime();
      List<Frame> fast = client.request(request("GET", "/fast"), true).rest();
      assertThat(body(fast)).isEqualTo("fast");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
      assertThat(slowCall.poll(0)).as("the slow stream is still open").isNull();
      assertThat(slowCall.rest()).containsExactly(new Data("world", true));
    }
  }

  @Test
  void aStreamResetWhileTheUpstreamAnswersClosesThatUpstreamConnection() throws Exception {
    try (ScriptedPod pod = halfAnswering(1000, "/probe", "probe");
        Http2TestClient client = client()) {
      halfAnswered(client).reset();
      List<Frame> probe = client.request(request("GET", "/probe"), true).rest();
      assertThat(body(probe))
          .as("the probe's own answer, not the rest of /slow")
          .isEqualTo("probe");
      assertThat(pod.connectionCount())
          .as("the upstream connection of the reset stream was not reused")
          .isEqualTo(2);
    }
  }

  /**
   * A pod routed to that answers /slow with its head and half its body at once and the other half
   * {@code laterMillis} later, and {@code path} with {@code body} at once.
   */
  private static ScriptedPod halfAnswering(long laterMillis, String path, String body)
      throws Exception {
    ScriptedPod pod = ScriptedPod.start("127.0.0.1");
    pod.answer(
            "/slow",
            Answer.withLater(
                "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello", "world", laterMillis))
        .answer(
            path,
            Answer.of("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body));
    dataplane.apply(everythingTo(++version, backend("pod", pod.endpoint())));
    return pod;
  }

  /** A stream of /slow, once its first half arrived. */
  private static Call halfAnswered(Http2TestClient client) throws InterruptedException {
    Call call = client.request(request("GET", "/slow"), true);
    assertThat(call.next()).isInstanceOf(Headers.class);
    assertThat(call.next()).isEqualTo(new Data("hello", false));
    return call;
  }

  @Test
  void trailersPassBothWays() throws Exception {
    AtomicReference<String> received = new AtomicReference<>();
    try (RawPod pod =
            new RawPod(
                (head, in, out) -> {
                  received.set(readChunkedBody(in));
                  out.write(
                      latin1(
                          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                              + "5\r\nhello\r\n0\r\nx-checksum: abc\r\n\r\n"));
                });
        Http2TestClient client = client()) {
      dataplane.apply(everythingTo(++version, backend("pod", pod.endpoint())));
      Call call = client.request(request("POST", "/trailers"), false);
      call.send("body", false);
      call.sendTrailers(new DefaultHttp2Headers().set("x-request-sum", "42"));
      List<Frame> frames = call.rest();
      assertThat(status(frames)).isEqualTo("200");
      assertThat(body(frames)).isEqualTo("hello");
      Frame last = frames.get(frames.size() - 1);
      assertThat(last).isInstanceOf(Headers.class);
      assertThat(((Headers) last).headers().get("x-checksum")).hasToString("abc");
      assertThat(received.get().toLowerCase(Locale.ROOT))
          .contains("body")
          .contains("x-request-sum: 42");
    }
  }

  @Test
  void aLargeUploadToAnUpstreamThatDoesNotReadIsHeldToTheWindow() throws Exception {
    long total = 16L * MB;
    CountDownLatch readOn = new CountDownLatch(1);
    try (RawPod pod =
            new RawPod(
                (head, in, out) -> {
                  readOn.await();
                  long n = 0;
                  byte[] buffer = new byte[64 * 1024];
                  while (n < total) {
                    int r = in.read(buffer, 0, (int) Math.min(buffer.length, total - n));
                    if (r < 0) {
                      break;
                    }
                    n += r;
                  }
                  String answer = Long.toString(n);
                  out.write(
                      latin1(
                          "HTTP/1.1 200 OK\r\nContent-Length: "
                              + answer.length()
                              + "\r\n\r\n"
                              + answer));
                });
        Http2TestClient client = client()) {
      dataplane.apply(everythingTo(++version, backend("pod", pod.endpoint())));
      Call call =
          client.request(
              request("POST", "/upload").set("content-length", Long.toString(total)), false);
      byte[] chunk = new byte[64 * 1024];
      AtomicLong sent = new AtomicLong();
      List<ChannelFuture> writes = new ArrayList<>();
      for (long offered = 0; offered < total; offered += chunk.length) {
        ChannelFuture write =
            call.sendBytes(Unpooled.wrappedBuffer(chunk), offered + chunk.length >= total);
        write.addListener(f -> sent.addAndGet(chunk.length));
        writes.add(write);
      }
      long stalled = awaitStable(sent);
      assertThat(stalled)
          .as("bytes the client got out while the upstream read nothing")
          .isLessThan(total / 2);
      readOn.countDown();
      for (ChannelFuture write : writes) {
        assertThat(write.await(10, TimeUnit.SECONDS)).isTrue();
      }
      List<Frame> frames = call.rest();
      assertThat(status(frames)).isEqualTo("200");
      assertThat(body(frames)).isEqualTo(Long.toString(total));
    }
  }

  @Test
  void aLargeResponseToAClientThatDoesNotReadIsHeldBack() throws Exception {
    long total = 16L * MB;
    AtomicLong written = new AtomicLong();
    try (RawPod pod = downloadPod(total, written);
        Http2TestClient client = client()) {
      Call call = client.requestPaused(request("GET", "/download"), true);
      long stalled = awaitStable(written);
      assertThat(stalled)
          .as("bytes the upstream got out while the client read nothing")
          .isLessThan(total / 4);
      call.resume();
      long received = 0;
      for (Frame f = call.next(); ; f = call.next()) {
        if (f instanceof Data d) {
          received += d.content().length();
          if (d.endStream()) {
            break;
          }
        } else if (f instanceof Reset) {
          throw new AssertionError("reset after " + received + " bytes");
        }
      }
      assertThat(received).isEqualTo(total);
    }
  }

  /** A pod routed to that answers {@code total} bytes, counting in {@code written} what left. */
  private static RawPod downloadPod(long total, AtomicLong written) throws Exception {
    RawPod pod =
        new RawPod(
            (head, in, out) -> {
              out.write(latin1("HTTP/1.1 200 OK\r\nContent-Length: " + total + "\r\n\r\n"));
              byte[] chunk = new byte[16 * 1024];
              for (long n = 0; n < total; n += chunk.length) {
                out.write(chunk);
                written.addAndGet(chunk.length);
              }
            });
    dataplane.apply(everythingTo(++version, backend("pod", pod.endpoint())));
    return pod;
  }

  @Test
  void aResponseBeyondTheStreamWindowWaitsForTheClientsWindowUpdates() throws Exception {
    long total = 8L * MB;
    AtomicLong written = new AtomicLong();
    try (RawPod pod = downloadPod(total, written);
        RawHttp2 h2 = new RawHttp2(tls.client(), dataplane.httpsPort())) {
      h2.readTimeoutMillis(30_000);
      // The connection's window is no limit here: the client reads every frame that arrives, but
      // gives the stream no more than its initial 64 KiB.
      h2.windowUpdate(0, Integer.MAX_VALUE - 65_535);
      h2.headers(1, RawHttp2.get("/download"), true);
      AtomicReference<Object> outcome = new AtomicReference<>();
      Thread reader =
          new Thread(
              () -> {
                try {
                  outcome.set(h2.await(1));
                } catch (IOException e) {
                  outcome.set(e);
                }
              },
              "h2-reader");
      reader.start();
      long stalled = awaitStable(written);
      assertThat(stalled)
          .as("bytes the upstream got out while the stream's window was used up")
          .isLessThan(total / 4);
      h2.windowUpdate(1, Integer.MAX_VALUE - 65_535);
      reader.join(20_000);
      assertThat(outcome.get())
          .isInstanceOfSatisfying(
              Answered.class, a -> assertThat(a.body().length).isEqualTo((int) total));
    }
  }

  @Test
  void aDrainingConnectionSendsGoAwayAndLetsItsStreamsFinish() throws Exception {
    EchoProxy draining = EchoProxy.start(null, tls, Duration.ofMillis(1000));
    try (Http2TestClient client =
        new Http2TestClient(tls.nettyH2Client(), draining.dataplane.httpsPort())) {
      List<Call> calls = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        calls.add(client.request(request("GET", "/inflight/" + i), true));
      }
      while (draining.backend.requestCount() < 3) {
        Thread.sleep(10);
      }
      Thread shutdown = new Thread(draining.dataplane::shutdown, "shutdown");
      shutdown.start();
      assertThat(client.awaitGoAway()).as("GOAWAY(NO_ERROR)").isZero();
      for (int i = 0; i < calls.size(); i++) {
        List<Frame> frames = calls.get(i).rest();
        assertThat(status(frames)).as("stream %d", i).isEqualTo("200");
        assertThat(Echo.parse(body(frames)).uri()).isEqualTo("/inflight/" + i);
      }
      assertThat(client.closedByServer()).isTrue();
      shutdown.join(10_000);
    } finally {
      draining.close();
    }
  }

  /** Waits until {@code counter} stops moving for half a second; its value then. */
  private static long awaitStable(AtomicLong counter) throws InterruptedException {
    long last = -1;
    long now = counter.get();
    while (now != last) {
      last = now;
      Thread.sleep(500);
      now = counter.get();
    }
    return now;
  }

  private static String status(List<Frame> frames) {
    for (Frame f : frames) {
      if (f instanceof Headers h && h.headers().status() != null) {
        return h.headers().status().toString();
      }
    }
    throw new AssertionError("no response head in " + frames);
  }

  private static byte[] latin1(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  // A chunked body up to the end of its trailer section, as raw text.
  private static String readChunkedBody(InputStream in) throws IOException {
    StringBuilder text = new StringBuilder();
    while (true) {
      int b = in.read();
      if (b < 0) {
        return text.toString();
      }
      text.append((char) b);
      int lastChunk = text.indexOf("0\r\n") == 0 ? 0 : text.indexOf("\r\n0\r\n");
      if (lastChunk >= 0 && text.indexOf("\r\n\r\n", lastChunk) >= 0) {
        return text.toString();
      }
    }
  }

  /** What a {@link RawPod} does with a request, given its head and the connection. */
  interface Script {
    void serve(String head, InputStream in, OutputStream out) throws Exception;
  }

  /**
   * A pod that runs a script on each connection's first request, with small socket buffers so that
   * a side that stops reading is felt within tens of kilobytes.
   */
  private static final class RawPod implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> connections = new ArrayList<>();

    RawPod(Script script) throws IOException {
      server = new ServerSocket();
      server.setReceiveBufferSize(64 * 1024);
      server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
      Thread acceptor =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try {
                    Socket s = server.accept();
                    s.setSendBufferSize(64 * 1024);
                    synchronized (connections) {
                      connections.add(s);
                    }
                    Thread t =
                        new Thread(
                            () -> {
                              try (s) {
                                InputStream in = s.getInputStream();
                                String head = ScriptedPod.readHead(in);
                                if (head == null) {
                                  return;
                                }
                                script.serve(head, in, s.getOutputStream());
                                s.getOutputStream().flush();
                                Thread.sleep(60_000);
                              } catch (Exception e) {
                                // the proxy closed the connection
                              }
                            },
                            "raw-pod-conn");
                    t.setDaemon(true);
                    t.start();
                  } catch (IOException e) {
                    return;
                  }
                }
              },
              "raw-pod-accept");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    Endpoint endpoint() {
      return Endpoint.ready("127.0.0.1", server.getLocalPort());
    }

    @Override
    public void close() throws IOException {
      server.close();
      synchronized (connections) {
        for (Socket s : connections) {
          s.close();
        }
      }
    }
  }
}
