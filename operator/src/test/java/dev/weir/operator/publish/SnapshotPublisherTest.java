package dev.weir.operator.publish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.Endpoint;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.SnapshotUpdate;
import dev.weir.contract.snapshot.VirtualHost;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SnapshotPublisherTest {
  private final AtomicInteger endpoints = new AtomicInteger();
  private final List<Snapshot> published = new CopyOnWriteArrayList<>();
  private final List<SnapshotUpdate> updates = new CopyOnWriteArrayList<>();

  private void record(SnapshotUpdate update) {
    updates.add(update);
    published.add(update.snapshot());
  }

  private Snapshot translate() {
    List<Endpoint> list = new ArrayList<>();
    for (int i = 0; i < endpoints.get(); i++) {
      list.add(Endpoint.ready("10.0.0." + (i % 250 + 1), 8000 + i));
    }
    return Snapshot.builder().backends(List.of(Backend.of("ns/svc:80", list))).build();
  }

  @Test
  void aThousandChangesWithinASecondProduceAHandfulOfSnapshots() throws Exception {
    try (SnapshotPublisher publisher =
        new SnapshotPublisher(
            this::translate,
            this::record,
            Duration.ofMillis(100),
            Duration.ofSeconds(1),
            Clock.systemUTC())) {
      for (int i = 1; i <= 1_000; i++) {
        endpoints.set(i);
        publisher.changed();
        Thread.sleep(0, 900_000);
      }
      Thread.sleep(1_500);
    }
    assertThat(published).hasSizeBetween(1, 5);
    assertThat(published.get(published.size() - 1).backends().get(0).endpoints()).hasSize(1_000);
  }

  @Test
  void aLoneChangeIsPublishedWithoutWaitingForTheQuietPeriod() throws Exception {
    try (SnapshotPublisher publisher =
        new SnapshotPublisher(
            this::translate,
            this::record,
            Duration.ofSeconds(1),
            Duration.ofSeconds(5),
            Clock.systemUTC())) {
      endpoints.set(1);
      long start = System.nanoTime();
      publisher.changed();
      while (published.isEmpty() && System.nanoTime() - start < 2_000_000_000L) {
        Thread.sleep(5);
      }
      assertThat(published).hasSize(1);
      // Far less than the one-second quiet period: a lone change does not wait for it.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
    }
  }

  @Test
  void aChangeRightAfterATranslationWaitsForTheQuietPeriod() throws Exception {
    try (SnapshotPublisher publisher =
        new SnapshotPublisher(
            this::translate,
            this::record,
            Duration.ofMillis(300),
            Duration.ofSeconds(5),
            Clock.systemUTC())) {
      endpoints.set(1);
      publisher.changed();
      long start = System.nanoTime();
      while (published.isEmpty() && System.nanoTime() - start < 2_000_000_000L) {
        Thread.sleep(5);
      }
      endpoints.set(2);
      long second = System.nanoTime();
      publisher.changed();
      while (published.size() < 2 && System.nanoTime() - second < 2_000_000_000L) {
        Thread.sleep(5);
      }
      assertThat(published).hasSize(2);
      assertThat(Duration.ofNanos(System.nanoTime() - second))
          .isGreaterThanOrEqualTo(Duration.ofMillis(250));
    }
  }

  @Test
  void aPublishedSnapshotSharesWhatDidNotChangeWithThePreviousOne() {
    List<Snapshot> translations = new CopyOnWriteArrayList<>();
    try (SnapshotPublisher publisher =
        new SnapshotPublisher(
            () -> {
              Snapshot s =
                  Snapshot.builder()
                      .backends(
                          List.of(
                              Backend.of("ns/fixed:80", List.of(Endpoint.ready("10.0.0.1", 80))),
                              translate().backends().get(0)))
                      .build();
              translations.add(s);
              return s;
            },
            this::record,
            Duration.ofMillis(10),
            Duration.ofMillis(100),
            Clock.systemUTC())) {
      endpoints.set(1);
      publisher.publishNow();
      endpoints.set(2);
      publisher.publishNow();
    }
    assertThat(published).hasSize(2);
    Snapshot second = published.get(1);
    // Equal to what was translated, but the unchanged backend is the first snapshot's object.
    assertThat(second.withVersion(0)).isEqualTo(translations.get(1));
    assertThat(second.backends().get(0))
        .isSameAs(published.get(0).backends().get(0))
        .isNotSameAs(translations.get(1).backends().get(0));
    assertThat(second.backends().get(1)).isSameAs(translations.get(1).backends().get(1));
  }

  @Test
  void versionsIncreaseAndUnchangedTranslationsAreNotRepublished() {
    try (SnapshotPublisher publisher =
        new SnapshotPublisher(
            this::translate,
            this::record,
            Duration.ofMillis(10),
            Duration.ofMillis(100),
            Clock.systemUTC())) {
      endpoints.set(1);
      publisher.publishNow();
      publisher.publishNow();
      endpoints.set(2);
      publisher.publishNow();
    }
    assertThat(published).hasSize(2);
    assertThat(published.get(1).version()).isGreaterThan(published.get(0).version());
  }

  @Test
  void eachSnapshotIsPublishedWithItsDeltaFromThePreviousOne() throws Exception {
    try (SnapshotPublisher publisher =
        new SnapshotPublisher(
            this::translate,
            this::record,
            Duration.ofMillis(10),
            Duration.ofMillis(100),
            Clock.systemUTC())) {
      endpoints.set(1);
      publisher.publishNow();
      endpoints.set(2);
      publisher.publishNow();
    }

    assertThat(updates.get(0).delta()).as("the first snapshot has nothing before it").isNull();
    SnapshotUpdate second = updates.get(1);
    assertThat(second.delta().baseVersion()).isEqualTo(published.get(0).version());
    assertThat(second.delta().version()).isEqualTo(second.snapshot().version());
    assertThat(second.delta().upsertBackends())
        .containsExactly(second.snapshot().backends().get(0));
    assertThat(second.delta().applyTo(published.get(0))).isEqualTo(second.snapshot());
  }

  @Test
  void aChangeNoDeltaExpressesIsPublishedWhole() {
    List<List<VirtualHost>> orders =
        List.of(
            List.of(VirtualHost.of("a.example", List.of()), VirtualHost.of("b.example", List.of())),
            List.of(
                VirtualHost.of("b.example", List.of()), VirtualHost.of("a.example", List.of())));
    AtomicInteger next = new AtomicInteger();
    try (SnapshotPublisher publisher =
        new SnapshotPublisher(
            () -> Snapshot.builder().virtualHosts(orders.get(next.getAndIncrement())).build(),
            this::record,
            Duration.ofMillis(10),
            Duration.ofMillis(100),
            Clock.systemUTC())) {
      publisher.publishNow();
      publisher.publishNow();
    }

    // A merge keeps a sorted order; a reordering has no delta, and goes out whole.
    assertThat(updates).hasSize(2);
    assertThat(updates.get(1).delta()).isNull();
    assertThat(published.get(1).virtualHosts()).isEqualTo(orders.get(1));
  }
}
