package dev.weir.dataplane.control;

import dev.weir.contract.control.SnapshotSink;
import dev.weir.contract.snapshot.InvalidSnapshotException;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.SnapshotCodec;
import dev.weir.contract.snapshot.SnapshotUpdate;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a snapshot from a file and follows its changes: a valid new content is applied, an invalid
 * one is refused with one log line saying why, and the snapshot applied before keeps serving.
 *
 * <p>The file is polled (every {@link #POLL_MILLIS} ms) rather than watched with a WatchService:
 * polling also sees a Kubernetes ConfigMap volume's symlink swap and edits on file systems that
 * send no events. A poll reads the file's attributes (size, modification time, inode, following
 * symlinks) and reads and digests the content only when they changed, or every {@link
 * #FULL_READ_EVERY} polls in case an edit kept all three: at 10,000 hosts the file is 12 MB, and
 * reading and hashing it four times a second meant 48 MB/s of reads, SHA-256 and garbage on the
 * data plane's CPUs with nothing changing. Writers should replace the file atomically (write
 * elsewhere, rename); a half-written file is refused, then applied once complete.
 */
public final class SnapshotFileSource implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SnapshotFileSource.class);
  static final long POLL_MILLIS = 250;
  static final int FULL_READ_EVERY = 40;

  private final Path file;
  private final SnapshotSink sink;
  private final DataplaneMetrics metrics;
  private final ScheduledExecutorService poller;
  private byte[] lastDigest;
  private boolean lastMissing;
  private FileStamp lastStamp;
  private int pollsSinceRead;

  /** What changes when the file is rewritten or its symlink is pointed elsewhere. */
  private record FileStamp(long size, FileTime modified, Object fileKey) {}

  private SnapshotFileSource(Path file, SnapshotSink sink, DataplaneMetrics metrics) {
    this.file = file;
    this.sink = sink;
    this.metrics = metrics;
    this.poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "weir-snapshot-file");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Reads the file once, synchronously (so the caller knows whether the first snapshot is served),
   * then follows it.
   *
   * @return the source; {@link #close()} stops following
   */
  public static SnapshotFileSource start(Path file, SnapshotSink sink, DataplaneMetrics metrics) {
    SnapshotFileSource source = new SnapshotFileSource(file, sink, metrics);
    source.poll();
    source.poller.scheduleWithFixedDelay(
        source::poll, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
    return source;
  }

  // Only ever runs on the poller thread (or in start, before the poller runs).
  private void poll() {
    byte[] content;
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      FileStamp stamp =
          new FileStamp(attributes.size(), attributes.lastModifiedTime(), attributes.fileKey());
      if (stamp.equals(lastStamp) && ++pollsSinceRead < FULL_READ_EVERY) {
        return;
      }
      content = Files.readAllBytes(file);
      lastStamp = stamp;
      pollsSinceRead = 0;
    } catch (NoSuchFileException e) {
      lastStamp = null;
      if (!lastMissing) {
        log.warn("event=snapshot_file_missing file={} action=keep_serving", file);
        lastMissing = true;
      }
      return;
    } catch (IOException e) {
      log.warn(
          "event=snapshot_file_unreadable file={} reason=\"{}\" action=keep_serving",
          file,
          e.toString());
      return;
    } catch (RuntimeException e) {
      log.error("event=snapshot_file_error file={} reason=\"{}\"", file, e.toString());
      return;
    }
    lastMissing = false;
    byte[] digest = sha256(content);
    if (Arrays.equals(digest, lastDigest)) {
      return;
    }
    lastDigest = digest;
    Snapshot snapshot;
    try {
      snapshot = SnapshotCodec.decode(content);
    } catch (InvalidSnapshotException e) {
      metrics.snapshotRejected();
      log.warn(
          "event=snapshot_rejected source=file file={} reason=\"{}\" action=keep_serving_previous",
          file,
          e.getMessage());
      return;
    }
    try {
      // The data plane counts and logs what it applies or refuses. A file holds no delta: the
      // data plane finds the difference from what it serves.
      sink.apply(SnapshotUpdate.full(snapshot));
    } catch (InvalidSnapshotException e) {
      log.debug("event=snapshot_refused_by_dataplane source=file file={}", file);
    } catch (RuntimeException e) {
      metrics.snapshotRejected();
      log.error(
          "event=snapshot_apply_failed source=file file={} reason=\"{}\" "
              + "action=keep_serving_previous",
          file,
          e.toString());
    }
  }

  private static byte[] sha256(byte[] content) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(content);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    poller.shutdownNow();
    try {
      poller.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
