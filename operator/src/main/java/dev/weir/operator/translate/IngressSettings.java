package dev.weir.operator.translate;

import dev.weir.operator.state.ObjectRef;
import java.util.List;
import java.util.Map;

/**
 * The typed settings of one Ingress that its spec cannot say: none yet.
 *
 * <p>This is where annotations become settings. The per-route features to come (affinity,
 * redirects, timeouts, re-encryption, rewrites, ...) add a field here each, parsed in {@link #read}
 * from the {@code nginx.ingress.kubernetes.io/} and {@code weir.dev/} keys (the latter wins), with
 * a diagnostic of the Ingress for a value that does not parse. {@link ParsedIngress} reads them
 * once per Ingress change, and {@link ResolvedHost} hands them to the routes the Ingress wins: the
 * data plane only ever sees typed settings in the snapshot, never an annotation.
 */
record IngressSettings() {
  static final IngressSettings NONE = new IngressSettings();

  /**
   * The settings of Ingress {@code ingress} with these annotations (null: none); problems go to
   * {@code found} as diagnostics of the Ingress.
   */
  static IngressSettings read(
      ObjectRef ingress, Map<String, String> annotations, List<Diagnostic> found) {
    return NONE;
  }
}
