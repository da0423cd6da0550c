package dev.weir.operator.publish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.Endpoint;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.SnapshotUpdate;
import dev.weir.contract.snapshot.VirtualHost;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The publisher on a {@link ManualScheduler}: time moves only when a test advances it. */
class SnapshotPublisherTest {
  private static final Clock STOPPED_CLOCK =
      Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);

  private final ManualScheduler scheduler = new ManualScheduler();
  private final AtomicInteger endpoints = new AtomicInteger();
  private final List<SnapshotUpdate> published = new ArrayList<>();
  private final List<Duration> publishedAt = new ArrayList<>();
  private SnapshotPublisher publisher;

  private Snapshot translate() {
    List<Endpoint> list = new ArrayList<>();
    for (int i = 0; i < endpoints.get(); i++) {
      list.add(Endpoint.ready("10.0.0." + (i % 250 + 1), 8000 + i));
    }
    return Snapshot.builder().backends(Backend.of("ns/svc:80", list)).build();
  }

  private SnapshotPublisher start(Duration quiet, Duration maxDelay) {
    return start(this::translate, quiet, maxDelay, Clock.systemUTC());
  }

  private SnapshotPublisher start(
      Supplier<Snapshot> translate, Duration quiet, Duration maxDelay, Clock clock) {
    publisher =
        new SnapshotPublisher(
            translate,
            update -> {
              published.add(update);
              publishedAt.add(Duration.ofNanos(scheduler.nanoTime()));
            },
            quiet,
            maxDelay,
            clock,
            scheduler);
    return publisher;
  }

  @AfterEach
  void close() {
    if (publisher != null) {
      publisher.close();
    }
  }

  private Snapshot snapshot(int i) {
    return published.get(i).snapshot();
  }

  @Test
  void aThousandChangesWithinASecondProduceAHandfulOfSnapshots() {
    start(Duration.ofMillis(100), Duration.ofSeconds(1));
    for (int i = 1; i <= 1_000; i++) {
      endpoints.set(i);
      publisher.changed();
      scheduler.advance(Duration.ofNanos(900_000));
    }
    scheduler.advance(Duration.ofMillis(1_500));

    assertThat(published).hasSizeBetween(1, 5);
    assertThat(snapshot(published.size() - 1).backends().get(0).endpoints()).hasSize(1_000);
    // The first change's at once; the rest, 0.9 ms apart, coalesced until 100 ms after the last.
    assertThat(publishedAt).containsExactly(Duration.ZERO, Duration.ofNanos(999_100_000));
  }

  @Test
  void aBurstLongerThanTheMaximumDelayIsPublishedAtLeastThatOften() {
    start(Duration.ofMillis(100), Duration.ofMillis(500));
    for (int ms = 0; ms < 3_000; ms += 50) {
      endpoints.incrementAndGet();
      publisher.changed();
      scheduler.advance(Duration.ofMillis(50));
    }
    scheduler.advance(Duration.ofSeconds(1));

    // Changes every 50 ms never leave the 100 ms quiet period. After the first (published at once)
    // each snapshot goes out 500 ms after the first change it holds (the one at 50 ms, then the one
    // made right after each publication); the last one 100 ms after the last change, at 2,950 ms.
    assertThat(publishedAt)
        .containsExactly(
            Duration.ZERO,
            Duration.ofMillis(550),
            Duration.ofMillis(1_050),
            Duration.ofMillis(1_550),
            Duration.ofMillis(2_050),
            Duration.ofMillis(2_550),
            Duration.ofMillis(3_050));
    assertThat(snapshot(published.size() - 1).backends().get(0).endpoints()).hasSize(60);
  }

  @Test
  void aLoneChangeIsPublishedWithoutWaitingForTheQuietPeriod() {
    start(Duration.ofSeconds(1), Duration.ofSeconds(5));
    endpoints.set(1);
    publisher.changed();

    assertThat(published).hasSize(1);
    assertThat(publishedAt).containsExactly(Duration.ZERO);

    scheduler.advance(Duration.ofSeconds(1));
    endpoints.set(2);
    publisher.changed();
    assertThat(publishedAt)
        .as("a change a whole quiet period after the last translation is lone too")
        .containsExactly(Duration.ZERO, Duration.ofSeconds(1));
  }

  @Test
  void aChangeRightAfterATranslationWaitsForTheQuietPeriod() {
    start(Duration.ofMillis(300), Duration.ofSeconds(5));
    endpoints.set(1);
    publisher.changed();
    assertThat(published).hasSize(1);

    endpoints.set(2);
    publisher.changed();
    scheduler.advance(Duration.ofMillis(299));
    assertThat(published).hasSize(1);
    scheduler.advance(Duration.ofMillis(1));
    assertThat(published).hasSize(2);
    assertThat(publishedAt).containsExactly(Duration.ZERO, Duration.ofMillis(300));
  }

  @Test
  void aPublishedSnapshotSharesWhatDidNotChangeWithThePreviousOne() {
    List<Snapshot> translations = new ArrayList<>();
    start(
        () -> {
          Snapshot s =
              Snapshot.builder()
                  .backends(
                      Backend.of("ns/fixed:80", List.of(Endpoint.ready("10.0.0.1", 80))),
                      translate().backends().get(0))
                  .build();
          translations.add(s);
          return s;
        },
        Duration.ofMillis(10),
        Duration.ofMillis(100),
        Clock.systemUTC());
    endpoints.set(1);
    publisher.publishNow();
    endpoints.set(2);
    publisher.publishNow();

    assertThat(published).hasSize(2);
    Snapshot second = snapshot(1);
    // Equal to what was translated, but the unchanged backend is the first snapshot's object.
    assertThat(second.withVersion(0)).isEqualTo(translations.get(1));
    assertThat(second.backends().get(0))
        .isSameAs(snapshot(0).backends().get(0))
        .isNotSameAs(translations.get(1).backends().get(0));
    assertThat(second.backends().get(1)).isSameAs(translations.get(1).backends().get(1));
  }

  @Test
  void eachSnapshotIsPublishedWithItsDeltaFromThePreviousOne() throws Exception {
    start(Duration.ofMillis(10), Duration.ofMillis(100));
    endpoints.set(1);
    publisher.publishNow();
    endpoints.set(2);
    publisher.publishNow();

    assertThat(published.get(0).delta()).as("the first snapshot has nothing before it").isNull();
    SnapshotUpdate second = published.get(1);
    assertThat(second.delta().baseVersion()).isEqualTo(snapshot(0).version());
    assertThat(second.delta().version()).isEqualTo(second.snapshot().version());
    assertThat(second.delta().upsertBackends())
        .containsExactly(second.snapshot().backends().get(0));
    assertThat(second.delta().applyTo(snapshot(0))).isEqualTo(second.snapshot());
  }

  @Test
  void aChangeNoDeltaExpressesIsPublishedWhole() {
    List<List<VirtualHost>> orders =
        List.of(
            List.of(VirtualHost.of("a.example", List.of()), VirtualHost.of("b.example", List.of())),
            List.of(
                VirtualHost.of("b.example", List.of()), VirtualHost.of("a.example", List.of())));
    AtomicInteger next = new AtomicInteger();
    start(
        () -> Snapshot.builder().virtualHosts(orders.get(next.getAndIncrement())).build(),
        Duration.ofMillis(10),
        Duration.ofMillis(100),
        Clock.systemUTC());
    publisher.publishNow();
    publisher.publishNow();

    // A merge keeps a sorted order; a reordering has no delta, and goes out whole.
    assertThat(published).hasSize(2);
    assertThat(published.get(1).delta()).isNull();
    assertThat(snapshot(1).virtualHosts()).isEqualTo(orders.get(1));
  }

  @Test
  void versionsIncreaseAndUnchangedTranslationsAreNotRepublished() {
    start(this::translate, Duration.ofMillis(10), Duration.ofMillis(100), STOPPED_CLOCK);
    endpoints.set(1);
    publisher.publishNow();
    publisher.publishNow();
    endpoints.set(2);
    publisher.publishNow();

    assertThat(published).hasSize(2);
    assertThat(snapshot(1).version()).isGreaterThan(snapshot(0).version());
    // Wall-clock milliseconds, made strictly increasing when the clock does not move.
    assertThat(snapshot(0).version()).isEqualTo(STOPPED_CLOCK.millis());
    assertThat(snapshot(1).version()).isEqualTo(STOPPED_CLOCK.millis() + 1);
    assertThat(publisher.lastPublished()).isSameAs(snapshot(1));
  }
}
