package dev.weir.operator.annotations;

import java.util.Locale;

/** What Weir does with an ingress-nginx annotation, as the migration audit reports it. */
public enum AnnotationStatus {
  /** Read and applied as ingress-nginx applies it. */
  IDENTICAL,
  /** Read and applied, with a documented difference from ingress-nginx. */
  DIFFERENCE,
  /** Accepted or tolerated, but it has no effect in Weir (the note says why). */
  IGNORED,
  /** Never applied by design: the snippet annotations, which inject nginx configuration. */
  REFUSED,
  /** An ingress-nginx feature Weir does not implement; it has no effect. */
  UNSUPPORTED;

  /** Whether Weir reads the annotation into a setting. */
  public boolean applied() {
    return this == IDENTICAL || this == DIFFERENCE;
  }

  /** The lower-case name used in the audit's output. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
