package dev.weir.operator.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The production scheduler: one daemon thread, the system's monotonic clock. */
class SerialSchedulerTest {
  @Test
  void tasksRunInOrderOnOneDaemonThreadOfTheGivenName() throws Exception {
    List<String> ran = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(3);
    try (SerialScheduler scheduler = SerialScheduler.onNewThread("weir-test-scheduler")) {
      for (String name : List.of("first", "second", "third")) {
        scheduler.execute(
            () -> {
              Thread t = Thread.currentThread();
              ran.add(name + "@" + t.getName() + (t.isDaemon() ? "/daemon" : ""));
              done.countDown();
            });
      }
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(ran)
        .containsExactly(
            "first@weir-test-scheduler/daemon",
            "second@weir-test-scheduler/daemon",
            "third@weir-test-scheduler/daemon");
  }

  @Test
  void aTaskCancelledBeforeItIsDueNeverRuns() throws Exception {
    List<String> ran = new CopyOnWriteArrayList<>();
    CountDownLatch later = new CountDownLatch(1);
    try (SerialScheduler scheduler = SerialScheduler.onNewThread("weir-test-scheduler")) {
      Future<?> cancelled =
          scheduler.schedule(() -> ran.add("cancelled"), Duration.ofMillis(50).toNanos());
      long scheduledAt = scheduler.nanoTime();
      scheduler.schedule(
          () -> {
            ran.add("later at " + (scheduler.nanoTime() - scheduledAt >= 100_000_000L));
            later.countDown();
          },
          Duration.ofMillis(100).toNanos());
      cancelled.cancel(false);

      // One thread runs tasks in due order: had the first run, it would come before this one.
      assertThat(later.await(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(ran).containsExactly("later at true");
  }

  @Test
  void itsTimeIsTheSystemsMonotonicClock() {
    try (SerialScheduler scheduler = SerialScheduler.onNewThread("weir-test-scheduler")) {
      long before = System.nanoTime();
      long now = scheduler.nanoTime();
      assertThat(now).isBetween(before, System.nanoTime());
    }
  }
}
