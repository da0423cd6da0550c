package dev.weir.dataplane.proxy.upstream;

import io.netty.channel.Channel;
import java.util.concurrent.ScheduledFuture;

/**
 * What an exchange sends its request on and reads its response from, as HTTP/1.x messages: a
 * keep-alive HTTP/1.1 connection (over TLS for a re-encrypting backend) to one endpoint, used by
 * one exchange at a time; or, for a gRPC backend, one HTTP/2 stream on a connection shared with
 * other exchanges ({@link #multiplexed}), whose pipeline converts frames to those messages and
 * back.
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

  /** Between responses with nothing unread: it may carry another request. */
  boolean clean() {
    return decoder == null || decoder.reusable();
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
