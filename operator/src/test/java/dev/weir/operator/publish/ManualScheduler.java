package dev.weir.operator.publish;

import java.time.Duration;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * A {@link SerialScheduler} on the test's thread whose time moves only in {@link #advance}. A task
 * due now runs before the call that made it due returns; later ones run as time reaches them, each
 * seeing its own due time as the time. An exception of a task reaches the test.
 */
final class ManualScheduler implements SerialScheduler {
  private record Task(long due, long order, Runnable run, CompletableFuture<Void> future) {}

  private final PriorityQueue<Task> queue =
      new PriorityQueue<>(Comparator.comparingLong(Task::due).thenComparingLong(Task::order));
  private long now;
  private long order;
  private boolean running;
  private boolean closed;

  @Override
  public long nanoTime() {
    return now;
  }

  @Override
  public void execute(Runnable task) {
    schedule(task, 0);
  }

  @Override
  public Future<?> schedule(Runnable task, long delayNanos) {
    if (closed) {
      throw new IllegalStateException("closed");
    }
    CompletableFuture<Void> future = new CompletableFuture<>();
    queue.add(new Task(now + Math.max(0, delayNanos), order++, task, future));
    runUntil(now);
    return future;
  }

  /** Moves time forward by {@code d}, running every task that falls due on the way. */
  void advance(Duration d) {
    runUntil(now + d.toNanos());
  }

  private void runUntil(long until) {
    if (running) {
      return; // the task running now made another due: the loop below runs it next
    }
    running = true;
    try {
      while (!queue.isEmpty() && queue.peek().due() <= until) {
        Task task = queue.poll();
        now = Math.max(now, task.due());
        if (!task.future().isCancelled()) {
          task.run().run();
          task.future().complete(null);
        }
      }
      now = Math.max(now, until);
    } finally {
      running = false;
    }
  }

  @Override
  public void close() {
    closed = true;
    queue.clear();
  }
}
