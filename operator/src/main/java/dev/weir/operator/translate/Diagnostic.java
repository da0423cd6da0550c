package dev.weir.operator.translate;

import dev.weir.operator.state.ObjectRef;
import java.util.Comparator;
import java.util.Objects;

/**
 * A problem found in one object while translating: what a user needs to fix. Messages name the
 * objects and fields involved, never secret material.
 */
public record Diagnostic(ObjectRef object, Reason reason, String message)
    implements Comparable<Diagnostic> {
  private static final Comparator<Diagnostic> ORDER =
      Comparator.comparing(Diagnostic::object)
          .thenComparing(Diagnostic::reason)
          .thenComparing(Diagnostic::message);

  public Diagnostic {
    Objects.requireNonNull(object, "object");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public int compareTo(Diagnostic other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return object + " " + reason.camelCase() + ": " + message;
  }
}
