package dev.weir.dataplane.proxy.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The kept body: references, not copies, released exactly once. */
class ReplayableBodyTest {
  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

  private static ByteBuf bytes(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
  }

  @Test
  void keepsTheBodyByReferenceAndGivesItBackWholeUntilReleased() {
    ByteBuf first = bytes("hello ");
    ByteBuf last = bytes("world");
    ReplayableBody body = new ReplayableBody();
    body.keep(new DefaultHttpContent(first), ALLOC);
    body.keep(new DefaultLastHttpContent(last), ALLOC);
    // As the upstream write would: it consumes and releases the sent content.
    first.skipBytes(first.readableBytes()).release();
    last.skipBytes(last.readableBytes()).release();
    assertThat(first.refCnt()).as("still held by the kept body").isEqualTo(1);

    assertThat(body.whole()).isTrue();
    assertThat(body.size()).isEqualTo(11);
    for (int i = 0; i < 2; i++) {
      LastHttpContent replay = body.replay();
      assertThat(replay.content().toString(StandardCharsets.US_ASCII)).isEqualTo("hello world");
      replay.release();
    }
    body.release();
    body.release();
    assertThat(first.refCnt()).isZero();
    assertThat(last.refCnt()).isZero();
    assertThat(body.whole()).isFalse();
  }

  @Test
  void aBodyPastTheLimitIsGivenUpAndNotHeld() {
    ByteBuf small = bytes("x");
    ByteBuf large = Unpooled.buffer(ReplayableBody.MAX_BYTES).writeZero(ReplayableBody.MAX_BYTES);
    ReplayableBody body = new ReplayableBody();
    body.keep(new DefaultHttpContent(small), ALLOC);
    body.keep(new DefaultHttpContent(large), ALLOC);
    assertThat(body.whole()).isFalse();
    assertThat(small.refCnt()).as("let go of at once").isEqualTo(1);
    assertThat(large.refCnt()).isEqualTo(1);
    small.release();
    large.release();
  }

  @Test
  void trailersAreNotKeptSoTheBodyIsGivenUp() {
    ByteBuf data = bytes("a");
    LastHttpContent withTrailer = new DefaultLastHttpContent(data);
    withTrailer.trailingHeaders().set("x-checksum", "1");
    ReplayableBody body = new ReplayableBody();
    body.keep(withTrailer, ALLOC);
    assertThat(body.whole()).isFalse();
    assertThat(data.refCnt()).isEqualTo(1);
    data.release();
  }
}
