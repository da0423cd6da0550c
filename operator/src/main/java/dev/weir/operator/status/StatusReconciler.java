package dev.weir.operator.status;

import dev.weir.operator.state.ObjectRef;
import dev.weir.operator.translate.Diagnostic;
import dev.weir.operator.translate.Translation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the leader writes back after a translation: Ingress status and Events for diagnostics and
 * for certificates about to expire ({@link ExpiryWarnings}). Runs on its own thread so API writes
 * never delay publishing, and coalesces: only the latest translation is reconciled. Also reconciles
 * periodically, to repair status edited by hand or a publish Service whose address changed.
 */
public final class StatusReconciler implements Consumer<Translation>, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StatusReconciler.class);

  private final IngressStatusWriter statusWriter;
  private final EventRecorder events;
  private final BooleanSupplier leader;
  private final ExpiryWarnings expiryWarnings;
  private final Supplier<List<Diagnostic>> otherDiagnostics;
  private final AtomicReference<Translation> pending = new AtomicReference<>();
  private final AtomicReference<Translation> latest = new AtomicReference<>();
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "weir-status");
            t.setDaemon(true);
            return t;
          });

  public StatusReconciler(
      IngressStatusWriter statusWriter,
      EventRecorder events,
      BooleanSupplier leader,
      Duration resync,
      ExpiryWarnings expiryWarnings) {
    this(statusWriter, events, leader, resync, expiryWarnings, List::of);
  }

  /**
   * @param statusWriter null: Ingress status is never written ({@code --update-status=false})
   * @param otherDiagnostics problems of objects the translation does not see (ingress-nginx's
   *     ConfigMap), written as Events with the translation's
   */
  public StatusReconciler(
      IngressStatusWriter statusWriter,
      EventRecorder events,
      BooleanSupplier leader,
      Duration resync,
      ExpiryWarnings expiryWarnings,
      Supplier<List<Diagnostic>> otherDiagnostics) {
    this.otherDiagnostics = otherDiagnostics;
    this.expiryWarnings = expiryWarnings;
    this.statusWriter = statusWriter;
    this.events = events;
    this.leader = leader;
    executor.scheduleWithFixedDelay(
        this::resync, resync.toMillis(), resync.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Takes a translation; reconciles it soon, on the status thread. */
  @Override
  public void accept(Translation translation) {
    latest.set(translation);
    if (pending.getAndSet(translation) == null) {
      executor.execute(this::drain);
    }
  }

  /** Reconciles the latest translation again (on becoming leader, and periodically). */
  public void resync() {
    Translation t = latest.get();
    if (t != null) {
      accept(t);
    }
  }

  private void drain() {
    Translation t = pending.getAndSet(null);
    if (t == null || !leader.getAsBoolean()) {
      return;
    }
    try {
      // The Ingresses as translated, not as the source holds them now: status then always agrees
      // with the snapshot it describes, and a newer state brings its own translation.
      if (statusWriter != null) {
        statusWriter.reconcile(t.considered(), new HashSet<>(t.ingresses()));
      }
      Set<ObjectRef> withProblems = new HashSet<>();
      List<Diagnostic> all = new ArrayList<>(t.diagnostics());
      // Asked for at every reconcile, periodic ones included: time alone brings expiries closer.
      all.addAll(expiryWarnings.of(t));
      all.addAll(otherDiagnostics.get());
      for (Diagnostic d : all) {
        withProblems.add(d.object());
        events.warn(d.object(), d.reason().camelCase(), d.message());
      }
      events.retainOnly(withProblems);
    } catch (RuntimeException e) {
      log.error("event=status_reconcile_failed reason=\"{}\"", e.toString(), e);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
