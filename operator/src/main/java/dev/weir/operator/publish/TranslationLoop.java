package dev.weir.operator.publish;

import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.SnapshotUpdate;
import dev.weir.contract.snapshot.TicketKey;
import dev.weir.operator.metrics.OperatorMetrics;
import dev.weir.operator.source.ClusterSource;
import dev.weir.operator.state.ClusterState;
import dev.weir.operator.translate.IncrementalTranslator;
import dev.weir.operator.translate.TranslateOptions;
import dev.weir.operator.translate.Translation;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Source, translation and publishing, wired: every change the source signals leads (coalesced by a
 * {@link SnapshotPublisher}) to a translation of the cluster state (incremental: only what changed
 * is translated again, see {@link IncrementalTranslator}); each translation goes to the observers
 * (status, diagnostics), each changed snapshot to the sinks (control server, an in-process data
 * plane). Nothing is published before the source has synced, so a starting operator never serves a
 * partial view that would drop routes.
 *
 * <p>Session-ticket keys are not cluster state: they are added to each translation's snapshot as
 * they are at that moment, and a change of them ({@link #ticketKeysChanged()}) publishes like a
 * change of the cluster. Observers see translations without them.
 */
public final class TranslationLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TranslationLoop.class);
  public static final Duration QUIET = Duration.ofMillis(100);
  public static final Duration MAX_DELAY = Duration.ofMillis(500);

  private final ClusterSource source;
  private final Function<ClusterState, TranslateOptions> options;
  private final List<Consumer<Translation>> observers;
  private final OperatorMetrics metrics;
  private final Clock clock;
  private final Supplier<List<TicketKey>> ticketKeys;
  // Touched only on the publisher's thread; it keeps the last good certificates between calls.
  private final IncrementalTranslator translator = new IncrementalTranslator();
  private final SnapshotPublisher publisher;
  private volatile Translation latest;

  /**
   * @param options translation options, decided per translation (standalone mode's depend on
   *     whether the manifests hold an IngressClass of ours)
   * @param sinks receive each new snapshot, versioned, with its delta from the one before
   * @param observers receive every translation, changed or not
   */
  public TranslationLoop(
      ClusterSource source,
      Function<ClusterState, TranslateOptions> options,
      List<Consumer<SnapshotUpdate>> sinks,
      List<Consumer<Translation>> observers,
      OperatorMetrics metrics,
      Clock clock) {
    this(source, options, sinks, observers, metrics, clock, List::of);
  }

  /**
   * As the other constructor, with session-ticket keys added to every snapshot.
   *
   * @param ticketKeys the keys to publish now, the encrypting key first; the same list instance
   *     while they do not change
   */
  public TranslationLoop(
      ClusterSource source,
      Function<ClusterState, TranslateOptions> options,
      List<Consumer<SnapshotUpdate>> sinks,
      List<Consumer<Translation>> observers,
      OperatorMetrics metrics,
      Clock clock,
      Supplier<List<TicketKey>> ticketKeys) {
    this.source = source;
    this.ticketKeys = ticketKeys;
    this.options = options;
    this.observers = List.copyOf(observers);
    this.metrics = metrics;
    this.clock = clock;
    List<Consumer<SnapshotUpdate>> allSinks = List.copyOf(sinks);
    this.publisher =
        new SnapshotPublisher(
            this::translate,
            update -> allSinks.forEach(sink -> sink.accept(update)),
            QUIET,
            MAX_DELAY,
            clock);
  }

  /**
   * Starts the source, waits until it has synced (at most {@code syncTimeout}), publishes the first
   * snapshot, then follows changes.
   *
   * @return false when the source did not sync in time (the loop still publishes once it does)
   */
  public boolean start(Duration syncTimeout) throws InterruptedException {
    source.addListener(
        () -> {
          if (source.hasSynced()) {
            publisher.changed();
          }
        });
    source.start();
    try {
      source.synced().toCompletableFuture().get(syncTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      log.warn(
          "event=source_not_synced waited_ms={} action=publish_when_synced",
          syncTimeout.toMillis());
      return false;
    }
    publisher.publishNow();
    return true;
  }

  /** Translates now and publishes if the snapshot changed; returns when done. */
  public void republish() {
    publisher.publishNow();
  }

  /**
   * Signals new session-ticket keys: published like a change of the cluster, coalesced with others.
   * Before the source has synced nothing is published; the first snapshot carries the keys of then.
   */
  public void ticketKeysChanged() {
    if (source.hasSynced()) {
      publisher.changed();
    }
  }

  /** Signals new options (ingress-nginx's ConfigMap changed): published like a cluster change. */
  public void optionsChanged() {
    ticketKeysChanged();
  }

  /** The latest translation, or null before the first. */
  public Translation latest() {
    return latest;
  }

  /** The latest snapshot published, or null before the first. */
  public Snapshot lastPublished() {
    return publisher.lastPublished();
  }

  // On the publisher's thread.
  private Snapshot translate() {
    long started = System.nanoTime();
    ClusterState state = source.state();
    Translation translation = translator.translate(state, options.apply(state), clock.instant());
    latest = translation;
    metrics.translated(System.nanoTime() - started);
    for (Consumer<Translation> observer : observers) {
      try {
        observer.accept(translation);
      } catch (RuntimeException e) {
        log.error("event=observer_failed reason=\"{}\"", e.toString(), e);
      }
    }
    List<TicketKey> keys = ticketKeys.get();
    return keys.isEmpty()
        ? translation.snapshot()
        : translation.snapshot().toBuilder().ticketKeys(keys).build();
  }

  @Override
  public void close() {
    publisher.close();
    source.close();
  }
}
