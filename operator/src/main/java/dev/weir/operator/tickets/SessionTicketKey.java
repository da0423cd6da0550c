package dev.weir.operator.tickets;

import dev.weir.contract.snapshot.SecretValue;
import dev.weir.contract.snapshot.TicketKey;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/**
 * One session-ticket key and when it was made: the creation time is what tells, after a restart or
 * a change of leader, whether the encrypting key is due for rotation. The key prints as {@code
 * <redacted>} ({@link SecretValue}).
 *
 * @param key {@link TicketKey#LENGTH_BYTES} random bytes, base64
 */
public record SessionTicketKey(SecretValue key, Instant created) {
  public SessionTicketKey {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(created, "created");
  }

  /** A new key of {@link TicketKey#LENGTH_BYTES} bytes from {@code random}, made at {@code now}. */
  public static SessionTicketKey generate(SecureRandom random, Instant now) {
    byte[] bytes = new byte[TicketKey.LENGTH_BYTES];
    random.nextBytes(bytes);
    return new SessionTicketKey(new SecretValue(Base64.getEncoder().encodeToString(bytes)), now);
  }

  TicketKey ticketKey() {
    return new TicketKey(key);
  }
}
