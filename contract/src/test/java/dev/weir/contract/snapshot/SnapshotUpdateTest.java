package dev.weir.contract.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotUpdateTest {
  private static final Snapshot FIRST =
      Snapshot.builder().version(1).backends(Backend.of("a", List.of())).build();
  private static final Snapshot SECOND =
      FIRST.toBuilder()
          .version(2)
          .backends(Backend.of("a", List.of()), Backend.of("b", List.of()))
          .build();
  private static final SnapshotDelta DELTA = SnapshotDelta.between(FIRST, SECOND).orElseThrow();

  @Test
  void theDeltaIsGivenOnlyToTheSnapshotItWasMadeFrom() {
    SnapshotUpdate update = new SnapshotUpdate(SECOND, DELTA);

    assertThat(update.deltaFrom(FIRST)).containsSame(DELTA);
    assertThat(update.deltaFrom(Snapshot.empty())).isEmpty();
    assertThat(update.deltaFrom(SECOND)).isEmpty();
    assertThat(update.deltaFrom(FIRST.toBuilder().schemaVersion(2).build())).isEmpty();
  }

  @Test
  void aSnapshotGivenWholeHasNoDeltaForAnyBase() {
    assertThat(SnapshotUpdate.full(SECOND).delta()).isNull();
    assertThat(SnapshotUpdate.full(SECOND).deltaFrom(FIRST)).isEmpty();
  }

  @Test
  void aDeltaLeadingToAnotherVersionThanTheSnapshotIsRefused() {
    assertThatThrownBy(() -> new SnapshotUpdate(SECOND.withVersion(3), DELTA))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("leads to version 2")
        .hasMessageContaining("not to the snapshot's 3");
  }
}
