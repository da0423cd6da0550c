package dev.weir.contract.control;

import dev.weir.contract.snapshot.InvalidSnapshotException;
import dev.weir.contract.snapshot.SnapshotUpdate;

/** Where a snapshot source delivers: the data plane, which applies a snapshot or refuses it. */
@FunctionalInterface
public interface SnapshotSink {
  /**
   * Serves {@code update.snapshot()} from now on, or refuses it and keeps serving what it served.
   * The update's delta, when it was made from the snapshot this sink holds, is what the sink checks
   * and compiles; a sink never derives again a delta it was given.
   *
   * @throws InvalidSnapshotException the snapshot is refused; the message says why
   */
  void apply(SnapshotUpdate update) throws InvalidSnapshotException;
}
