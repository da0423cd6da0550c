package dev.weir.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Settings;
import dev.weir.dataplane.testing.EchoBackend;
import dev.weir.dataplane.testing.RawHttp;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests a proxy must refuse, sent as exact bytes: each gets its status from Weir, the connection
 * is closed, and the backend never sees a request.
 */
class MalformedRequestTest {
  static EchoProxy proxy;
  static EchoBackend backend;
  static Dataplane dataplane;
  int countBefore;

  @BeforeAll
  static void start() throws Exception {
    proxy =
        EchoProxy.start(Settings.builder().maxRequestLineBytes(256).maxHeaderBytes(1024).build());
    backend = proxy.backend;
    dataplane = proxy.dataplane;
  }

  @AfterAll
  static void stop() {
    proxy.close();
  }

  @BeforeEach
  void count() {
    countBefore = backend.requestCount();
  }

  static Stream<Arguments> malformed() {
    String h = "Host: a.test\r\n";
    return Stream.of(
        Arguments.of(
            "content-length with transfer-encoding",
            "POST / HTTP/1.1\r\n"
                + h
                + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "0\r\n\r\n",
            400),
        Arguments.of(
            "transfer-encoding with content-length",
            "POST / HTTP/1.1\r\n"
                + h
                + "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n"
                + "0\r\n\r\n",
            400),
        Arguments.of(
            "two different content-lengths",
            "POST / HTTP/1.1\r\n" + h + "Content-Length: 4\r\nContent-Length: 5\r\n\r\nabcde",
            400),
        Arguments.of(
            "two equal content-lengths",
            "POST / HTTP/1.1\r\n" + h + "Content-Length: 4\r\nContent-Length: 4\r\n\r\nabcd",
            400),
        Arguments.of(
            "comma-separated content-lengths",
            "POST / HTTP/1.1\r\n" + h + "Content-Length: 4, 5\r\n\r\nabcde",
            400),
        Arguments.of(
            "non-numeric content-length",
            "POST / HTTP/1.1\r\n" + h + "Content-Length: +4\r\n\r\nabcd",
            400),
        Arguments.of(
            "chunked not the final coding",
            "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n",
            400),
        Arguments.of(
            "identity transfer-coding",
            "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: identity\r\n\r\n",
            400),
        Arguments.of(
            "unknown coding before chunked",
            "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
            501),
        Arguments.of(
            "transfer-encoding in HTTP/1.0",
            "POST / HTTP/1.0\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            400),
        Arguments.of("HTTP/1.1 without Host", "GET / HTTP/1.1\r\n\r\n", 400),
        Arguments.of(
            "two Host headers", "GET / HTTP/1.1\r\nHost: a.test\r\nHost: b.test\r\n\r\n", 400),
        Arguments.of("invalid Host", "GET / HTTP/1.1\r\nHost: a.test/evil\r\n\r\n", 400),
        Arguments.of(
            "whitespace before colon", "GET / HTTP/1.1\r\n" + h + "X-Foo : bar\r\n\r\n", 400),
        Arguments.of("obs-fold", "GET / HTTP/1.1\r\n" + h + "X-Foo: bar\r\n baz\r\n\r\n", 400),
        Arguments.of(
            "obs-fold with tab", "GET / HTTP/1.1\r\n" + h + "X-Foo: bar\r\n\tbaz\r\n\r\n", 400),
        Arguments.of(
            "NUL in header value", "GET / HTTP/1.1\r\n" + h + "X-Foo: b\u0000r\r\n\r\n", 400),
        Arguments.of(
            "bare CR in header value", "GET / HTTP/1.1\r\n" + h + "X-Foo: b\rar\r\n\r\n", 400),
        Arguments.of("bare LF line ending", "GET / HTTP/1.1\n" + h + "\r\n", 400),
        Arguments.of("space in header name", "GET / HTTP/1.1\r\n" + h + "X Foo: bar\r\n\r\n", 400),
        Arguments.of("malformed request line", "GET /\r\n" + h + "\r\n", 400),
        Arguments.of("garbage request line", "\u0001\u0002 nonsense\r\n\r\n", 400),
        Arguments.of("dot segment", "GET /a/../admin HTTP/1.1\r\n" + h + "\r\n", 400),
        Arguments.of("dot segment at end", "GET /a/.. HTTP/1.1\r\n" + h + "\r\n", 400),
        Arguments.of("single dot segment", "GET /a/./b HTTP/1.1\r\n" + h + "\r\n", 400),
        Arguments.of("encoded dot segment", "GET /a/%2e%2E/admin HTTP/1.1\r\n" + h + "\r\n", 400),
        Arguments.of("path without leading slash", "GET admin HTTP/1.1\r\n" + h + "\r\n", 400),
        Arguments.of("asterisk for GET", "GET * HTTP/1.1\r\n" + h + "\r\n", 400),
        Arguments.of("fragment in target", "GET /a#b HTTP/1.1\r\n" + h + "\r\n", 400),
        Arguments.of(
            "absolute-form with unknown scheme",
            "GET ftp://a.test/ HTTP/1.1\r\n" + h + "\r\n",
            400),
        Arguments.of("CONNECT", "CONNECT a.test:443 HTTP/1.1\r\n" + h + "\r\n", 405),
        Arguments.of(
            "request line over the limit",
            "GET /" + "a".repeat(300) + " HTTP/1.1\r\n" + h + "\r\n",
            414),
        Arguments.of(
            "header block over the limit",
            "GET / HTTP/1.1\r\n" + h + "X-Big: " + "b".repeat(1100) + "\r\n\r\n",
            431));
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("malformed")
  void malformedRequestIsRefusedAndNeverReachesTheBackend(String name, String request, int status)
      throws Exception {
    try (RawHttp http = new RawHttp("127.0.0.1", dataplane.httpPort())) {
      http.send(request);
      RawHttp.Response response = http.readResponse(false);
      assertThat(response.status()).isEqualTo(status);
      assertThat(response.header("connection")).isEqualToIgnoringCase("close");
      assertThat(http.closedByServer()).isTrue();
    }
    assertThat(backend.requestCount()).isEqualTo(countBefore);
  }

  @Test
  void smuggledSecondRequestInABodyIsNeverForwarded() throws Exception {
    // CL.TE: a front end reading Content-Length and a back end reading chunked would disagree.
    String smuggled = "GET /admin HTTP/1.1\r\nHost: a.test\r\n\r\n";
    String request =
        "POST / HTTP/1.1\r\nHost: a.test\r\nContent-Length: "
            + (5 + smuggled.length())
            + "\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
            + smuggled;
    try (RawHttp http = new RawHttp("127.0.0.1", dataplane.httpPort())) {
      http.send(request);
      assertThat(http.readResponse(false).status()).isEqualTo(400);
      assertThat(http.closedByServer()).isTrue();
    }
    assertThat(backend.requestCount()).isEqualTo(countBefore);
  }

  @Test
  void invalidChunkInsideABodyAbortsTheRequestWith400() throws Exception {
    // The head was valid and is already upstream when the body turns out broken (bodies are
    // streamed, never buffered): the upstream request is cut, never completed.
    try (RawHttp http = new RawHttp("127.0.0.1", dataplane.httpPort())) {
      http.send(
          "POST / HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\n\r\n"
              + "3\r\nabc\r\nzz\r\nabc\r\n0\r\n\r\n");
      RawHttp.Response response = http.readResponse(false);
      assertThat(response.status()).isEqualTo(400);
      assertThat(http.closedByServer()).isTrue();
    }
    // Let the aborted head land at the backend, so it does not count towards the next test.
    for (int i = 0; i < 100 && backend.requestCount() == countBefore; i++) {
      Thread.sleep(10);
    }
  }

  @Test
  void wellFormedRequestsStillPass() throws Exception {
    RawHttp.Response ok =
        RawHttp.exchange(
            dataplane.httpPort(),
            "POST /a/b HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n"
                + "\r\n3\r\nabc\r\n0\r\n\r\n");
    assertThat(ok.status()).isEqualTo(200);
    RawHttp.Response http10 = RawHttp.exchange(dataplane.httpPort(), "GET / HTTP/1.0\r\n\r\n");
    assertThat(http10.status()).isEqualTo(200);
    RawHttp.Response options =
        RawHttp.exchange(
            dataplane.httpPort(),
            "OPTIONS * HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n");
    assertThat(options.status()).isEqualTo(200);
    assertThat(backend.requestCount()).isEqualTo(countBefore + 3);
  }
}
