package dev.weir.dataplane.proxy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Keeps failure logging proportional to kinds of failure, not to traffic: one line per key (an
 * event, its reason and its backend; never client input, so the keys stay few) per interval, and
 * the next line admitted says how many were suppressed. A backend outage at 20,000 requests a
 * second, or a client sending malformed requests in a loop, then writes a line a second, not
 * 20,000; the request metrics still count every one.
 */
public final class LogLimiter {
  /** Shared by the whole data plane, as the log is. */
  public static final LogLimiter FAILURES = new LogLimiter(1_000_000_000L, System::nanoTime);

  /** {@link #admit} answers this when the line must not be written. */
  public static final long SUPPRESS = -1;

  private final long intervalNanos;
  private final LongSupplier clock;
  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

  private static final class Window {
    long nextAllowed;
    long suppressed;
    boolean used;
  }

  LogLimiter(long intervalNanos, LongSupplier clock) {
    this.intervalNanos = intervalNanos;
    this.clock = clock;
  }

  /**
   * @return {@link #SUPPRESS}, or how many lines of this key were suppressed since the last one
   *     written (0 for the first)
   */
  public long admit(String key) {
    Window w = windows.computeIfAbsent(key, k -> new Window());
    long now = clock.getAsLong();
    synchronized (w) {
      if (w.used && now - w.nextAllowed < 0) {
        w.suppressed++;
        return SUPPRESS;
      }
      w.used = true;
      w.nextAllowed = now + intervalNanos;
      long suppressed = w.suppressed;
      w.suppressed = 0;
      return suppressed;
    }
  }
}
