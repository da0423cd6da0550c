package dev.weir.dataplane.proxy.upstream;

import io.netty.channel.Channel;
import java.util.concurrent.ScheduledFuture;

/**
 * A keep-alive HTTP/1.1 connection (over TLS for a re-encrypting backend) to one endpoint; used by
 * one exchange at a time.
 */
public final class UpstreamConnection {
  public final Channel channel;
  public final EndpointKey endpoint;

  /** The pool it belongs to: its endpoint, or for TLS its endpoint, settings and name. */
  final Object poolKey;

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

  UpstreamConnection(Channel channel, EndpointKey endpoint, Object poolKey) {
    this.channel = channel;
    this.endpoint = endpoint;
    this.poolKey = poolKey;
  }

  /** Whether it came from the pool rather than being opened for the current request. */
  public boolean reused() {
    return reused;
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
