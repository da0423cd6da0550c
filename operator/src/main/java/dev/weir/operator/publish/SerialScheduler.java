package dev.weir.operator.publish;

import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs tasks one at a time, now or after a delay, and tells the monotonic time it schedules by. The
 * publisher decides its coalescing on one: in production a daemon thread and {@link
 * System#nanoTime}; in tests a manual one whose time moves only when the test advances it, so the
 * timing rules are tested exactly and without sleeping.
 */
interface SerialScheduler extends Executor, AutoCloseable {

  /** Monotonic nanoseconds, as {@link System#nanoTime}: only differences mean anything. */
  long nanoTime();

  /** Runs {@code task} after {@code delayNanos}; cancelling the result before it runs stops it. */
  Future<?> schedule(Runnable task, long delayNanos);

  /** Stops: tasks not yet run never run. */
  @Override
  void close();

  /** A scheduler on a new daemon thread of this name, on the system's monotonic clock. */
  static SerialScheduler onNewThread(String threadName) {
    ScheduledExecutorService executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
    return new SerialScheduler() {
      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public void execute(Runnable task) {
        executor.execute(task);
      }

      @Override
      public Future<?> schedule(Runnable task, long delayNanos) {
        return executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
      }

      @Override
      public void close() {
        executor.shutdownNow();
      }
    };
  }
}
