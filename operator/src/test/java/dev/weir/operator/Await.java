package dev.weir.operator;

import java.time.Duration;
import java.util.function.Predicate;

/** Bounded polling for what happens asynchronously (informers, publishing, reconnects). */
final class Await {
  /** What is polled; may throw while the system is not there yet (refused connection, ...). */
  interface Probe<T> {
    T get() throws Exception;
  }

  private Await() {}

  /**
   * Polls {@code probe} until {@code done} holds for its value, and returns that value; fails after
   * {@code timeout} naming {@code what} and the last thing observed.
   */
  static <T> T until(String what, Duration timeout, Probe<T> probe, Predicate<T> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Object last = "nothing";
    while (true) {
      try {
        T value = probe.get();
        if (done.test(value)) {
          return value;
        }
        last = value;
      } catch (Exception e) {
        last = e.toString();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            what + ": not within " + timeout.toMillis() + " ms; last observed: " + last);
      }
      Thread.sleep(25);
    }
  }

  static void until(String what, Duration timeout, Probe<Boolean> condition)
      throws InterruptedException {
    until(what, timeout, condition, Boolean::booleanValue);
  }
}
