package dev.weir.contract.snapshot;

import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot on its way to be served, with the change that leads to it. The delta is computed once,
 * where the snapshot is made (the operator's publisher, which needs it anyway to tell an unchanged
 * translation and to share unchanged objects), and every receiver uses that one: the control server
 * sends it as the frame, the data plane validates and compiles only what it changes.
 *
 * @param delta the change from the snapshot of version {@code delta.baseVersion()} to {@code
 *     snapshot}, or null when there is none to give (a first snapshot, a change no delta expresses,
 *     a full frame or file read whole): a receiver then works from the snapshot alone
 */
public record SnapshotUpdate(Snapshot snapshot, SnapshotDelta delta) {
  public SnapshotUpdate {
    Objects.requireNonNull(snapshot, "snapshot");
    if (delta != null
        && (delta.version() != snapshot.version()
            || delta.schemaVersion() != snapshot.schemaVersion())) {
      throw new IllegalArgumentException(
          "the delta leads to version "
              + delta.version()
              + " of schema "
              + delta.schemaVersion()
              + ", not to the snapshot's "
              + snapshot.version()
              + " of schema "
              + snapshot.schemaVersion());
    }
  }

  /** A snapshot given whole, without a delta. */
  public static SnapshotUpdate full(Snapshot snapshot) {
    return new SnapshotUpdate(snapshot, null);
  }

  /**
   * The delta, when it was made from {@code held}: its base version and schema are {@code held}'s.
   * The version is the check, as in {@link SnapshotDelta#applyTo}: one publisher never gives two
   * snapshots the same version, and a receiver holds only what came from its one source. Empty when
   * there is no delta or it was made from another snapshot (one the receiver refused or never got).
   */
  public Optional<SnapshotDelta> deltaFrom(Snapshot held) {
    return delta != null
            && delta.baseVersion() == held.version()
            && delta.schemaVersion() == held.schemaVersion()
        ? Optional.of(delta)
        : Optional.empty();
  }
}
