package dev.weir.contract.snapshot;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Upstream timeouts, in milliseconds, of a backend or (overriding it) of a route. Zero or absent
 * fields take the defaults.
 *
 * @param connectMillis time to open a connection to an endpoint; past it the attempt counts as a
 *     connect failure (retried on another endpoint for idempotent requests, else 502)
 * @param readMillis longest silence while waiting for the endpoint's response (between two reads);
 *     before the response started this answers 504, after it the connection is cut
 * @param sendMillis longest time a write of the request to the endpoint may stall (between two
 *     successful writes, as nginx's proxy_send_timeout); past it the exchange fails (504 if no
 *     response started)
 */
public record Timeouts(
    long connectMillis,
    long readMillis,
    // A wrapper so that snapshots written before it existed still read (a missing primitive is
    // refused); left out of the JSON at its default, so they also encode as before.
    @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = Timeouts.OmitDefaultSend.class)
        Long sendMillis) {
  public static final long DEFAULT_CONNECT_MILLIS = 5_000;
  public static final long DEFAULT_READ_MILLIS = 60_000;
  public static final long DEFAULT_SEND_MILLIS = 60_000;
  public static final Timeouts DEFAULTS =
      new Timeouts(DEFAULT_CONNECT_MILLIS, DEFAULT_READ_MILLIS, (Long) DEFAULT_SEND_MILLIS);

  public Timeouts {
    connectMillis = connectMillis == 0 ? DEFAULT_CONNECT_MILLIS : connectMillis;
    readMillis = readMillis == 0 ? DEFAULT_READ_MILLIS : readMillis;
    sendMillis = sendMillis == null || sendMillis == 0 ? DEFAULT_SEND_MILLIS : sendMillis;
  }

  /** Connect and read timeouts; the send timeout at its default. */
  public Timeouts(long connectMillis, long readMillis) {
    this(connectMillis, readMillis, 0L);
  }

  /** Jackson's filter: the default send timeout is left out of the JSON. */
  static final class OmitDefaultSend {
    @Override
    public boolean equals(Object value) {
      return value == null || Long.valueOf(DEFAULT_SEND_MILLIS).equals(value);
    }

    @Override
    public int hashCode() {
      return 0;
    }
  }
}
