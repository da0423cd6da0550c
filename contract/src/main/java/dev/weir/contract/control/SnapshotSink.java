package dev.weir.contract.control;

import dev.weir.contract.snapshot.InvalidSnapshotException;
import dev.weir.contract.snapshot.Snapshot;

/** Where a snapshot source delivers: the data plane, which applies a snapshot or refuses it. */
@FunctionalInterface
public interface SnapshotSink {
  void apply(Snapshot snapshot) throws InvalidSnapshotException;
}
