package dev.weir.dataplane;

import static dev.weir.dataplane.TestSnapshots.LOOPBACK;
import static dev.weir.dataplane.TestSnapshots.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.PathType;
import dev.weir.contract.snapshot.ProxyHeaders;
import dev.weir.contract.snapshot.Route;
import dev.weir.contract.snapshot.RouteSettings;
import dev.weir.contract.snapshot.VirtualHost;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.testing.RawHttp;
import dev.weir.dataplane.testing.ScriptedPod;
import dev.weir.dataplane.testing.ScriptedPod.Answer;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The exact bytes Weir sends a pod for a request: the request line, the client's headers without
 * hop-by-hop ones (Connection and the names it lists included), same-name headers kept as separate
 * lines, the forwarded headers Weir sets, upstream-vhost's Host, and the body framed by length or
 * re-chunked with its trailers. Weir writes the upstream head itself; these bytes are what any
 * change to that writing must keep.
 */
class UpstreamRequestBytesTest {
  private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";

  static ScriptedPod pod;
  static Dataplane dataplane;

  @BeforeAll
  static void start() throws Exception {
    pod = ScriptedPod.start("127.0.0.1");
    for (String path : List.of("/a/b?c=d&e", "/vhost/x", "/upload", "/chunks", "/empty")) {
      pod.answer(path, Answer.of(OK));
    }
    dataplane = Dataplane.start(LOOPBACK, new DataplaneMetrics());
    dataplane.apply(
        snapshot(
            1,
            List.of(
                VirtualHost.builder("golden.test")
                    .routes(
                        Route.prefix("/", "pod"),
                        new Route(
                            PathType.PREFIX,
                            "/vhost",
                            "pod",
                            RouteSettings.builder()
                                .proxyHeaders(
                                    new ProxyHeaders(
                                        "upstream.internal", null, null, null, null, null))
                                .build(),
                            null))
                    .build()),
            List.of(Backend.of("pod", List.of(pod.endpoint())))));
  }

  @AfterAll
  static void stop() throws IOException {
    dataplane.close();
    pod.close();
  }

  /** Sends {@code request}, and returns what the pod received once it ends with {@code end}. */
  private static String forwarded(String request, String end) throws Exception {
    pod.recordUntil(end);
    try (RawHttp client = new RawHttp("127.0.0.1", dataplane.httpPort())) {
      client.send(request);
      assertThat(client.readResponse(false).status()).isEqualTo(200);
    }
    String received = pod.nextRecorded(10, TimeUnit.SECONDS);
    assertThat(received).as("the pod received the request").isNotNull();
    return received;
  }

  /** The forwarded headers Weir appends to a request of this test's client. */
  private static String forwardedHeaders() {
    return "x-forwarded-for: 127.0.0.1\r\n"
        + "x-real-ip: 127.0.0.1\r\n"
        + "x-forwarded-proto: http\r\n"
        + "x-forwarded-host: golden.test\r\n"
        + "x-forwarded-port: "
        + dataplane.httpPort()
        + "\r\n";
  }

  @Test
  void hopByHopHeadersAndTheNamesConnectionListsAreDroppedAndForwardedHeadersAppended()
      throws Exception {
    String received =
        forwarded(
            "GET /a/b?c=d&e HTTP/1.1\r\n"
                + "Host: golden.test\r\n"
                + "Connection: keep-alive, X-Drop-Me ,x-also-dropped\r\n"
                + "X-Drop-Me: 1\r\n"
                + "Accept: text/plain\r\n"
                + "Keep-Alive: timeout=5\r\n"
                + "X-Multi: one\r\n"
                + "TE: trailers\r\n"
                + "Proxy-Connection: keep-alive\r\n"
                + "X-Also-Dropped: 2\r\n"
                + "Upgrade: h2c\r\n"
                + "X-Multi: two\r\n"
                + "Trailer: X-Sum\r\n"
                + "X-Forwarded-For: 6.6.6.6\r\n"
                + "Forwarded: for=6.6.6.6\r\n"
                + "X-Request-ID: golden-1\r\n"
                + "User-Agent: golden/1.0\r\n"
                + "\r\n",
            "\r\n\r\n");
    assertThat(received)
        .isEqualTo(
            "GET /a/b?c=d&e HTTP/1.1\r\n"
                + "Host: golden.test\r\n"
                + "Accept: text/plain\r\n"
                + "X-Multi: one\r\n"
                + "X-Multi: two\r\n"
                + "X-Request-ID: golden-1\r\n"
                + "User-Agent: golden/1.0\r\n"
                + forwardedHeaders()
                + "\r\n");
  }

  @Test
  void upstreamVhostReplacesHostAndAGeneratedRequestIdIsAppended() throws Exception {
    String received =
        forwarded(
            "GET /vhost/x HTTP/1.1\r\nhost: golden.test\r\nx-request-id: "
                + "a".repeat(200)
                + "\r\n\r\n",
            "\r\n\r\n");
    // The generated id is random: compared by its shape, the rest byte for byte.
    assertThat(withoutRequestId(received))
        .isEqualTo(
            "GET /vhost/x HTTP/1.1\r\n"
                + forwardedHeaders()
                + "x-request-id: ID\r\n"
                + "host: upstream.internal\r\n"
                + "\r\n");
  }

  private static String withoutRequestId(String received) {
    return received.replaceAll("x-request-id: [0-9a-f]{32}\r\n", "x-request-id: ID\r\n");
  }

  @Test
  void aBodyOfKnownLengthIsSentAsIsAfterTheHead() throws Exception {
    String received =
        forwarded(
            "POST /upload HTTP/1.1\r\nHost: golden.test\r\nContent-Length: 11\r\n"
                + "Content-Type: text/plain\r\n\r\nhello world",
            "hello world");
    assertThat(withoutRequestId(received))
        .isEqualTo(
            "POST /upload HTTP/1.1\r\nHost: golden.test\r\nContent-Length: 11\r\n"
                + "Content-Type: text/plain\r\n"
                + forwardedHeaders()
                + "x-request-id: ID\r\n"
                + "\r\nhello world");
  }

  @Test
  void aChunkedBodyIsReChunkedWithoutExtensionsAndItsTrailersKept() throws Exception {
    String received =
        forwarded(
            "POST /chunks HTTP/1.1\r\nHost: golden.test\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 11\r\n\r\n",
            "0\r\nX-Sum: 11\r\n\r\n");
    assertThat(withoutRequestId(received))
        .isEqualTo(
            "POST /chunks HTTP/1.1\r\nHost: golden.test\r\ntransfer-encoding: chunked\r\n"
                + forwardedHeaders()
                + "x-request-id: ID\r\n"
                + "\r\n5\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 11\r\n\r\n");
  }

  @Test
  void anEmptyChunkedBodyIsSentAsTheLastChunkAlone() throws Exception {
    String received =
        forwarded(
            "POST /empty HTTP/1.1\r\nHost: golden.test\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "0\r\n\r\n",
            "\r\n0\r\n\r\n");
    assertThat(withoutRequestId(received))
        .isEqualTo(
            "POST /empty HTTP/1.1\r\nHost: golden.test\r\ntransfer-encoding: chunked\r\n"
                + forwardedHeaders()
                + "x-request-id: ID\r\n"
                + "\r\n0\r\n\r\n");
  }
}
