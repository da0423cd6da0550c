package dev.weir.operator.tickets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.operator.metrics.OperatorMetrics;
import dev.weir.operator.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Standalone mode's keys: made at start, rotated on an injected clock, each change announced. */
class InMemoryTicketKeysTest {

  @Test
  void keysAreMadeAtStartAndRotatedWhenDueWithEachChangeAnnounced() {
    SettableClock clock = new SettableClock(Instant.parse("2030-01-01T00:00:00Z"));
    OperatorMetrics metrics = new OperatorMetrics(List::of);
    AtomicInteger changes = new AtomicInteger();
    try (InMemoryTicketKeys keys =
        new InMemoryTicketKeys(new RotationPolicy(Duration.ofHours(1)), clock, metrics)) {
      keys.start(changes::incrementAndGet);
      var first = keys.current();
      assertThat(first).hasSize(1);
      assertThat(changes).hasValue(1);

      clock.advance(Duration.ofMinutes(59));
      assertThat(keys.rotateIfDue()).isFalse();
      assertThat(keys.current()).isSameAs(first);

      clock.advance(Duration.ofMinutes(1));
      assertThat(keys.rotateIfDue()).isTrue();
      assertThat(keys.current()).hasSize(2).endsWith(first.get(0));
      assertThat(changes).hasValue(2);

      String scraped = metrics.scrape();
      assertThat(scraped).contains("weir_operator_ticket_key_rotations_total 2.0");
      assertThat(scraped).contains("weir_operator_ticket_keys 2.0");
      assertThat(scraped).contains("weir_operator_ticket_key_age_seconds 0.0");
      for (var key : keys.current()) {
        assertThat(scraped).doesNotContain(key.key().reveal());
      }
    }
  }
}
