package dev.weir.operator.annotations;

import java.util.Objects;

/**
 * One annotation Weir did not apply, and why: a value it could not parse (the default is used
 * instead), or a name it does not support. {@code annotation} is the full key as written on the
 * object, so a user can search for it.
 */
public record AnnotationProblem(String annotation, Kind kind, String reason) {
  /** What went wrong, for counting and for the later migration audit. */
  public enum Kind {
    /** A supported annotation with a value Weir cannot use; the default applies. */
    INVALID_VALUE,
    /** An ingress-nginx annotation Weir does not implement; it has no effect. */
    UNSUPPORTED,
    /** A name under one of Weir's prefixes that no controller defines: often a typo. */
    UNKNOWN,
    /**
     * A supported annotation that has no effect where it is written (for example on passthrough).
     */
    IGNORED
  }

  public AnnotationProblem {
    Objects.requireNonNull(annotation, "annotation");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(reason, "reason");
  }

  @Override
  public String toString() {
    return annotation + ": " + reason;
  }
}
