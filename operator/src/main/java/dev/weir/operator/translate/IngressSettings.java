package dev.weir.operator.translate;

import dev.weir.operator.annotations.AnnotationNames;
import dev.weir.operator.annotations.AnnotationProblem;
import dev.weir.operator.annotations.BackendAnnotations;
import dev.weir.operator.annotations.CanaryAnnotations;
import dev.weir.operator.annotations.HostAnnotations;
import dev.weir.operator.annotations.IngressAnnotations;
import dev.weir.operator.annotations.PathAnnotations;
import dev.weir.operator.state.ObjectRef;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The typed settings of one Ingress that its spec cannot say: its annotations, read once by {@link
 * IngressAnnotations#read} (ingress-nginx's names under {@code nginx.ingress.kubernetes.io/} and
 * {@code weir.dev/}, the latter winning). {@link ParsedIngress} reads them once per Ingress change;
 * {@link ResolvedHost} hands the path and host settings to what the Ingress wins in a host, and the
 * backend settings travel with each {@link BackendUse}. The data plane only ever sees typed
 * settings in the snapshot, never an annotation.
 */
record IngressSettings(IngressAnnotations annotations) {
  static final IngressSettings NONE = new IngressSettings(IngressAnnotations.read(Map.of(), ""));

  IngressSettings {
    Objects.requireNonNull(annotations, "annotations");
  }

  PathAnnotations path() {
    return annotations.path();
  }

  BackendAnnotations backend() {
    return annotations.backend();
  }

  HostAnnotations host() {
    return annotations.host();
  }

  CanaryAnnotations canaryRules() {
    return annotations.canary();
  }

  /** Whether the Ingress is a canary ({@code canary: "true"}). */
  boolean canary() {
    return annotations.canary().enabled();
  }

  /**
   * The settings of Ingress {@code ingress} with these annotations (null: none); every annotation
   * Weir does not apply goes to {@code found} as a diagnostic of the Ingress, which keeps being
   * served with the defaults.
   */
  static IngressSettings read(
      ObjectRef ingress,
      Map<String, String> annotations,
      Map<String, String> defaults,
      List<Diagnostic> found) {
    if ((annotations == null || annotations.isEmpty()) && defaults.isEmpty()) {
      return NONE;
    }
    Map<String, String> merged = new HashMap<>();
    Set<String> defaulted = new HashSet<>();
    defaults.forEach(
        (key, value) -> {
          if (!carries(annotations, key)) {
            merged.put(key, value);
            defaulted.add(key);
          }
        });
    if (annotations != null) {
      merged.putAll(annotations);
    }
    IngressAnnotations read = IngressAnnotations.read(merged, ingress.namespace());
    for (AnnotationProblem problem : read.problems()) {
      // A controller default the Ingress did not write (say, a body size on a passthrough
      // Ingress) is not the Ingress's problem: its ConfigMap key was checked when read.
      if (!defaulted.contains(problem.annotation())) {
        found.add(new Diagnostic(ingress, reason(problem.kind()), problem.toString()));
      }
    }
    BackendAnnotations backend = read.backend();
    if (backend.protocol().tls() && backend.tls().map(t -> !t.verify()).orElse(true)) {
      found.add(Diagnostic.unverifiedUpstream(ingress, backend.protocol()));
    }
    return new IngressSettings(read);
  }

  // Whether the Ingress sets the default's suffix under either prefix.
  private static boolean carries(Map<String, String> annotations, String defaultKey) {
    if (annotations == null) {
      return false;
    }
    String suffix = defaultKey.substring(defaultKey.indexOf('/') + 1);
    return annotations.containsKey(AnnotationNames.NGINX_PREFIX + suffix)
        || annotations.containsKey(AnnotationNames.WEIR_PREFIX + suffix);
  }

  /** The diagnostic reason of a problem; exhaustive, so a new kind cannot go unmapped. */
  static Reason reason(AnnotationProblem.Kind kind) {
    return switch (kind) {
      case INVALID_VALUE -> Reason.INVALID_ANNOTATION;
      case UNSUPPORTED -> Reason.UNSUPPORTED_ANNOTATION;
      case UNKNOWN -> Reason.UNKNOWN_ANNOTATION;
      case IGNORED -> Reason.IGNORED_ANNOTATION;
    };
  }
}
