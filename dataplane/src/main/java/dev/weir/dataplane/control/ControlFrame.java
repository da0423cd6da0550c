package dev.weir.dataplane.control;

import dev.weir.dataplane.snapshot.Snapshot;

/**
 * A message on the control channel. The operator sends {@link SnapshotFrame}s: the full snapshot on
 * connect, then every newer one. A data plane sends {@link StatusFrame}s: once on connect, then
 * after every snapshot it applied or refused.
 */
public sealed interface ControlFrame {
  record SnapshotFrame(Snapshot snapshot) implements ControlFrame {}

  /**
   * @param node the data plane's name (its pod name)
   * @param appliedVersion version of the snapshot it serves; -1 before its first
   * @param error why the last snapshot received was refused, or null
   */
  record StatusFrame(String node, long appliedVersion, String error) implements ControlFrame {}
}
