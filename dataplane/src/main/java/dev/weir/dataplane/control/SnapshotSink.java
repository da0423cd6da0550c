package dev.weir.dataplane.control;

import dev.weir.dataplane.snapshot.InvalidSnapshotException;
import dev.weir.dataplane.snapshot.Snapshot;

/** Where a snapshot source delivers: the data plane, which applies a snapshot or refuses it. */
@FunctionalInterface
public interface SnapshotSink {
  void apply(Snapshot snapshot) throws InvalidSnapshotException;
}
