package dev.weir.contract.snapshot;

import java.util.List;

/**
 * A snapshot that cannot be applied. The message names each offending field by its JSON path
 * ({@code virtualHosts[2].routes[0].backend}) and the reason; it never contains secret material.
 */
public final class InvalidSnapshotException extends Exception {
  private final List<String> problems;

  public InvalidSnapshotException(List<String> problems) {
    super(String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public InvalidSnapshotException(String field, String reason) {
    this(List.of(field + ": " + reason));
  }

  /** Each problem as {@code field: reason}. */
  public List<String> problems() {
    return problems;
  }
}
