package dev.weir.contract.snapshot;

/**
 * Listener-wide limits and timeouts. {@link #DEFAULTS} holds the default of each; {@link
 * #builder()} starts from them. In a snapshot's JSON, a field of 0 takes its default (the canonical
 * constructor, which the decoder calls, makes that substitution), and so does an absent {@code
 * settings}.
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
 * @param proxyProtocol every connection accepted after the snapshot is applied must start with a
 *     PROXY protocol (v1 or v2) header naming the client, else it is closed; a data plane started
 *     with {@code --proxy-protocol} requires it whatever the snapshot says. Absent (how false
 *     reads, so a snapshot without it encodes as before): not required (schema version 3)
 */
public record Settings(
    int maxRequestLineBytes,
    int maxHeaderBytes,
    long clientIdleMillis,
    int upstreamMaxConnectionsPerEndpoint,
    long upstreamIdleMillis,
    long requestHeaderMillis,
    Boolean proxyProtocol) {

  public static final int DEFAULT_MAX_REQUEST_LINE_BYTES = 8 * 1024;
  public static final int DEFAULT_MAX_HEADER_BYTES = 32 * 1024;
  public static final long DEFAULT_CLIENT_IDLE_MILLIS = 60_000;
  public static final int DEFAULT_UPSTREAM_MAX_CONNECTIONS_PER_ENDPOINT = 256;
  public static final long DEFAULT_UPSTREAM_IDLE_MILLIS = 60_000;
  public static final long DEFAULT_REQUEST_HEADER_MILLIS = 30_000;

  /** Every setting at its default. */
  public static final Settings DEFAULTS =
      new Settings(
          DEFAULT_MAX_REQUEST_LINE_BYTES,
          DEFAULT_MAX_HEADER_BYTES,
          DEFAULT_CLIENT_IDLE_MILLIS,
          DEFAULT_UPSTREAM_MAX_CONNECTIONS_PER_ENDPOINT,
          DEFAULT_UPSTREAM_IDLE_MILLIS,
          DEFAULT_REQUEST_HEADER_MILLIS,
          false);

  /** Smallest {@code maxRequestLineBytes} a snapshot may set. */
  public static final int MIN_REQUEST_LINE_BYTES = 256;

  /** Smallest {@code maxHeaderBytes} a snapshot may set. */
  public static final int MIN_HEADER_BYTES = 1024;

  public Settings {
    maxRequestLineBytes =
        maxRequestLineBytes == 0 ? DEFAULT_MAX_REQUEST_LINE_BYTES : maxRequestLineBytes;
    maxHeaderBytes = maxHeaderBytes == 0 ? DEFAULT_MAX_HEADER_BYTES : maxHeaderBytes;
    clientIdleMillis = clientIdleMillis == 0 ? DEFAULT_CLIENT_IDLE_MILLIS : clientIdleMillis;
    upstreamMaxConnectionsPerEndpoint =
        upstreamMaxConnectionsPerEndpoint == 0
            ? DEFAULT_UPSTREAM_MAX_CONNECTIONS_PER_ENDPOINT
            : upstreamMaxConnectionsPerEndpoint;
    upstreamIdleMillis =
        upstreamIdleMillis == 0 ? DEFAULT_UPSTREAM_IDLE_MILLIS : upstreamIdleMillis;
    requestHeaderMillis =
        requestHeaderMillis == 0 ? DEFAULT_REQUEST_HEADER_MILLIS : requestHeaderMillis;
    proxyProtocol = Boolean.TRUE.equals(proxyProtocol) ? Boolean.TRUE : null;
  }

  /** Whether connections must start with a PROXY protocol header. */
  public boolean usesProxyProtocol() {
    return Boolean.TRUE.equals(proxyProtocol);
  }

  /** A builder starting from {@link #DEFAULTS}. */
  public static Builder builder() {
    return DEFAULTS.toBuilder();
  }

  /** A builder starting from these settings. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds {@link Settings}; a setting not given keeps the value the builder started from. */
  public static final class Builder {
    private int maxRequestLineBytes;
    private int maxHeaderBytes;
    private long clientIdleMillis;
    private int upstreamMaxConnectionsPerEndpoint;
    private long upstreamIdleMillis;
    private long requestHeaderMillis;
    private boolean proxyProtocol;

    private Builder(Settings from) {
      maxRequestLineBytes = from.maxRequestLineBytes;
      maxHeaderBytes = from.maxHeaderBytes;
      clientIdleMillis = from.clientIdleMillis;
      upstreamMaxConnectionsPerEndpoint = from.upstreamMaxConnectionsPerEndpoint;
      upstreamIdleMillis = from.upstreamIdleMillis;
      requestHeaderMillis = from.requestHeaderMillis;
      proxyProtocol = from.usesProxyProtocol();
    }

    public Builder maxRequestLineBytes(int value) {
      maxRequestLineBytes = value;
      return this;
    }

    public Builder maxHeaderBytes(int value) {
      maxHeaderBytes = value;
      return this;
    }

    public Builder clientIdleMillis(long value) {
      clientIdleMillis = value;
      return this;
    }

    public Builder upstreamMaxConnectionsPerEndpoint(int value) {
      upstreamMaxConnectionsPerEndpoint = value;
      return this;
    }

    public Builder upstreamIdleMillis(long value) {
      upstreamIdleMillis = value;
      return this;
    }

    public Builder requestHeaderMillis(long value) {
      requestHeaderMillis = value;
      return this;
    }

    public Builder proxyProtocol(boolean value) {
      proxyProtocol = value;
      return this;
    }

    public Settings build() {
      return new Settings(
          maxRequestLineBytes,
          maxHeaderBytes,
          clientIdleMillis,
          upstreamMaxConnectionsPerEndpoint,
          upstreamIdleMillis,
          requestHeaderMillis,
          proxyProtocol);
    }
  }
}
