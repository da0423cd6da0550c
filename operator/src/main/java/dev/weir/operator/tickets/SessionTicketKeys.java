package dev.weir.operator.tickets;

import dev.weir.contract.snapshot.TicketKey;
import java.util.List;

/**
 * Where the session-ticket keys of every published snapshot come from: generated and rotated in
 * memory ({@link InMemoryTicketKeys}, standalone mode) or kept in a Secret that the leader rotates
 * and every replica reads ({@link SecretTicketKeys}).
 */
public interface SessionTicketKeys extends AutoCloseable {

  /**
   * The keys to publish, the encrypting key first; empty before any are known (the data plane then
   * keeps keys of its own). The same list instance as long as the keys do not change.
   */
  default List<TicketKey> current() {
    return ring().ticketKeys();
  }

  /** The keys held now. */
  TicketKeyRing ring();

  @Override
  void close();
}
