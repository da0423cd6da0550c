package dev.weir.dataplane.proxy.upstream;

/** What an upstream connection reports to the exchange using it. Called on its event loop. */
public interface UpstreamListener {
  /** An HttpObject of the response, or raw bytes after a protocol switch. Ownership passes. */
  void upstreamRead(UpstreamConnection connection, Object msg);

  void upstreamWritabilityChanged(UpstreamConnection connection);

  /** The connection closed (or failed and was closed) while this listener used it. */
  void upstreamClosed(UpstreamConnection connection, Throwable cause);
}
