package dev.weir.contract.cli;

import java.util.concurrent.CountDownLatch;

/** How Weir's commands end: they serve until the JVM is told to stop (SIGTERM, Ctrl-C). */
public final class Shutdown {
  private Shutdown() {}

  /**
   * Blocks the calling (main) thread until the JVM shuts down, running {@code stop} in the shutdown
   * hook first, so a command's drain completes before the process exits.
   */
  public static void awaitThenRun(Runnable stop) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    stop.run();
                  } finally {
                    stopped.countDown();
                  }
                },
                "weir-shutdown"));
    stopped.await();
  }
}
