package dev.weir.dataplane.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.RateLimit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/** nginx's limit_req (burst, nodelay) and limit_conn arithmetic, on an injected clock. */
class RateLimitZoneTest {
  final AtomicLong now = new AtomicLong(1_000_000);
  final LongAdder evictions = new LongAdder();

  RateLimitZone zone(int rps, int rpm, int connections, int burst, int maxClients) {
    return new RateLimitZone(rps, rpm, connections, burst, maxClients, now::get, evictions);
  }

  @Test
  void burstPassesAtOnceThenTheRateRefills() {
    RateLimitZone zone = zone(2, 0, 0, 5, 100); // burst 10
    for (int i = 0; i < 11; i++) {
      assertThat(zone.tryAcquire("a")).as("request " + i).isTrue();
    }
    assertThat(zone.tryAcquire("a")).isFalse();
    assertThat(zone.tryAcquire("b")).as("another client has its own bucket").isTrue();
    now.addAndGet(499);
    assertThat(zone.tryAcquire("a")).as("not yet one request drained").isFalse();
    now.addAndGet(1);
    assertThat(zone.tryAcquire("a")).isTrue();
    assertThat(zone.tryAcquire("a")).isFalse();
  }

  @Test
  void aBurstMultiplierOfZeroAllowsOneRequestPerInterval() {
    RateLimitZone zone = zone(0, 60, 0, 0, 100);
    assertThat(zone.tryAcquire("a")).isTrue();
    assertThat(zone.tryAcquire("a")).isFalse();
    now.addAndGet(1000);
    assertThat(zone.tryAcquire("a")).isTrue();
  }

  @Test
  void aRefusalByOneLimitChargesNoneOfThem() {
    RateLimitZone zone = zone(1, 2, 0, 1, 100); // bursts: 1 per second, 2 per minute
    assertThat(zone.tryAcquire("a")).isTrue();
    assertThat(zone.tryAcquire("a")).isTrue();
    assertThat(zone.tryAcquire("a")).isFalse(); // refused by rps; rpm not charged
    now.addAndGet(1000);
    // Had the refusal charged rpm, its excess would be past its burst now.
    assertThat(zone.tryAcquire("a")).isTrue();
  }

  @Test
  void connectionsAreCountedUntilReleased() {
    RateLimitZone zone = zone(0, 0, 2, 5, 100);
    assertThat(zone.tryAcquire("a")).isTrue();
    assertThat(zone.tryAcquire("a")).isTrue();
    assertThat(zone.tryAcquire("a")).isFalse();
    zone.release("a");
    assertThat(zone.tryAcquire("a")).isTrue();
  }

  @Test
  void theTableIsBoundedDrainedClientsGoFirstAndEvictionsAreCounted() {
    RateLimitZone zone = zone(1, 0, 0, 1, 3);
    zone.tryAcquire("a");
    zone.tryAcquire("b");
    zone.tryAcquire("c");
    zone.tryAcquire("c");
    assertThat(zone.trackedClients()).isEqualTo(3);
    zone.tryAcquire("d");
    assertThat(zone.trackedClients()).isEqualTo(3);
    assertThat(evictions.sum()).isEqualTo(1);
    now.addAndGet(10_000);
    for (int i = 0; i < 100; i++) {
      zone.tryAcquire("client-" + i);
    }
    assertThat(zone.trackedClients()).isLessThanOrEqualTo(3);
  }

  @Test
  void theSameLimitsGetTheSameZoneAcrossSnapshots() {
    RateLimitZones zones = new RateLimitZones(now::get, 10, evictions);
    RateLimit limit = new RateLimit("shop/web", 1, null, null, null, null, null);
    RateLimitZone first = zones.zone(limit);
    assertThat(zones.zone(new RateLimit("shop/web", 1, null, null, null, null, 429)))
        .isSameAs(first);
    assertThat(zones.zone(new RateLimit("shop/web", 2, null, null, null, null, null)))
        .isNotSameAs(first);
    assertThat(zones.zone(new RateLimit("shop/api", 1, null, null, null, null, null)))
        .isNotSameAs(first);
  }
}
