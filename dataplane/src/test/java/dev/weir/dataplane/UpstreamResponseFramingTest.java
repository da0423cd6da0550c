package dev.weir.dataplane;

import static dev.weir.dataplane.TestSnapshots.backend;
import static dev.weir.dataplane.TestSnapshots.everythingTo;
import static dev.weir.dataplane.testing.Http2TestClient.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.testing.Http2TestClient;
import dev.weir.dataplane.testing.Http2TestClient.Frame;
import dev.weir.dataplane.testing.Http2TestClient.Headers;
import dev.weir.dataplane.testing.Http2TestClient.Reset;
import dev.weir.dataplane.testing.RawHttp;
import dev.weir.dataplane.testing.ScriptedPod;
import dev.weir.dataplane.testing.ScriptedPod.Answer;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Response framing from the upstream side, where desync bugs live: every way a pod can frame (or
 * misframe) a response, sent as exact bytes, through an HTTP/1.1 client and an HTTP/2 client. A
 * response is relayed whole, refused with 502 before anything is sent, or visibly cut (closed
 * HTTP/1.1 connection, reset HTTP/2 stream), never short and reusable; and whatever the pod sent
 * beyond a response never becomes the answer to the next request, which each case checks by sending
 * one on the same client connection.
 */
class UpstreamResponseFramingTest {
  private static final String PROBE = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nprobe";
  private static final String HOST = "framing.test";

  static LocalhostTls tls;
  static Dataplane dataplane;
  static long version;
  ScriptedPod pod;

  @BeforeAll
  static void start() throws Exception {
    tls = LocalhostTls.create();
    // One event loop: one upstream pool, so whether a connection was reused is deterministic.
    dataplane =
        Dataplane.start(
            new Dataplane.Options("127.0.0.1", 0, 0, Duration.ofSeconds(5), 1),
            new DataplaneMetrics(),
            tls.everyName());
  }

  @AfterAll
  static void stop() {
    dataplane.close();
  }

  @BeforeEach
  void startPod() throws Exception {
    pod = ScriptedPod.start("127.0.0.1").answer("/probe", Answer.of(PROBE));
    dataplane.apply(everythingTo(++version, backend("pod", pod.endpoint())));
  }

  @AfterEach
  void stopPod() throws IOException {
    pod.close();
  }

  /** What the client must see. */
  sealed interface Expected {}

  /** A whole response; {@code reused}: whether the probe must (true) or must not (false) reuse. */
  record Whole(int status, String body, Boolean reused) implements Expected {}

  /** Headers may have gone out, but the client sees the response end abnormally. */
  record Cut() implements Expected {}

  private static Whole whole(int status, String body, Boolean reused) {
    return new Whole(status, body, reused);
  }

  private static Whole badGateway() {
    return new Whole(502, null, false);
  }

  static Stream<Arguments> cases() {
    String smuggled = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsmuggl";
    List<Arguments> cases =
        List.of(
            Arguments.of(
                "content-length",
                "GET",
                Answer.of("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world"),
                whole(200, "hello world", true)),
            Arguments.of(
                "chunked with extensions and trailers",
                "GET",
                Answer.of(
                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: x-checksum\r\n\r\n"
                        + "5;ext=1\r\nhello\r\n6;name=\"v w\"\r\n world\r\n0\r\n"
                        + "x-checksum: abc\r\n\r\n"),
                whole(200, "hello world", true)),
            Arguments.of(
                "content-length and chunked together",
                "GET",
                Answer.of(
                    "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "5\r\nhello\r\n0\r\n\r\n"),
                badGateway()),
            Arguments.of(
                "two different content-lengths",
                "GET",
                Answer.of(
                    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"),
                badGateway()),
            Arguments.of(
                "content-length that is not a number",
                "GET",
                Answer.of("HTTP/1.1 200 OK\r\nContent-Length: 5x\r\n\r\nhello"),
                badGateway()),
            Arguments.of(
                "100 and 103 before the final response",
                "GET",
                Answer.of(
                    "HTTP/1.1 100 Continue\r\n\r\n"
                        + "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
                        + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal"),
                whole(200, "final", true)),
            Arguments.of(
                "204 followed by a stray response",
                "GET",
                Answer.of("HTTP/1.1 204 No Content\r\n\r\n" + smuggled),
                whole(204, "", false)),
            Arguments.of(
                "204 with a content-length and a body",
                "GET",
                Answer.of("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello"),
                whole(204, "", false)),
            Arguments.of(
                "304 with the representation's content-length and no body",
                "GET",
                Answer.of("HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\n\r\n"),
                whole(304, "", true)),
            Arguments.of(
                "HEAD with a content-length and no body",
                "HEAD",
                Answer.of("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"),
                whole(200, "", true)),
            Arguments.of(
                "HTTP/1.0 body delimited by the close",
                "GET",
                Answer.thenClose(
                    "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nold style body"),
                whole(200, "old style body", false)),
            Arguments.of(
                "HTTP/1.1 body delimited by the close",
                "GET",
                Answer.thenClose("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the close"),
                whole(200, "until the close", false)),
            Arguments.of(
                "a second response in the same write",
                "GET",
                Answer.of("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok" + smuggled),
                whole(200, "ok", false)),
            Arguments.of(
                "stray bytes after the response, a moment later",
                "GET",
                Answer.withLater("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", smuggled, 50),
                whole(200, "ok", false)),
            Arguments.of(
                "closed mid-body (content-length)",
                "GET",
                Answer.thenClose("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + "x".repeat(50)),
                new Cut()),
            Arguments.of(
                "closed mid-body (chunked)",
                "GET",
                Answer.thenClose(
                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"),
                new Cut()),
            Arguments.of(
                "invalid chunk size",
                "GET",
                Answer.of(
                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n"),
                new Cut()),
            Arguments.of(
                "space in a header name",
                "GET",
                Answer.of("HTTP/1.1 200 OK\r\nBad Header: x\r\nContent-Length: 2\r\n\r\nok"),
                badGateway()),
            Arguments.of(
                "invalid status line",
                "GET",
                Answer.of("HTTP/1.1 abc\r\nContent-Length: 2\r\n\r\nok"),
                badGateway()),
            Arguments.of(
                "header block over 64 KiB",
                "GET",
                Answer.of(
                    "HTTP/1.1 200 OK\r\n"
                        + ("X-Filler: " + "f".repeat(1000) + "\r\n").repeat(80)
                        + "Content-Length: 2\r\n\r\nok"),
                badGateway()));
    List<Arguments> both = new ArrayList<>();
    for (Arguments c : cases) {
      for (String client : List.of("HTTP/1.1", "HTTP/2")) {
        Object[] a = c.get();
        both.add(Arguments.of(a[0], client, a[1], a[2], a[3]));
      }
    }
    return both.stream();
  }

  @ParameterizedTest(name = "{0} ({1})")
  @MethodSource("cases")
  void theClientSeesTheResponseWholeRefusedOrCutAndTheNextRequestItsOwnAnswer(
      String name, String client, String method, Answer answer, Expected expected)
      throws Exception {
    pod.answer("/case", answer);
    if (client.equals("HTTP/1.1")) {
      http1(method, answer, expected);
    } else {
      http2(method, answer, expected);
    }
  }

  private static final String CHUNKED_WITH_TRAILERS =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: x-checksum\r\n\r\n"
          + "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nx-checksum : abc\r\n\r\n";

  @Test
  void aChunkedBodyReachesAnHttp11ClientChunkedWithItsTrailersAndWithoutExtensions()
      throws Exception {
    pod.answer("/case", Answer.of(CHUNKED_WITH_TRAILERS));
    String seen = readAll("GET /case HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n");
    assertThat(seen).startsWith("HTTP/1.1 200 OK\r\n").contains("transfer-encoding: chunked\r\n");
    assertThat(seen.substring(seen.indexOf("\r\n\r\n") + 4))
        .isEqualTo("5\r\nhello\r\n6\r\n world\r\n0\r\nx-checksum: abc\r\n\r\n");
  }

  @Test
  void aChunkedBodyReachesAnHttp10ClientUnchunkedAndEndsWithTheConnection() throws Exception {
    pod.answer("/case", Answer.of(CHUNKED_WITH_TRAILERS));
    String seen = readAll("GET /case HTTP/1.0\r\nHost: " + HOST + "\r\n\r\n");
    String head = seen.substring(0, seen.indexOf("\r\n\r\n") + 4).toLowerCase(Locale.ROOT);
    assertThat(head).doesNotContain("transfer-encoding").contains("connection: close\r\n");
    assertThat(seen.substring(head.length())).isEqualTo("hello world");
  }

  /** Everything the data plane sends until it closes the connection. */
  private static String readAll(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", dataplane.httpPort())) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  private void http1(String method, Answer answer, Expected expected) throws Exception {
    try (RawHttp http = new RawHttp("127.0.0.1", dataplane.httpPort())) {
      http.send(method + " /case HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");
      boolean cut = false;
      RawHttp.Response response = null;
      try {
        response = finalResponse(http, method.equals("HEAD"));
        String length = response.header("content-length");
        cut =
            !method.equals("HEAD")
                && response.status() != 204
                && response.status() != 304
                && length != null
                && response.body().length < Integer.parseInt(length);
      } catch (EOFException | SocketException e) {
        cut = true;
      }
      if (expected instanceof Cut) {
        assertThat(cut).as("a cut response is seen as cut").isTrue();
        assertThat(http.closedByServer()).as("the cut connection is closed").isTrue();
        probeOnNewConnection();
        return;
      }
      Whole whole = (Whole) expected;
      assertThat(cut).as("response cut").isFalse();
      assertThat(response.status()).isEqualTo(whole.status());
      if (whole.body() != null) {
        assertThat(response.bodyText()).isEqualTo(whole.body());
      }
      if (method.equals("HEAD")) {
        assertThat(response.header("content-length")).isEqualTo("1000");
      }
      awaitStrayBytes(answer);
      String connection = response.header("connection");
      if (connection != null && connection.toLowerCase(Locale.ROOT).contains("close")) {
        assertThat(http.closedByServer()).isTrue();
        probeOnNewConnection();
      } else {
        http.send("GET /probe HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");
        RawHttp.Response probe = finalResponse(http, false);
        assertThat(probe.bodyText()).as("the next request's own answer").isEqualTo("probe");
      }
      assertReuse(whole);
    }
  }

  private static RawHttp.Response finalResponse(RawHttp http, boolean head) throws IOException {
    RawHttp.Response response = http.readResponse(head);
    while (response.status() / 100 == 1) {
      response = http.readResponse(head);
    }
    return response;
  }

  private void probeOnNewConnection() throws IOException {
    RawHttp.Response probe =
        RawHttp.exchange(
            dataplane.httpPort(),
            "GET /probe HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n");
    assertThat(probe.bodyText()).isEqualTo("probe");
  }

  private void http2(String method, Answer answer, Expected expected) throws Exception {
    try (Http2TestClient client = new Http2TestClient(tls.nettyH2Client(), dataplane.httpsPort())) {
      List<Frame> frames = client.request(get(method, "/case"), true).rest();
      Frame last = frames.get(frames.size() - 1);
      if (expected instanceof Cut) {
        assertThat(last).as("a cut response ends in a reset").isInstanceOf(Reset.class);
      } else {
        Whole whole = (Whole) expected;
        assertThat(last).isNotInstanceOf(Reset.class);
        Http2Headers head = finalHead(frames);
        assertThat(head.status()).hasToString(String.valueOf(whole.status()));
        if (whole.body() != null) {
          assertThat(body(frames)).isEqualTo(whole.body());
        }
        if (method.equals("HEAD")) {
          assertThat(head.get("content-length")).hasToString("1000");
        }
      }
      awaitStrayBytes(answer);
      List<Frame> probe = client.request(get("GET", "/probe"), true).rest();
      assertThat(finalHead(probe).status()).hasToString("200");
      assertThat(body(probe)).as("the next request's own answer").isEqualTo("probe");
      if (expected instanceof Whole whole) {
        assertReuse(whole);
      }
    }
  }

  private static Http2Headers get(String method, String path) {
    return new DefaultHttp2Headers().method(method).scheme("https").authority(HOST).path(path);
  }

  private static Http2Headers finalHead(List<Frame> frames) {
    for (Frame f : frames) {
      if (f instanceof Headers h
          && h.headers().status() != null
          && h.headers().status().charAt(0) != '1') {
        return h.headers();
      }
    }
    throw new AssertionError("no final response head in " + frames);
  }

  // Stray bytes sent a moment after a response must have arrived before the probe: had the probe
  // gone out on that connection first, no proxy could tell them from the probe's answer.
  private static void awaitStrayBytes(Answer answer) throws InterruptedException {
    if (answer.later() != null) {
      Thread.sleep(answer.laterDelayMillis() + 250);
    }
  }

  private void assertReuse(Whole whole) {
    if (whole.reused() == null) {
      return;
    }
    assertThat(pod.connectionCount())
        .as(whole.reused() ? "the probe reused the connection" : "the probe had a new connection")
        .isEqualTo(whole.reused() ? 1 : 2);
  }
}
