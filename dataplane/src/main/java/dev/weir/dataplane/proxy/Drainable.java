package dev.weir.dataplane.proxy;

import io.netty.util.AttributeKey;

/**
 * How a client connection winds down; set on the connection's channel by whichever protocol handler
 * owns it. A connection without one (still in its TLS handshake) is simply closed. Called on the
 * connection's event loop.
 */
public interface Drainable {
  AttributeKey<Drainable> KEY = AttributeKey.valueOf(Drainable.class, "drainable");

  /** Shutdown: finish what is in flight, take nothing new, then close. */
  void drain();

  /** The connection saw no traffic for the client idle time: close it unless it is busy. */
  void idle();
}
