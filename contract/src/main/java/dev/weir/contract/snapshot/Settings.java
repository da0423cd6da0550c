package dev.weir.contract.snapshot;

/**
 * Listener-wide limits and timeouts. Zero or absent fields take the defaults.
 *
 * @param maxRequestLineBytes longest request line (method, URI, version); past it 414
 * @param maxHeaderBytes largest request header block; past it 431
 * @param clientIdleMillis an idle client connection is closed after this long (HTTP/2: this long
 *     without an open stream)
 * @param upstreamMaxConnectionsPerEndpoint bound of the keep-alive pool towards one endpoint
 * @param upstreamIdleMillis an idle pooled upstream connection is closed after this long
 * @param requestHeaderMillis longest time from the first byte of an HTTP/1.1 request to the end of
 *     its header block (past it 408 and the connection closed), and of an HTTP/2 header block (past
 *     it the connection closed); also bounds a TLS handshake, which never gets more than 10 s
 */
public record Settings(
    int maxRequestLineBytes,
    int maxHeaderBytes,
    long clientIdleMillis,
    int upstreamMaxConnectionsPerEndpoint,
    long upstreamIdleMillis,
    long requestHeaderMillis) {

  public static final Settings DEFAULTS = new Settings(0, 0, 0, 0, 0, 0);

  /** Smallest {@code maxRequestLineBytes} a snapshot may set. */
  public static final int MIN_REQUEST_LINE_BYTES = 256;

  /** Smallest {@code maxHeaderBytes} a snapshot may set. */
  public static final int MIN_HEADER_BYTES = 1024;

  public Settings {
    maxRequestLineBytes = maxRequestLineBytes == 0 ? 8 * 1024 : maxRequestLineBytes;
    maxHeaderBytes = maxHeaderBytes == 0 ? 32 * 1024 : maxHeaderBytes;
    clientIdleMillis = clientIdleMillis == 0 ? 60_000 : clientIdleMillis;
    upstreamMaxConnectionsPerEndpoint =
        upstreamMaxConnectionsPerEndpoint == 0 ? 256 : upstreamMaxConnectionsPerEndpoint;
    upstreamIdleMillis = upstreamIdleMillis == 0 ? 60_000 : upstreamIdleMillis;
    requestHeaderMillis = requestHeaderMillis == 0 ? 30_000 : requestHeaderMillis;
  }
}
