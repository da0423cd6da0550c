package dev.weir.operator.publish;

import dev.weir.contract.snapshot.InvalidSnapshotException;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.SnapshotDelta;
import dev.weir.contract.snapshot.SnapshotUpdate;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a stream of "something changed" signals into few snapshots. A lone change (nothing
 * translated during the last {@code quiet}) is translated at once: waiting would only add latency
 * to the common case of one edit. A change that follows a translation closer than {@code quiet} is
 * part of a burst: it waits for {@code quiet} without further changes, but never longer than {@code
 * maxDelay} after the first unpublished one. So a rollout that touches 1,000 endpoints in a second
 * produces a handful of snapshots (the first change's at once, then the coalesced rest), and
 * translations are never closer than {@code quiet} while a burst lasts.
 *
 * <p>Versions are wall-clock milliseconds, made strictly increasing: comparable across operator
 * replicas and restarts, so a data plane's reported version says how fresh its configuration is. A
 * translation equal to the last published one (but for its version) is not published again. Each
 * snapshot is published with its delta from the one published before it, computed here once for
 * every receiver.
 */
public final class SnapshotPublisher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SnapshotPublisher.class);

  private final Supplier<Snapshot> translate;
  private final Consumer<SnapshotUpdate> publish;
  private final long quietNanos;
  private final long maxDelayNanos;
  private final Clock clock;
  private final SerialScheduler scheduler;
  // The fields below are touched on the scheduler only.
  private Future<?> scheduled;
  private long firstPendingNanos = -1;
  private long lastRunEndNanos;
  private boolean ranOnce;
  private Snapshot lastPublished;
  private long lastVersion;

  /**
   * @param translate builds a snapshot from the current cluster state (its version is replaced)
   * @param publish receives each new snapshot with its delta, on the publisher's thread
   * @param clock the wall clock versions are read from
   */
  public SnapshotPublisher(
      Supplier<Snapshot> translate,
      Consumer<SnapshotUpdate> publish,
      Duration quiet,
      Duration maxDelay,
      Clock clock) {
    this(translate, publish, quiet, maxDelay, clock, SerialScheduler.onNewThread("weir-publisher"));
  }

  /** As the public constructor, translating and publishing on {@code scheduler}. */
  SnapshotPublisher(
      Supplier<Snapshot> translate,
      Consumer<SnapshotUpdate> publish,
      Duration quiet,
      Duration maxDelay,
      Clock clock,
      SerialScheduler scheduler) {
    this.translate = translate;
    this.publish = publish;
    this.quietNanos = quiet.toNanos();
    this.maxDelayNanos = maxDelay.toNanos();
    this.clock = clock;
    this.scheduler = scheduler;
  }

  /** Signals a change of the cluster state; cheap, callable from any thread. */
  public void changed() {
    long now = scheduler.nanoTime();
    scheduler.execute(() -> schedule(now));
  }

  /** Translates and publishes now, on the caller's thread's behalf; returns when done. */
  public void publishNow() {
    try {
      CompletableFuture.runAsync(this::run, scheduler).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new IllegalStateException("publishing failed", e.getCause());
    }
  }

  // On the scheduler.
  private void schedule(long signalNanos) {
    if (firstPendingNanos < 0) {
      firstPendingNanos = signalNanos;
    }
    long now = scheduler.nanoTime();
    boolean idle = scheduled == null && (!ranOnce || now - lastRunEndNanos >= quietNanos);
    long deadline =
        idle ? now : Math.min(signalNanos + quietNanos, firstPendingNanos + maxDelayNanos);
    if (scheduled != null) {
      scheduled.cancel(false);
    }
    scheduled = scheduler.schedule(this::run, Math.max(0, deadline - scheduler.nanoTime()));
  }

  // On the scheduler.
  private void run() {
    firstPendingNanos = -1;
    scheduled = null;
    long started = scheduler.nanoTime();
    Snapshot next;
    try {
      next = translate.get();
    } catch (RuntimeException e) {
      log.error("event=translation_failed reason=\"{}\"", e.toString(), e);
      markRunEnd();
      return;
    }
    long version = Math.max(lastVersion + 1, clock.millis());
    SnapshotUpdate update =
        lastPublished == null
            ? SnapshotUpdate.full(next.withVersion(version))
            : changeFromLast(next.withVersion(version));
    if (update == null) {
      markRunEnd();
      return;
    }
    publish.accept(update);
    lastPublished = update.snapshot();
    lastVersion = version;
    markRunEnd();
    log.info(
        "event=snapshot_published version={} virtual_hosts={} backends={} certificates={} "
            + "took_ms={}",
        version,
        lastPublished.virtualHosts().size(),
        lastPublished.backends().size(),
        lastPublished.certificates().size(),
        (scheduler.nanoTime() - started) / 1_000_000);
  }

  /**
   * The update from the last published snapshot to {@code next}, or null when they are equal but
   * for their versions.
   */
  private SnapshotUpdate changeFromLast(Snapshot next) {
    Optional<SnapshotDelta> delta = SnapshotDelta.between(lastPublished, next);
    if (delta.isEmpty()) {
      return next.withVersion(0).equals(lastPublished.withVersion(0))
          ? null
          : SnapshotUpdate.full(next);
    }
    if (delta.get().isEmpty()) {
      return null;
    }
    // Rebuilt on the last published snapshot: equal, but sharing its unchanged hosts, backends
    // and certificates. The fresh translation then dies young, and what survives a change is
    // the change: at 10,000 Ingresses, keeping every new copy made each one-host change promote
    // megabytes and pause in young collections for longer than the translation itself took.
    try {
      return new SnapshotUpdate(delta.get().applyTo(lastPublished), delta.get());
    } catch (InvalidSnapshotException e) {
      throw new IllegalStateException("a delta between two snapshots did not apply", e);
    }
  }

  private void markRunEnd() {
    lastRunEndNanos = scheduler.nanoTime();
    ranOnce = true;
  }

  /** The last snapshot published, or null. */
  public Snapshot lastPublished() {
    try {
      return CompletableFuture.supplyAsync(() -> lastPublished, scheduler).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  @Override
  public void close() {
    scheduler.close();
  }
}
