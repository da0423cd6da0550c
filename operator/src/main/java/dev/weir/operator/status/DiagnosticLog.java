package dev.weir.operator.status;

import dev.weir.operator.translate.Diagnostic;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per diagnostic when it appears and one when it is resolved, not one per translation:
 * a broken Secret is reported once, not every time an endpoint changes.
 */
public final class DiagnosticLog {
  private static final Logger log = LoggerFactory.getLogger(DiagnosticLog.class);
  private Set<Diagnostic> active = Set.of();

  /**
   * Logs what changed since the previous call, counting {@code diagnostics} and {@code warnings}
   * (not of the translation, see {@link ExpiryWarnings}) alike. Not thread-safe: call from one
   * thread.
   */
  public void update(List<Diagnostic> diagnostics, List<Diagnostic> warnings) {
    List<Diagnostic> all = new ArrayList<>(diagnostics);
    all.addAll(warnings);
    update(all);
  }

  /** Logs what changed since the previous call. Not thread-safe: call from one thread. */
  public void update(List<Diagnostic> diagnostics) {
    Set<Diagnostic> now = new HashSet<>(diagnostics);
    for (Diagnostic d : diagnostics) {
      if (!active.contains(d)) {
        log.warn(
            "event=diagnostic object=\"{}\" reason={} message=\"{}\"",
            d.object(),
            d.reason().camelCase(),
            d.message());
      }
    }
    for (Diagnostic d : active) {
      if (!now.contains(d)) {
        log.info(
            "event=diagnostic_resolved object=\"{}\" reason={}",
            d.object(),
            d.reason().camelCase());
      }
    }
    active = now;
  }
}
