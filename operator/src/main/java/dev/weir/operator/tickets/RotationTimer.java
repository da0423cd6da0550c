package dev.weir.operator.tickets;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs one check (rotate if due) on its own daemon thread, now or at a time: one pending run at a
 * time, a new request replacing the pending one. The check decides everything from the clock it is
 * given, so tests call it directly instead of waiting for this timer.
 */
final class RotationTimer implements AutoCloseable {
  private final ScheduledExecutorService executor;
  private final Runnable check;
  private final Clock clock;
  private Future<?> pending;

  RotationTimer(String threadName, Clock clock, Runnable check) {
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
    this.clock = clock;
    this.check = check;
  }

  synchronized void checkNow() {
    checkAfter(Duration.ZERO);
  }

  synchronized void checkAt(Instant when) {
    checkAfter(Duration.between(clock.instant(), when));
  }

  synchronized void checkAfter(Duration delay) {
    if (executor.isShutdown()) {
      return;
    }
    if (pending != null) {
      pending.cancel(false);
    }
    pending = executor.schedule(check, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void close() {
    executor.shutdownNow();
  }
}
