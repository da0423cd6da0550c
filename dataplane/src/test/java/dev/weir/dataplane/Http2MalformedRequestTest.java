package dev.weir.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.dataplane.testing.EchoBackend;
import dev.weir.dataplane.testing.RawHttp2;
import dev.weir.dataplane.testing.RawHttp2.Answered;
import dev.weir.dataplane.testing.RawHttp2.Outcome;
import dev.weir.dataplane.testing.RawHttp2.Reset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HTTP/2 requests RFC 9113 calls malformed (§8.1.1, §8.2, §8.3), sent as hand-built frames over TLS
 * with ALPN h2: each ends its stream with RST_STREAM(PROTOCOL_ERROR) or a 400, and the backend
 * never sees the request.
 *
 * <p>A content-length the DATA frames contradict can only be found out while the body streams: by
 * then the request head may already be upstream. What must hold there is that the backend never
 * receives a <em>complete</em> request: the upstream connection is cut before the announced length
 * is reached or before the request ends.
 */
class Http2MalformedRequestTest {
  static EchoProxy proxy;
  static EchoBackend backend;
  static Dataplane dataplane;
  static SSLContext clientTls;
  int headsBefore;
  int completeBefore;

  @BeforeAll
  static void start() throws Exception {
    LocalhostTls tls = LocalhostTls.create();
    clientTls = tls.client();
    proxy = EchoProxy.start(null, tls);
    backend = proxy.backend;
    dataplane = proxy.dataplane;
  }

  @AfterAll
  static void stop() {
    proxy.close();
  }

  @BeforeEach
  void count() {
    headsBefore = backend.requestCount();
    completeBefore = backend.completeRequestCount();
  }

  static List<Map.Entry<String, String>> fields(Object... namesAndValues) {
    List<Map.Entry<String, String>> fields = new ArrayList<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      fields.add(Map.entry((String) namesAndValues[i], (String) namesAndValues[i + 1]));
    }
    return fields;
  }

  static List<Map.Entry<String, String>> getWith(String name, String value) {
    List<Map.Entry<String, String>> fields = new ArrayList<>(RawHttp2.get("/"));
    fields.add(Map.entry(name, value));
    return fields;
  }

  static Stream<Arguments> malformedHeaderBlocks() {
    return Stream.of(
        Arguments.of("connection header", getWith("connection", "keep-alive")),
        Arguments.of("keep-alive header", getWith("keep-alive", "timeout=5")),
        Arguments.of("proxy-connection header", getWith("proxy-connection", "keep-alive")),
        Arguments.of("transfer-encoding header", getWith("transfer-encoding", "chunked")),
        Arguments.of("upgrade header", getWith("upgrade", "websocket")),
        Arguments.of("te other than trailers", getWith("te", "gzip")),
        Arguments.of("te trailers with another coding", getWith("te", "trailers, deflate")),
        Arguments.of("upper-case header name", getWith("X-Upper", "v")),
        Arguments.of("space in header name", getWith("x bad", "v")),
        Arguments.of("empty header name", getWith("", "v")),
        Arguments.of("NUL in value", getWith("x-v", "a\0b")),
        Arguments.of("CR in value", getWith("x-v", "a\rb")),
        Arguments.of("LF in value", getWith("x-v", "a\nx-injected: 1")),
        Arguments.of("leading space in value", getWith("x-v", " a")),
        Arguments.of(
            "missing :method", fields(":scheme", "https", ":authority", "a.test", ":path", "/")),
        Arguments.of(
            "missing :scheme", fields(":method", "GET", ":authority", "a.test", ":path", "/")),
        Arguments.of(
            "missing :path", fields(":method", "GET", ":scheme", "https", ":authority", "a.test")),
        Arguments.of(
            "duplicate :path",
            fields(
                ":method",
                "GET",
                ":scheme",
                "https",
                ":authority",
                "a.test",
                ":path",
                "/",
                ":path",
                "/other")),
        Arguments.of(
            "duplicate :method",
            fields(
                ":method",
                "GET",
                ":method",
                "POST",
                ":scheme",
                "https",
                ":authority",
                "a.test",
                ":path",
                "/")),
        Arguments.of("unknown pseudo-header", getWith(":foo", "bar")),
        Arguments.of("response pseudo-header in a request", getWith(":status", "200")),
        Arguments.of(
            "pseudo-header after a regular header",
            fields(
                ":method",
                "GET",
                ":scheme",
                "https",
                ":authority",
                "a.test",
                "x-a",
                "1",
                ":path",
                "/")),
        Arguments.of(
            "empty :path",
            fields(":method", "GET", ":scheme", "https", ":authority", "a.test", ":path", "")),
        Arguments.of(
            ":path not starting with /",
            fields(":method", "GET", ":scheme", "https", ":authority", "a.test", ":path", "x/y")),
        Arguments.of(
            ":path * with GET",
            fields(":method", "GET", ":scheme", "https", ":authority", "a.test", ":path", "*")),
        Arguments.of("host differing from :authority", getWith("host", "b.test")),
        Arguments.of(
            "two content-lengths",
            fields(
                ":method",
                "GET",
                ":scheme",
                "https",
                ":authority",
                "a.test",
                ":path",
                "/",
                "content-length",
                "0",
                "content-length",
                "1")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedHeaderBlocks")
  void malformedHeaderBlockIsRefusedAndNeverReachesTheBackend(
      String name, List<Map.Entry<String, String>> headerBlock) throws Exception {
    try (RawHttp2 h2 = new RawHttp2(clientTls, dataplane.httpsPort())) {
      h2.headers(1, headerBlock, true);
      assertRefused(h2.await(1));
    }
    assertBackendSawOnlyASentinel();
  }

  @Test
  void dataBeyondContentLengthResetsTheStream() throws Exception {
    try (RawHttp2 h2 = new RawHttp2(clientTls, dataplane.httpsPort())) {
      h2.headers(1, post("3"), false);
      h2.data(1, "abcdef", true);
      assertRefused(h2.await(1));
    }
    assertBackendNeverGotACompleteRequest();
  }

  @Test
  void dataShortOfContentLengthResetsTheStream() throws Exception {
    try (RawHttp2 h2 = new RawHttp2(clientTls, dataplane.httpsPort())) {
      h2.headers(1, post("10"), false);
      h2.data(1, "abc", true);
      assertRefused(h2.await(1));
    }
    assertBackendNeverGotACompleteRequest();
  }

  @Test
  void dataThatReachesContentLengthThenGoesOnNeverCompletesUpstream() throws Exception {
    // The announced length is reached before END_STREAM: forwarding it at once would hand the
    // backend a complete request that the next DATA frame turns out to be malformed.
    try (RawHttp2 h2 = new RawHttp2(clientTls, dataplane.httpsPort())) {
      h2.headers(1, post("3"), false);
      h2.data(1, "abc", false);
      Thread.sleep(300);
      h2.data(1, "d", true);
      assertRefused(h2.await(1));
    }
    assertBackendNeverGotACompleteRequest();
  }

  @Test
  void wellFormedRequestsStillPass() throws Exception {
    try (RawHttp2 h2 = new RawHttp2(clientTls, dataplane.httpsPort())) {
      h2.headers(1, getWith("te", "trailers"), true);
      assertThat(h2.await(1))
          .isInstanceOf(Answered.class)
          .extracting(o -> ((Answered) o).status())
          .isEqualTo(200);
      h2.headers(3, post("3"), false);
      h2.data(3, "abc", false);
      h2.data(3, "", true);
      assertThat(h2.await(3))
          .isInstanceOf(Answered.class)
          .extracting(o -> ((Answered) o).status())
          .isEqualTo(200);
      h2.headers(
          5,
          fields(":method", "OPTIONS", ":scheme", "https", ":authority", "a.test", ":path", "*"),
          true);
      assertThat(h2.await(5))
          .isInstanceOf(Answered.class)
          .extracting(o -> ((Answered) o).status())
          .isEqualTo(200);
    }
    assertThat(backend.completeRequestCount()).isEqualTo(completeBefore + 3);
  }

  static List<Map.Entry<String, String>> post(String contentLength) {
    return fields(
        ":method",
        "POST",
        ":scheme",
        "https",
        ":authority",
        "a.test",
        ":path",
        "/up",
        "content-length",
        contentLength);
  }

  static void assertRefused(Outcome outcome) {
    assertThat(outcome)
        .satisfiesAnyOf(
            o -> assertThat(o).isEqualTo(new Reset(RawHttp2.PROTOCOL_ERROR)),
            o ->
                assertThat(o)
                    .isInstanceOf(Answered.class)
                    .extracting(a -> ((Answered) a).status())
                    .isEqualTo(400));
  }

  /**
   * A valid request after the refused one, answered through the same backend: anything the refused
   * stream had sent upstream has arrived by the time the sentinel's answer is back.
   */
  void sentinel() throws Exception {
    try (RawHttp2 h2 = new RawHttp2(clientTls, dataplane.httpsPort())) {
      h2.headers(1, RawHttp2.get("/sentinel"), true);
      assertThat(h2.await(1)).isInstanceOf(Answered.class);
    }
  }

  void assertBackendSawOnlyASentinel() throws Exception {
    sentinel();
    assertThat(backend.requestCount()).isEqualTo(headsBefore + 1);
  }

  void assertBackendNeverGotACompleteRequest() throws Exception {
    sentinel();
    assertThat(backend.completeRequestCount()).isEqualTo(completeBefore + 1);
  }
}
