package dev.weir.dataplane.accesslog;

import dev.weir.contract.cli.AccessLogFormat;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.Flushable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log: one line per request, written by a thread of its own. An event loop only offers
 * the request's {@link AccessLogEntry} to a bounded queue, which never blocks: when the queue is
 * full (standard output slower than the traffic, a stalled log collector) the line is dropped and
 * counted in {@code weir_access_log_dropped_total}, since a request must never wait for its log
 * line. Formatting and writing happen on the writer thread.
 */
public final class AccessLog implements AutoCloseable {
  /** Writes nothing, costs nothing. */
  public static final AccessLog OFF = new AccessLog();

  /** Lines waiting for the writer: about a second of traffic at a busy data plane's rate. */
  public static final int DEFAULT_CAPACITY = 16_384;

  private static final Logger log = LoggerFactory.getLogger(AccessLog.class);
  private static final int BATCH = 256;

  private final BlockingQueue<AccessLogEntry> queue;
  private final Function<AccessLogEntry, String> format;
  private final Appendable out;
  private final Runnable dropped;
  private final Thread writer;
  private volatile boolean closed;

  private AccessLog() {
    queue = null;
    format = null;
    out = null;
    dropped = null;
    writer = null;
  }

  AccessLog(
      AccessLogFormat format, Appendable out, int capacity, Runnable dropped, boolean startWriter) {
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.format = AccessLogLines.of(format);
    this.out = out;
    this.dropped = dropped;
    this.writer = new Thread(this::writeLoop, "weir-access-log");
    writer.setDaemon(true);
    if (startWriter) {
      writer.start();
    }
  }

  /** An access log in {@code format} on standard output ({@link #OFF} for off). */
  public static AccessLog toStandardOutput(AccessLogFormat format, DataplaneMetrics metrics) {
    if (format == AccessLogFormat.OFF) {
      return OFF;
    }
    // Its own stream on the file descriptor, unsynchronised with System.out's users and buffered:
    // the writer flushes after each batch.
    PrintStream stdout =
        new PrintStream(
            new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
            false,
            StandardCharsets.UTF_8);
    return new AccessLog(format, stdout, DEFAULT_CAPACITY, metrics::accessLogDropped, true);
  }

  /** An access log in {@code format} appending to {@code out}, for tests. */
  public static AccessLog to(
      AccessLogFormat format, Appendable out, int capacity, DataplaneMetrics metrics) {
    return format == AccessLogFormat.OFF
        ? OFF
        : new AccessLog(format, out, capacity, metrics::accessLogDropped, true);
  }

  public boolean enabled() {
    return queue != null;
  }

  /** Queues {@code entry}'s line, or drops and counts it when the queue is full. Never blocks. */
  public void record(AccessLogEntry entry) {
    if (queue != null && !queue.offer(entry)) {
      dropped.run();
    }
  }

  private void writeLoop() {
    List<AccessLogEntry> batch = new ArrayList<>(BATCH);
    try {
      while (!closed || !queue.isEmpty()) {
        AccessLogEntry first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, BATCH - 1);
        write(batch);
        batch.clear();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void write(List<AccessLogEntry> batch) {
    try {
      for (AccessLogEntry entry : batch) {
        out.append(format.apply(entry)).append('\n');
      }
      if (out instanceof Flushable flushable) {
        flushable.flush();
      }
    } catch (IOException | RuntimeException e) {
      log.warn("event=access_log_write_failed error=\"{}\"", e.toString().replace('"', '\''));
    }
  }

  /** Writes what is queued (waiting up to a second), then stops the writer. */
  @Override
  public void close() {
    if (writer == null || closed) {
      return;
    }
    closed = true;
    try {
      writer.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
