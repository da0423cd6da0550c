package dev.weir.contract.control;

import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.SnapshotDelta;

/**
 * A message on the control channel. The operator sends a {@link SnapshotFrame} (the full snapshot)
 * on connect, then for every newer snapshot a {@link DeltaFrame} against the version the data plane
 * holds, or a full snapshot when it may hold another one. A data plane sends {@link StatusFrame}s:
 * once on connect, then after every snapshot or delta it applied or refused.
 */
public sealed interface ControlFrame {
  record SnapshotFrame(Snapshot snapshot) implements ControlFrame {}

  /** The change from the snapshot of version {@code delta.baseVersion()} to the next. */
  record DeltaFrame(SnapshotDelta delta) implements ControlFrame {}

  /**
   * @param node the data plane's name (its pod name)
   * @param appliedVersion version of the snapshot it serves; -1 before its first
   * @param error why the last snapshot received was refused, or null
   */
  record StatusFrame(String node, long appliedVersion, String error) implements ControlFrame {}
}
