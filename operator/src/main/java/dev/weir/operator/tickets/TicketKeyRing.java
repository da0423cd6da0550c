package dev.weir.operator.tickets;

import dev.weir.contract.snapshot.TicketKey;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The session-ticket keys in use, newest first: the newest encrypts new tickets, every key decrypts
 * (the order the snapshot's {@code ticketKeys} take). Immutable; {@link #ticketKeys()} is one list
 * for the ring's life, so snapshots that carry an unchanged ring share it and the data plane sees
 * by identity that its ticket keys did not change.
 */
public final class TicketKeyRing {
  private static final TicketKeyRing EMPTY = new TicketKeyRing(List.of());

  private final List<SessionTicketKey> keys;
  private final List<TicketKey> ticketKeys;

  private TicketKeyRing(List<SessionTicketKey> keys) {
    this.keys = keys;
    this.ticketKeys = keys.stream().map(SessionTicketKey::ticketKey).toList();
  }

  public static TicketKeyRing empty() {
    return EMPTY;
  }

  /** The ring of {@code keys}, in any order: sorted newest first. */
  public static TicketKeyRing of(List<SessionTicketKey> keys) {
    List<SessionTicketKey> sorted = new ArrayList<>(keys);
    sorted.sort(Comparator.comparing(SessionTicketKey::created).reversed());
    return sorted.isEmpty() ? EMPTY : new TicketKeyRing(List.copyOf(sorted));
  }

  /**
   * This ring with a new key made at {@code now} in front, keeping at most {@code retained} keys
   * (the oldest go).
   */
  public TicketKeyRing rotated(Instant now, int retained, SecureRandom random) {
    if (retained < 1) {
      throw new IllegalArgumentException("retained must be at least 1");
    }
    List<SessionTicketKey> next = new ArrayList<>(retained);
    next.add(SessionTicketKey.generate(random, now));
    keys.stream().limit(retained - 1L).forEach(next::add);
    return new TicketKeyRing(List.copyOf(next));
  }

  /** Newest first. */
  public List<SessionTicketKey> keys() {
    return keys;
  }

  /** The keys as the snapshot carries them, the encrypting key first. */
  public List<TicketKey> ticketKeys() {
    return ticketKeys;
  }

  public boolean isEmpty() {
    return keys.isEmpty();
  }

  /** When the encrypting key was made; null for an empty ring. */
  public Instant encryptingKeyCreated() {
    return keys.isEmpty() ? null : keys.get(0).created();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TicketKeyRing other && keys.equals(other.keys);
  }

  @Override
  public int hashCode() {
    return keys.hashCode();
  }

  /** A count and the encrypting key's age, never key material. */
  @Override
  public String toString() {
    return "TicketKeyRing[" + keys.size() + " keys, newest created " + encryptingKeyCreated() + "]";
  }
}
