package dev.weir.dataplane.proxy;

import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A timeout that is set and cleared far more often than it expires: once per request on a
 * keep-alive connection. It is a deadline plus at most one pending task that checks it, re-arming
 * itself for the rest when it fires early, rather than a task scheduled and cancelled each time.
 * Only a deadline earlier than the pending task's reschedules it. Used from one event loop.
 */
public final class Deadline {
  private final Runnable expired;
  private EventExecutor executor;
  private boolean armed;
  private long deadlineNanos;
  private ScheduledFuture<?> task;
  private long taskFiresNanos;

  /** {@code expired} runs on the event loop when an armed deadline passes (once per arming). */
  public Deadline(Runnable expired) {
    this.expired = expired;
  }

  /** Expires {@code timeoutNanos} from now, unless disarmed or armed again before. */
  public void arm(EventExecutor executor, long timeoutNanos) {
    this.executor = executor;
    long now = System.nanoTime();
    deadlineNanos = now + timeoutNanos;
    armed = true;
    if (task != null) {
      if (taskFiresNanos - deadlineNanos <= 0) {
        return;
      }
      task.cancel(false);
    }
    schedule(now, timeoutNanos);
  }

  public void arm(EventExecutor executor, long timeout, TimeUnit unit) {
    arm(executor, unit.toNanos(timeout));
  }

  public boolean armed() {
    return armed;
  }

  /** Stops the clock; the pending task, if any, stays and finds nothing to do. */
  public void disarm() {
    armed = false;
  }

  /** Stops the clock and cancels the pending task: what it watched is over. */
  public void stop() {
    armed = false;
    if (task != null) {
      task.cancel(false);
      task = null;
    }
  }

  private void schedule(long now, long delayNanos) {
    taskFiresNanos = now + delayNanos;
    task = executor.schedule(this::fired, delayNanos, TimeUnit.NANOSECONDS);
  }

  private void fired() {
    task = null;
    if (!armed) {
      return;
    }
    long now = System.nanoTime();
    long left = deadlineNanos - now;
    if (left > 0) {
      schedule(now, left);
      return;
    }
    armed = false;
    expired.run();
  }
}
