package dev.weir.dataplane.proxy.http;

import dev.weir.dataplane.proxy.Deadline;
import dev.weir.dataplane.proxy.LogLimiter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/2 side of the slowloris bound that {@link RequestHeaderTimeout} is for HTTP/1.1: a
 * header block, from the first byte of its HEADERS frame to the end of the frame that carries
 * END_HEADERS (CONTINUATIONs included), must arrive within {@code requestHeaderMillis}, or the
 * connection is closed. A block is not a stream until it is whole, so nothing after the frame codec
 * could see one being trickled.
 *
 * <p>It sits before the codec and only follows the frame boundaries of the bytes going by (9-byte
 * frame headers, payloads skipped by length); it neither copies nor changes them, and leaves
 * checking the frames to the codec. The clock is read once per header block, and when a read ends
 * inside a frame header that might begin one. On time-out the connection is closed with GOAWAY
 * (ENHANCE_YOUR_CALM) without letting open streams finish: whoever trickles a header block gets the
 * connection cut.
 */
public final class Http2HeaderBlockTimeout extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(Http2HeaderBlockTimeout.class);

  private static final int PREFACE_BYTES = 24; // "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
  private static final int FRAME_HEADER_BYTES = 9;
  private static final int HEADERS = 0x1;
  private static final int CONTINUATION = 0x9;
  private static final int END_HEADERS = 0x4;

  private final long timeoutMillis;
  private ChannelHandlerContext ctx;
  private int prefaceLeft = PREFACE_BYTES;
  private final byte[] frameHeader = new byte[FRAME_HEADER_BYTES];
  private int frameHeaderFilled;
  private int payloadLeft;
  private boolean inBlock;
  private boolean frameEndsBlock;
  private final Deadline deadline = new Deadline(this::timedOut);

  public Http2HeaderBlockTimeout(long timeoutMillis) {
    this.timeoutMillis = timeoutMillis;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf) {
      follow(buf);
    }
    ctx.fireChannelRead(msg);
  }

  private void follow(ByteBuf buf) {
    int i = buf.readerIndex();
    int end = buf.writerIndex();
    if (prefaceLeft > 0) {
      int n = Math.min(prefaceLeft, end - i);
      prefaceLeft -= n;
      i += n;
    }
    while (i < end) {
      if (payloadLeft > 0) {
        int n = Math.min(payloadLeft, end - i);
        payloadLeft -= n;
        i += n;
        if (payloadLeft == 0) {
          frameEnded();
        }
      } else if (frameHeaderFilled == 0 && end - i >= FRAME_HEADER_BYTES) {
        frameHeader(
            buf.getUnsignedMedium(i), buf.getUnsignedByte(i + 3), buf.getUnsignedByte(i + 4));
        i += FRAME_HEADER_BYTES;
      } else {
        frameHeader[frameHeaderFilled++] = buf.getByte(i++);
        if (frameHeaderFilled == FRAME_HEADER_BYTES) {
          frameHeaderFilled = 0;
          frameHeader(
              (frameHeader[0] & 0xff) << 16
                  | (frameHeader[1] & 0xff) << 8
                  | (frameHeader[2] & 0xff),
              frameHeader[3] & 0xff,
              frameHeader[4] & 0xff);
        }
      }
    }
    if (frameHeaderFilled > 0 && !inBlock) {
      // A frame header cut short may begin a header block: the clock runs from here, unless its
      // type has arrived and is not HEADERS (a DATA frame of a slow upload is no header).
      boolean mayBeHeaders = frameHeaderFilled <= 3 || (frameHeader[3] & 0xff) == HEADERS;
      if (!mayBeHeaders) {
        deadline.disarm();
      } else if (!deadline.armed()) {
        start();
      }
    }
  }

  private void frameHeader(int length, int type, int flags) {
    if (type == HEADERS && !inBlock) {
      inBlock = true;
      if (!deadline.armed()) {
        start();
      }
    } else if (!inBlock && deadline.armed()) {
      deadline.disarm(); // the frame header that was cut short does not begin a block
    }
    // Any other frame inside a block is a protocol error the codec answers with GOAWAY.
    frameEndsBlock =
        inBlock && (flags & END_HEADERS) != 0 && (type == HEADERS || type == CONTINUATION);
    payloadLeft = length;
    if (length == 0) {
      frameEnded();
    }
  }

  private void frameEnded() {
    if (frameEndsBlock) {
      frameEndsBlock = false;
      inBlock = false;
      deadline.disarm();
    }
  }

  private void start() {
    deadline.arm(ctx.executor(), timeoutMillis, TimeUnit.MILLISECONDS);
  }

  private void timedOut() {
    if (!ctx.channel().isActive()) {
      return;
    }
    long suppressed = LogLimiter.FAILURES.admit("h2 header block timeout");
    if (suppressed != LogLimiter.SUPPRESS) {
      log.info(
          "event=connection_closed protocol=h2 reason=request_header_timeout timeout_ms={}"
              + " client={} suppressed={}",
          timeoutMillis,
          ClientAddress.of(ctx.channel()),
          suppressed);
    }
    // A connection error makes the codec (right after this handler) send GOAWAY and close at
    // once, without waiting for open streams.
    ctx.fireExceptionCaught(
        Http2Exception.connectionError(
            Http2Error.ENHANCE_YOUR_CALM, "header block not complete within %d ms", timeoutMillis));
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    deadline.stop();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    deadline.stop();
  }
}
