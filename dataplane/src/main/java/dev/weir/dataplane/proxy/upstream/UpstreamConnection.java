package dev.weir.dataplane.proxy.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.ScheduledFuture;

/**
 * What an exchange sends its request on and reads its response from, as HTTP/1.x messages: a
 * keep-alive HTTP/1.1 connection (over TLS for a re-encrypting backend) to one endpoint, used by
 * one exchange at a time; or, for a gRPC backend, one HTTP/2 stream on a connection shared with
 * other exchanges ({@link #multiplexed}), whose pipeline converts frames to those messages and
 * back.
 *
 * <p>The request goes out through {@link #writeHead}, {@link #writeContent} and {@link #flush}: on
 * an HTTP/1.1 connection as bytes Weir frames itself ({@link RequestBytes}; its pipeline has no
 * request encoder), on a stream as the messages its codec converts. Every write has a void promise:
 * a failed write shows as the connection closing, which the exchange handles.
 */
public final class UpstreamConnection {
  public final Channel channel;
  public final EndpointKey endpoint;

  /** The pool it belongs to: its endpoint, or for TLS its endpoint, settings and name. */
  final Object poolKey;

  /**
   * True for an HTTP/2 stream: it ends with its exchange (closing it resets it if unfinished),
   * while its connection stays with {@link Http2Connections}.
   */
  final boolean multiplexed;

  /** False for a connection opened for the current request, true once it came from the pool. */
  boolean reused;

  UpstreamListener listener;

  /** True while it waits in its pool. */
  boolean pooled;

  /** When it last went back to the pool (System.nanoTime()). */
  long idleSinceNanos;

  /** The pending idle check, if any; it outlives reuses (see UpstreamPools#release). */
  ScheduledFuture<?> idleCheck;

  Throwable failure;

  // The request being sent is chunked (HTTP/1.1): its body goes out as chunks.
  private boolean chunkedRequest;
  // Written since the last flush.
  private boolean unflushed;

  /** Its HTTP/1.x response decoder; null for an HTTP/2 stream. */
  final UpstreamResponseDecoder decoder;

  UpstreamConnection(
      Channel channel, EndpointKey endpoint, Object poolKey, UpstreamResponseDecoder decoder) {
    this.channel = channel;
    this.endpoint = endpoint;
    this.poolKey = poolKey;
    this.multiplexed = false;
    this.decoder = decoder;
  }

  UpstreamConnection(Channel channel, EndpointKey endpoint, Object poolKey, boolean multiplexed) {
    this.channel = channel;
    this.endpoint = endpoint;
    this.poolKey = poolKey;
    this.multiplexed = multiplexed;
    this.decoder = null;
  }

  /** Whether it came from the pool rather than being opened for the current request. */
  public boolean reused() {
    return reused;
  }

  /**
   * A request goes out on this connection: the next response head answers it ({@code head}: a HEAD
   * request, whose response has no body). With {@code relay} (an HTTP/1.1 client), a body framed by
   * length or chunks arrives as its bytes (see {@link UpstreamResponseDecoder}).
   *
   * @return whether it will: an HTTP/1.1 connection relays, an HTTP/2 stream never does
   */
  public boolean expectResponse(boolean head, boolean relay) {
    if (decoder == null) {
      return false;
    }
    decoder.expectResponse(head, relay);
    return relay;
  }

  /** The body bytes of the current response without chunk framing; 0 for an HTTP/2 stream. */
  public long responseContentBytes() {
    return decoder == null ? 0 : decoder.contentBytes();
  }

  /** Writes a request's head (not flushed). */
  public void writeHead(HttpRequest head) {
    unflushed = true;
    if (decoder == null) {
      channel.write(head, channel.voidPromise());
      return;
    }
    // As HttpRequestEncoder decides it: the head, as sent, says whether the body is chunked.
    chunkedRequest =
        head.headers()
            .containsValue(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED, true);
    channel.write(RequestBytes.head(channel.alloc(), head), channel.voidPromise());
  }

  /**
   * Writes a part of the request's body (not flushed); ownership passes. Over HTTP/1.1 a body of
   * known length goes as its bytes (a last part's trailers are dropped, as the encoder did), a
   * chunked one as chunks, the last with the trailers.
   */
  public void writeContent(HttpContent content) {
    if (decoder == null) {
      unflushed = true;
      channel.write(content, channel.voidPromise());
      return;
    }
    ByteBuf data = content.content();
    int size = data.readableBytes();
    if (size > 0) {
      unflushed = true;
      if (chunkedRequest) {
        channel.write(RequestBytes.chunkSize(channel.alloc(), size), channel.voidPromise());
        channel.write(data, channel.voidPromise());
        channel.write(RequestBytes.chunkEnd(), channel.voidPromise());
      } else {
        channel.write(data, channel.voidPromise());
      }
    } else {
      data.release();
    }
    if (chunkedRequest && content instanceof LastHttpContent last) {
      unflushed = true;
      channel.write(
          RequestBytes.lastChunk(channel.alloc(), last.trailingHeaders()), channel.voidPromise());
    }
  }

  /** Flushes what was written since the last flush; nothing when nothing was. */
  public void flush() {
    if (unflushed) {
      unflushed = false;
      channel.flush();
    }
  }

  /** Between responses with nothing unread: it may carry another request. */
  boolean clean() {
    return decoder == null || decoder.reusable();
  }

  // What the last handler of its pipeline (UpstreamResponseDecoder, or UpstreamHandler on a
  // stream) does with what arrives. An idle pooled connection expects nothing: anything it
  // receives takes it out of service.

  void received(ChannelHandlerContext ctx, Object msg) {
    UpstreamListener l = listener;
    if (l == null) {
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    l.upstreamRead(this, msg);
  }

  void writabilityChanged() {
    UpstreamListener l = listener;
    if (l != null) {
      l.upstreamWritabilityChanged(this);
    }
  }

  void closed() {
    UpstreamListener l = listener;
    listener = null;
    if (l != null) {
      l.upstreamClosed(this, failure);
    }
  }

  void failed(ChannelHandlerContext ctx, Throwable cause) {
    if (failure == null) {
      failure = cause;
    }
    ctx.close();
  }

  public void attach(UpstreamListener l) {
    listener = l;
  }

  public void detach() {
    listener = null;
  }

  @Override
  public String toString() {
    return "UpstreamConnection[" + endpoint + "]";
  }
}
