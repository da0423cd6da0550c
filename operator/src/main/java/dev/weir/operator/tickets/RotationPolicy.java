package dev.weir.operator.tickets;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When session-ticket keys rotate and how many are kept. A key encrypts for one {@code interval};
 * then it only decrypts, while newer keys encrypt, until it is dropped. A ticket issued just before
 * its key stopped encrypting stays valid for a {@link #TICKET_LIFETIME}, so a key must stay in the
 * ring at least that long after its last encryption: {@code (retained - 1) × interval ≥ lifetime},
 * plus one spare key for what the arithmetic does not see (a new leader whose clock runs ahead of
 * the one that made the keys rotates early).
 *
 * @param interval how long each key encrypts; at least {@link #MIN_INTERVAL}
 */
public record RotationPolicy(Duration interval) {
  /**
   * The longest a data plane's ticket is valid. With BoringSSL, TLS 1.3 tickets are issued for 48
   * hours (its {@code SSL_DEFAULT_SESSION_PSK_DHE_TIMEOUT}: Netty does not set the PSK lifetime,
   * and the data plane's 5-minute {@code sessionTimeout} bounds only TLS 1.2 sessions), as the
   * {@code ticket_lifetime} of a data plane's NewSessionTicket shows (172800 s).
   */
  public static final Duration TICKET_LIFETIME = Duration.ofHours(48);

  /**
   * An hour: a stolen key decrypts the tickets of at most about an hour (which for TLS 1.2 means
   * those sessions' traffic; TLS 1.3 resumption runs a fresh key exchange). With the 48-hour
   * lifetime that keeps 50 keys, about 3 KiB of snapshot.
   */
  public static final Duration DEFAULT_INTERVAL = Duration.ofHours(1);

  /** Shorter would keep hundreds of keys in every snapshot for a 48-hour ticket lifetime. */
  public static final Duration MIN_INTERVAL = Duration.ofMinutes(15);

  public static final RotationPolicy DEFAULT = new RotationPolicy(DEFAULT_INTERVAL);

  public RotationPolicy {
    Objects.requireNonNull(interval, "interval");
    if (interval.compareTo(MIN_INTERVAL) < 0) {
      throw new IllegalArgumentException(
          "the session-ticket key rotation interval must be at least "
              + MIN_INTERVAL.toSeconds()
              + "s, not "
              + interval.toSeconds()
              + "s");
    }
  }

  /** Keys kept: the encrypting one, enough to outlive a ticket lifetime, and one spare. */
  public int retainedKeys() {
    long intervalMillis = interval.toMillis();
    long decryptOnly = (TICKET_LIFETIME.toMillis() + intervalMillis - 1) / intervalMillis;
    return (int) (1 + decryptOnly + 1);
  }

  /**
   * Whether {@code ring} needs a new encrypting key at {@code now}: empty, or its newest is old.
   */
  public boolean due(TicketKeyRing ring, Instant now) {
    return ring.isEmpty() || !now.isBefore(nextRotation(ring));
  }

  /** When {@code ring}'s encrypting key is due to be replaced. */
  public Instant nextRotation(TicketKeyRing ring) {
    return ring.isEmpty() ? Instant.MIN : ring.encryptingKeyCreated().plus(interval);
  }

  /** {@code ring} rotated if {@linkplain #due due} at {@code now}, else {@code ring} itself. */
  public TicketKeyRing apply(TicketKeyRing ring, Instant now, SecureRandom random) {
    return due(ring, now) ? ring.rotated(now, retainedKeys(), random) : ring;
  }
}
