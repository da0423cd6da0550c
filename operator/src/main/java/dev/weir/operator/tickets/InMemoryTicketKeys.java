package dev.weir.operator.tickets;

import dev.weir.operator.metrics.OperatorMetrics;
import java.security.SecureRandom;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Session-ticket keys generated and rotated in this process, for standalone mode (one process, one
 * data plane, nothing to share with): rotation still limits what a stolen key decrypts. Keys die
 * with the process, and so do the sessions they could resume.
 */
public final class InMemoryTicketKeys implements SessionTicketKeys {
  private static final Logger log = LoggerFactory.getLogger(InMemoryTicketKeys.class);

  private final RotationPolicy policy;
  private final Clock clock;
  private final OperatorMetrics metrics;
  private final SecureRandom random = new SecureRandom();
  private final RotationTimer timer;
  private volatile TicketKeyRing ring = TicketKeyRing.empty();
  private volatile Runnable onChange = () -> {};

  public InMemoryTicketKeys(RotationPolicy policy, Clock clock, OperatorMetrics metrics) {
    this.policy = policy;
    this.clock = clock;
    this.metrics = metrics;
    this.timer = new RotationTimer("weir-ticket-keys", clock, this::tick);
    metrics.ticketKeys(this::ring, clock);
  }

  /** Makes the first key now and rotates on schedule, calling {@code onChange} after each. */
  public InMemoryTicketKeys start(Runnable onChange) {
    this.onChange = onChange;
    rotateIfDue();
    timer.checkAt(policy.nextRotation(ring));
    return this;
  }

  @Override
  public TicketKeyRing ring() {
    return ring;
  }

  /** Rotates when the encrypting key is due; true when it did. */
  public synchronized boolean rotateIfDue() {
    TicketKeyRing next = policy.apply(ring, clock.instant(), random);
    if (next == ring) {
      return false;
    }
    ring = next;
    metrics.ticketKeysRotated();
    log.info(
        "event=ticket_keys_rotated store=memory keys={} next_rotation={}",
        next.keys().size(),
        policy.nextRotation(next));
    onChange.run();
    return true;
  }

  private void tick() {
    rotateIfDue();
    timer.checkAt(policy.nextRotation(ring));
  }

  @Override
  public void close() {
    timer.close();
  }
}
