package dev.weir.dataplane.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What an upstream connection writes for a request is, byte for byte, what Netty's
 * HttpRequestEncoder wrote before Weir framed requests itself: targets, header lines, bodies by
 * length and by chunks, trailers.
 */
class RequestBytesTest {
  private static HttpHeaders headers(String... namesAndValues) {
    HttpHeaders h = DefaultHttpHeadersFactory.headersFactory().withValidation(false).newHeaders();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      h.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return h;
  }

  private static HttpRequest request(String method, String target, HttpHeaders headers) {
    return new DefaultHttpRequest(
        HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), target, headers);
  }

  private static ByteBuf bytes(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
  }

  static Stream<Arguments> requests() {
    HttpHeaders chunked = headers("Host", "h", "transfer-encoding", "chunked");
    HttpHeaders trailers = headers("X-Sum", "11", "X-Other", "a b");
    return Stream.of(
        Arguments.of(
            "origin-form target, same-name lines, Weir's AsciiString names",
            (Supplier<List<HttpObject>>)
                () -> {
                  HttpHeaders h = headers("Host", "h", "X-Multi", "one", "X-Multi", "two");
                  h.add(AsciiString.cached("x-forwarded-for"), "127.0.0.1");
                  return List.of(
                      request("GET", "/a/b?c=d&e", h), LastHttpContent.EMPTY_LAST_CONTENT);
                }),
        Arguments.of(
            "empty target",
            (Supplier<List<HttpObject>>)
                () ->
                    List.of(
                        request("OPTIONS", "", headers("Host", "h")),
                        LastHttpContent.EMPTY_LAST_CONTENT)),
        Arguments.of(
            "absolute-form targets without a path",
            (Supplier<List<HttpObject>>)
                () ->
                    List.of(
                        request("GET", "http://h", headers()),
                        LastHttpContent.EMPTY_LAST_CONTENT,
                        request("GET", "http://h?q=/x", headers()),
                        LastHttpContent.EMPTY_LAST_CONTENT,
                        request("GET", "http://h/p?q", headers()),
                        LastHttpContent.EMPTY_LAST_CONTENT)),
        Arguments.of(
            "a target beyond ASCII, values beyond ISO-8859-1, obs-text",
            (Supplier<List<HttpObject>>)
                () ->
                    List.of(
                        request("GET", "/\u00fc\u4e2d", headers("X-A", "\u00e9\u0100z", "X-B", "")),
                        LastHttpContent.EMPTY_LAST_CONTENT)),
        Arguments.of(
            "a body of known length, its last part's trailers dropped",
            (Supplier<List<HttpObject>>)
                () ->
                    List.of(
                        request("POST", "/u", headers("Content-Length", "11")),
                        new DefaultHttpContent(bytes("hello")),
                        new DefaultHttpContent(Unpooled.EMPTY_BUFFER),
                        new DefaultLastHttpContent(bytes(" world"), trailers.copy()))),
        Arguments.of(
            "a chunked body with an empty part and trailers",
            (Supplier<List<HttpObject>>)
                () ->
                    List.of(
                        request("POST", "/c", chunked.copy()),
                        new DefaultHttpContent(bytes("hello")),
                        new DefaultHttpContent(Unpooled.EMPTY_BUFFER),
                        new DefaultLastHttpContent(bytes(" world"), trailers.copy()))),
        Arguments.of(
            "chunked bodies ending empty, one after the other on a connection",
            (Supplier<List<HttpObject>>)
                () ->
                    List.of(
                        request("POST", "/c", chunked.copy()),
                        LastHttpContent.EMPTY_LAST_CONTENT,
                        request("POST", "/c", chunked.copy()),
                        new DefaultHttpContent(bytes("x".repeat(300))),
                        new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER),
                        request("GET", "/after", headers("Host", "h")),
                        LastHttpContent.EMPTY_LAST_CONTENT)),
        Arguments.of(
            "a Transfer-Encoding a policy set with other codings, and mixed case",
            (Supplier<List<HttpObject>>)
                () ->
                    List.of(
                        request("POST", "/c", headers("Transfer-Encoding", "CHUNKED")),
                        new DefaultLastHttpContent(bytes("abc")))));
  }

  private static String drain(EmbeddedChannel ch) {
    StringBuilder out = new StringBuilder();
    for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
      out.append(b.toString(StandardCharsets.ISO_8859_1));
      b.release();
    }
    return out.toString();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("requests")
  void writesWhatHttpRequestEncoderWrote(String name, Supplier<List<HttpObject>> messages) {
    EmbeddedChannel encoder = new EmbeddedChannel(new HttpRequestEncoder());
    for (HttpObject m : messages.get()) {
      encoder.writeOutbound(m);
    }
    String expected = drain(encoder);

    EmbeddedChannel channel = new EmbeddedChannel();
    EndpointKey key = new EndpointKey("127.0.0.1", 80);
    UpstreamConnection connection =
        new UpstreamConnection(channel, key, key, new UpstreamResponseDecoder());
    List<ByteBuf> contents = new ArrayList<>();
    for (HttpObject m : messages.get()) {
      if (m instanceof HttpRequest head) {
        connection.writeHead(head);
      } else {
        HttpContent content = (HttpContent) m;
        contents.add(content.content());
        connection.writeContent(content);
      }
      connection.flush();
    }
    assertThat(drain(channel)).isEqualTo(expected).isNotEmpty();
    // Every part's buffer was written or let go of.
    assertThat(contents).allMatch(b -> b.refCnt() == 0 || b == Unpooled.EMPTY_BUFFER);
    encoder.finishAndReleaseAll();
    channel.finishAndReleaseAll();
  }
}
