package dev.weir.dataplane.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.control.SnapshotSink;
import dev.weir.contract.snapshot.InvalidSnapshotException;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.SnapshotCodec;
import dev.weir.contract.snapshot.SnapshotUpdate;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotFileSourceTest {
  @TempDir Path dir;
  private final List<Long> applied = new CopyOnWriteArrayList<>();
  private final DataplaneMetrics metrics = new DataplaneMetrics();

  @Test
  void appliesTheFileAtStartThenEachValidChange() throws Exception {
    Path file = dir.resolve("snapshot.json");
    write(file, Snapshot.empty().withVersion(1));

    try (SnapshotFileSource source = SnapshotFileSource.start(file, this::record, metrics)) {
      assertThat(applied).containsExactly(1L);
      write(file, Snapshot.empty().withVersion(2));
      awaitTrue(() -> applied.contains(2L));
    }
    assertThat(applied).containsExactly(1L, 2L);
  }

  @Test
  void invalidFileIsRefusedAndTheNextValidOneApplied() throws Exception {
    Path file = dir.resolve("snapshot.json");
    write(file, Snapshot.empty().withVersion(1));

    try (SnapshotFileSource source = SnapshotFileSource.start(file, this::record, metrics)) {
      replace(file, "{\"schemaVersion\":1,\"version\":2,\"bogus\":true}".getBytes());
      awaitTrue(() -> metrics.scrape().contains("weir_snapshot_rejects_total 1.0"));
      assertThat(applied).containsExactly(1L);

      write(file, Snapshot.empty().withVersion(3));
      awaitTrue(() -> applied.contains(3L));
    }
    assertThat(applied).containsExactly(1L, 3L);
  }

  @Test
  void refusalBySinkKeepsFollowing() throws Exception {
    Path file = dir.resolve("snapshot.json");
    write(file, Snapshot.empty().withVersion(1));
    SnapshotSink refuseOdd =
        update -> {
          if (update.snapshot().version() % 2 == 1) {
            throw new InvalidSnapshotException("certificates[0]", "cannot be loaded");
          }
          applied.add(update.snapshot().version());
        };

    try (SnapshotFileSource source = SnapshotFileSource.start(file, refuseOdd, metrics)) {
      write(file, Snapshot.empty().withVersion(2));
      awaitTrue(() -> applied.contains(2L));
    }
    assertThat(applied).containsExactly(2L);
  }

  @Test
  void missingFileAtStartIsAppliedWhenItAppears() throws Exception {
    Path file = dir.resolve("later.json");
    try (SnapshotFileSource source = SnapshotFileSource.start(file, this::record, metrics)) {
      assertThat(applied).isEmpty();
      write(file, Snapshot.empty().withVersion(5));
      awaitTrue(() -> applied.contains(5L));
    }
  }

  private void record(SnapshotUpdate update) {
    assertThat(update.delta()).as("a file holds no delta").isNull();
    applied.add(update.snapshot().version());
  }

  private void write(Path file, Snapshot snapshot) throws Exception {
    replace(file, SnapshotCodec.encode(snapshot));
  }

  private void replace(Path file, byte[] content) throws Exception {
    Path tmp = Files.createTempFile(dir, "snap", ".tmp");
    Files.write(tmp, content);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 1 s");
      }
      Thread.sleep(20);
    }
  }
}
