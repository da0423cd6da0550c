package dev.weir.operator.translate;

import java.util.ArrayList;
import java.util.List;

/**
 * The snapshot's default backend, decided from the Ingresses that set one: the oldest wins, the
 * others that name another backend get a diagnostic.
 *
 * @param use the winner's backend, null when no Ingress sets one
 */
record ResolvedDefaultBackend(BackendUse use, List<Diagnostic> diagnostics) {
  static final ResolvedDefaultBackend NONE = new ResolvedDefaultBackend(null, List.of());

  /**
   * @param claimants the Ingresses with a valid default backend, oldest first ({@link
   *     ParsedIngress#AGE})
   */
  static ResolvedDefaultBackend resolve(Iterable<ParsedIngress> claimants) {
    BackendUse winner = null;
    List<Diagnostic> found = new ArrayList<>();
    for (ParsedIngress p : claimants) {
      if (winner == null) {
        winner = p.defaultBackend();
      } else if (!winner.id().equals(p.defaultBackend().id())) {
        found.add(Diagnostic.conflictingDefaultBackend(p.ref(), winner.user()));
      }
    }
    return winner == null ? NONE : new ResolvedDefaultBackend(winner, List.copyOf(found));
  }

  /** The backend id for the snapshot, or null. */
  String backend() {
    return use == null ? null : use.id();
  }

  List<BackendUse> uses() {
    return use == null ? List.of() : List.of(use);
  }
}
