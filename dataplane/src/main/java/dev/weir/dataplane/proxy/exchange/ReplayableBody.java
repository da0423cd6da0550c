package dev.weir.dataplane.proxy.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * A small request body kept while it is sent upstream, so that a request that failed after it was
 * sent whole can be sent again elsewhere: nginx's rule that a request is passed to the next server
 * only while its body can be sent again. Nothing is copied: the body's buffers are kept as retained
 * duplicates in a composite, until {@link #release} (exactly once, however often it is called).
 * Past {@link #MAX_BYTES}, or with trailers, the body is given up at once: a request that large is
 * never resent, and its buffers are not held.
 */
final class ReplayableBody {
  /** The largest body kept. */
  static final int MAX_BYTES = 64 * 1024;

  private CompositeByteBuf kept;
  private int bytes;
  private boolean givenUp;

  /** Keeps {@code content}'s bytes (before it is written, which consumes them). */
  void keep(HttpContent content, ByteBufAllocator alloc) {
    if (givenUp) {
      return;
    }
    ByteBuf data = content.content();
    int readable = data.readableBytes();
    if (bytes + readable > MAX_BYTES
        || content instanceof LastHttpContent last && !last.trailingHeaders().isEmpty()) {
      release();
      givenUp = true;
      return;
    }
    if (readable > 0) {
      if (kept == null) {
        kept = alloc.compositeBuffer();
      }
      kept.addComponent(true, data.retainedDuplicate());
      bytes += readable;
    }
  }

  /** Whether every byte given to {@link #keep} is still held. */
  boolean whole() {
    return !givenUp;
  }

  /** The body again, as the request's last content; the caller's to write (and so release). */
  LastHttpContent replay() {
    return new DefaultLastHttpContent(
        kept == null ? Unpooled.EMPTY_BUFFER : kept.retainedDuplicate());
  }

  int size() {
    return bytes;
  }

  /** Lets go of the body; it cannot be replayed after this. */
  void release() {
    if (kept != null) {
      kept.release();
      kept = null;
    }
    givenUp = true;
  }
}
