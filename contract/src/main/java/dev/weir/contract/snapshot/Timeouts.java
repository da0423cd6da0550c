package dev.weir.contract.snapshot;

/**
 * Upstream timeouts of a backend, in milliseconds. Zero or absent fields take the defaults.
 *
 * @param connectMillis time to open a connection to an endpoint; past it the attempt counts as a
 *     connect failure (retried on another endpoint for idempotent requests, else 502)
 * @param readMillis longest silence while waiting for the endpoint's response (between two reads);
 *     before the response started this answers 504, after it the connection is cut
 */
public record Timeouts(long connectMillis, long readMillis) {
  public static final long DEFAULT_CONNECT_MILLIS = 5_000;
  public static final long DEFAULT_READ_MILLIS = 60_000;
  public static final Timeouts DEFAULTS = new Timeouts(DEFAULT_CONNECT_MILLIS, DEFAULT_READ_MILLIS);

  public Timeouts {
    connectMillis = connectMillis == 0 ? DEFAULT_CONNECT_MILLIS : connectMillis;
    readMillis = readMillis == 0 ? DEFAULT_READ_MILLIS : readMillis;
  }
}
