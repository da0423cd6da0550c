package dev.weir.dataplane.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The decoder on its own: every byte boundary, and the heads it refuses. */
class UpstreamResponseDecoderTest {
  /** What the decoder made of a response: the head, the body, trailers, and how it ended. */
  private record Decoded(
      HttpResponse head, String body, String trailers, boolean ended, String problem) {}

  private static Decoded decode(String response, boolean head, int pieceSize) {
    UpstreamResponseDecoder decoder = new UpstreamResponseDecoder();
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    decoder.expectResponse(head);
    byte[] bytes = response.getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i < bytes.length; i += pieceSize) {
      ch.writeInbound(Unpooled.copiedBuffer(bytes, i, Math.min(pieceSize, bytes.length - i)));
    }
    List<Object> out = new ArrayList<>();
    for (Object o; (o = ch.readInbound()) != null; ) {
      out.add(o);
    }
    HttpResponse finalHead = null;
    StringBuilder body = new StringBuilder();
    String trailers = "";
    boolean ended = false;
    String problem = null;
    for (Object o : out) {
      if (o instanceof HttpObject h && h.decoderResult().isFailure()) {
        problem = h.decoderResult().cause().getMessage();
      } else if (o instanceof HttpResponse r && r.status().code() >= 200) {
        finalHead = r;
      }
      if (o instanceof HttpContent c && finalHead != null) {
        body.append(c.content().toString(StandardCharsets.ISO_8859_1));
        if (c instanceof LastHttpContent last) {
          ended = true;
          trailers = last.trailingHeaders().toString();
        }
      }
      ReferenceCountUtil.release(o);
    }
    ch.finishAndReleaseAll();
    return new Decoded(finalHead, body.toString(), trailers, ended, problem);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 1000})
  void aResponseSplitAnywhereDecodesTheSame(int pieceSize) {
    Decoded d =
        decode(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A:  spaced value \r\n\r\n"
                + "3;a=\"b;c\"\r\nabc\r\n1\r\nd\r\n0\r\nX-Sum: 9\r\n\r\n",
            false,
            pieceSize);
    assertThat(d.problem()).isNull();
    assertThat(d.head().headers().get("x-a")).isEqualTo("spaced value");
    assertThat(d.body()).isEqualTo("abcd");
    assertThat(d.trailers()).contains("X-Sum");
    assertThat(d.ended()).isTrue();
  }

  /** The bytes a relaying decoder passes on after the head, and whether a last part ended them. */
  private static String relayed(String response, int pieceSize, UpstreamResponseDecoder decoder) {
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    decoder.expectResponse(false, true);
    byte[] bytes = response.getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i < bytes.length; i += pieceSize) {
      ch.writeInbound(Unpooled.copiedBuffer(bytes, i, Math.min(pieceSize, bytes.length - i)));
    }
    StringBuilder out = new StringBuilder();
    for (Object o; (o = ch.readInbound()) != null; ) {
      if (o instanceof ByteBuf b) {
        out.append(b.toString(StandardCharsets.ISO_8859_1));
      } else if (o instanceof LastHttpContent last) {
        out.append(last.content().toString(StandardCharsets.ISO_8859_1)).append("<end>");
      }
      ReferenceCountUtil.release(o);
    }
    ch.finishAndReleaseAll();
    return out.toString();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 1000})
  void aRelayedChunkedBodyKeepsItsChunksDropsExtensionsAndReencodesTrailers(int pieceSize) {
    UpstreamResponseDecoder decoder = new UpstreamResponseDecoder();
    String out =
        relayed(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3;a=\"b;c\"\r\nabc\r\n1 \r\nd\r\n2\nef\r\n0\r\nX-Sum : 9\r\n\r\n",
            pieceSize,
            decoder);
    assertThat(out).isEqualTo("3\r\nabc\r\n1\r\nd\r\n2\r\nef\r\n0\r\nX-Sum: 9\r\n\r\n<end>");
    assertThat(decoder.contentBytes()).isEqualTo(6);
    assertThat(decoder.reusable()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 1000})
  void aRelayedBodyOfKnownLengthIsPassedOnAsReceived(int pieceSize) {
    UpstreamResponseDecoder decoder = new UpstreamResponseDecoder();
    assertThat(relayed("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", pieceSize, decoder))
        .endsWith("o<end>")
        .startsWith("h")
        .hasSize("hello<end>".length());
    assertThat(
            relayed(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                pieceSize,
                new UpstreamResponseDecoder()))
        .isEqualTo("0\r\n\r\n<end>");
  }

  @Test
  void aBodyEndedByTheCloseIsDecodedEvenWhenRelaying() {
    UpstreamResponseDecoder decoder = new UpstreamResponseDecoder();
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    decoder.expectResponse(false, true);
    ch.writeInbound(ascii("HTTP/1.0 200 OK\r\n\r\nuntil"));
    ch.finish();
    List<Object> out = new ArrayList<>();
    for (Object o; (o = ch.readInbound()) != null; ) {
      out.add(o);
      ReferenceCountUtil.release(o);
    }
    assertThat(out).hasSize(3).allMatch(o -> o instanceof HttpObject);
  }

  @Test
  void fieldNamesKeepTheirSpellingWhetherCommonOrNot() {
    Decoded d =
        decode(
            "HTTP/1.1 200 OK\r\nServer: pod\r\nCONTENT-TYPE: a\r\ncontent-type: b\r\n"
                + "Content-Typf: c\r\nDate: d\r\nX-Date: e\r\nset-cookie: f\r\n"
                + "Content-Length: 0\r\n\r\n",
            false,
            1);
    assertThat(d.problem()).isNull();
    assertThat(d.head().headers().names())
        .containsExactlyInAnyOrder(
            "Server",
            "CONTENT-TYPE",
            "content-type",
            "Content-Typf",
            "Date",
            "X-Date",
            "set-cookie",
            "Content-Length");
    assertThat(d.head().headers().getAll("content-type")).containsExactly("a", "b");
    assertThat(d.head().headers().get("Content-Typf")).isEqualTo("c");
  }

  @Test
  void bareLineFeedsEndLinesAndWhitespaceBeforeTheColonIsDropped() {
    Decoded d = decode("HTTP/1.1 201 Created\nContent-Length : 2\n\nok", false, 1);
    assertThat(d.problem()).isNull();
    assertThat(d.head().status().code()).isEqualTo(201);
    assertThat(d.body()).isEqualTo("ok");
    assertThat(d.ended()).isTrue();
  }

  @Test
  void aHeadResponseEndsWithItsHeadWhateverTheLength() {
    Decoded d = decode("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", true, 1);
    assertThat(d.ended()).isTrue();
    assertThat(d.body()).isEmpty();
  }

  static Stream<Arguments> broken() {
    return Stream.of(
        Arguments.of("HTTP/2 200 OK\r\n\r\n", "invalid status line"),
        Arguments.of("HTTP/1.1 20 OK\r\n\r\n", "invalid status line"),
        Arguments.of("HTTP/1.1 099 Odd\r\n\r\n", "invalid status line"),
        Arguments.of("HTTP/1.1 200OK\r\n\r\n", "invalid status line"),
        Arguments.of("HTTP/1.1 200 OK\r\n folded: x\r\n\r\n", "obsolete line folding"),
        Arguments.of("HTTP/1.1 200 OK\r\nA: 1\r\n  more\r\n\r\n", "obsolete line folding"),
        Arguments.of("HTTP/1.1 200 OK\r\n: x\r\n\r\n", "invalid field name"),
        Arguments.of("HTTP/1.1 200 OK\r\nna(me: x\r\n\r\n", "invalid field name"),
        Arguments.of("HTTP/1.1 200 OK\r\nno colon\r\n\r\n", "invalid field name"),
        Arguments.of("HTTP/1.1 200 OK\r\nA: x\0y\r\n\r\n", "invalid field value"),
        Arguments.of("HTTP/1.1 200 OK\r\nA: x\ry\r\n\r\n", "invalid field value"),
        Arguments.of(
            "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx",
            "more than one Content-Length"),
        Arguments.of("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "invalid Content-Length"),
        Arguments.of("HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\n", "invalid Content-Length"),
        Arguments.of(
            "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
            "invalid Content-Length"),
        Arguments.of(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
            "transfer coding other than chunked"),
        Arguments.of(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
            "transfer coding other than chunked"),
        Arguments.of(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n", "invalid chunk size"),
        Arguments.of(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", "invalid chunk size"),
        Arguments.of(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n",
            "chunk data not followed by CRLF"),
        Arguments.of(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n",
            "chunk size too large"),
        Arguments.of(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;\0\r\n",
            "invalid chunk extension"),
        Arguments.of(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nbad trailer\r\n\r\n",
            "invalid field name"));
  }

  @ParameterizedTest
  @MethodSource("broken")
  void brokenFramingIsNamed(String response, String problem) {
    for (int piece : new int[] {1, 1000}) {
      assertThat(decode(response, false, piece).problem()).isEqualTo(problem);
    }
  }

  @Test
  void aHeadOver64KiBIsRefusedWithoutWaitingForItsEnd() {
    String huge = "HTTP/1.1 200 OK\r\n" + ("X-F: " + "f".repeat(1000) + "\r\n").repeat(70);
    assertThat(decode(huge, false, 4096).problem()).startsWith("response head over");
  }

  @Test
  void bytesBeyondTheResponseMakeTheConnectionUnusableAndAreNeverDecoded() {
    UpstreamResponseDecoder decoder = new UpstreamResponseDecoder();
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    assertThat(decoder.reusable()).isTrue();
    decoder.expectResponse(false);
    assertThat(decoder.reusable()).isFalse();
    ch.writeInbound(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
    assertThat(decoder.reusable()).isTrue();
    ch.writeInbound(ascii("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsmuggl"));
    assertThat(decoder.reusable()).isFalse();
    assertThat(ch.isOpen()).isFalse();
    List<Object> out = new ArrayList<>();
    for (Object o; (o = ch.readInbound()) != null; ) {
      out.add(o);
      ReferenceCountUtil.release(o);
    }
    assertThat(out).hasSize(2); // the head and the body of the first response only
  }

  @Test
  void aBodyWithoutFramingEndsWithTheConnection() {
    UpstreamResponseDecoder decoder = new UpstreamResponseDecoder();
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    decoder.expectResponse(false);
    ch.writeInbound(ascii("HTTP/1.0 200 OK\r\n\r\nuntil"));
    ch.writeInbound(ascii(" the end"));
    ch.finish();
    StringBuilder body = new StringBuilder();
    boolean ended = false;
    for (Object o; (o = ch.readInbound()) != null; ) {
      if (o instanceof HttpContent c) {
        body.append(c.content().toString(StandardCharsets.US_ASCII));
        ended |= c instanceof LastHttpContent;
      }
      ReferenceCountUtil.release(o);
    }
    assertThat(body).hasToString("until the end");
    assertThat(ended).isTrue();
  }

  @Test
  void interimHeadsPrecedeTheFinalOne() {
    Decoded d =
        decode(
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                + "HTTP/1.1 204 No Content\r\n\r\n",
            false,
            5);
    assertThat(d.head().status().code()).isEqualTo(204);
    assertThat(d.ended()).isTrue();
  }

  private static ByteBuf ascii(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
  }
}
