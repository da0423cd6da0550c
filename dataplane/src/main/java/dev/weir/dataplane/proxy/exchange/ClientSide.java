package dev.weir.dataplane.proxy.exchange;

import dev.weir.dataplane.proxy.ListenerContext;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;

/**
 * The client side of one {@link Exchange}: an HTTP/1.1 connection ({@link ExchangeHandler}) or one
 * stream of an HTTP/2 connection ({@link Http2ClientConnection}). The exchange reads the request
 * from it one message at a time ({@link #readNext}) and writes the response to it; everything it
 * knows of the client goes through here.
 */
interface ClientSide {
  ListenerContext listener();

  /** Whether the client speaks HTTP/2 (the response is framed by the stream). */
  boolean http2();

  /** The client's connection: its addresses, TLS session and attributes. */
  Channel connection();

  /** The client connection's allocator. */
  default ByteBufAllocator alloc() {
    return connection().alloc();
  }

  /** The event loop of the client connection, where all of its exchanges run. */
  default EventLoop eventLoop() {
    return connection().eventLoop();
  }

  /** Writes and flushes a part of the response; nobody waits for it. */
  void write(HttpObject msg);

  /** Writes and flushes a part of the response whose completion the exchange waits for. */
  ChannelFuture writeLast(HttpObject msg);

  /** HTTP/1.1 only: bytes of a relayed response, past the response encoder. */
  void relay(ByteBuf bytes);

  /** HTTP/1.1 only: the last bytes of a relayed response. */
  ChannelFuture relayLast(ByteBuf bytes);

  /** Whether the client takes more of the response now. */
  boolean isWritable();

  /** Asks for the next message of the request: a request head, or a part of the current body. */
  void readNext();

  void armReadTimer(long millis);

  /** Disarms the read timeout; a pending task stays and finds nothing to do. */
  void disarmReadTimer();

  /** Whether the connection closes after the current exchange. */
  boolean draining();

  /** {@code exchange} is over: the connection takes the next request, or closes if it drains. */
  void exchangeEnded(Exchange exchange);

  /** HTTP/1.1 only: the current exchange switched the connection to a byte relay. */
  void upgraded();

  /**
   * Ends a response that cannot be completed: an HTTP/1.x connection is closed (the client sees the
   * body end short of its framing); an HTTP/2 stream is reset, which closing it would not do once
   * the client has ended its side.
   */
  void reset();

  /** Closes the connection (HTTP/1.x) or the stream (HTTP/2). */
  void close();

  /**
   * Passes a part of the request body to {@code exchange}, or drops it when no exchange runs.
   *
   * @return whether the client must be closed: a broken body without a head it belongs to
   */
  static boolean bodyPart(Exchange exchange, HttpContent content) {
    if (exchange != null) {
      exchange.requestContent(content);
      return false;
    }
    // Only a head starts an exchange; a body without one cannot be trusted.
    boolean broken = content.decoderResult().isFailure();
    content.release();
    return broken;
  }
}
