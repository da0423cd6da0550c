package dev.weir.contract.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The example the README runs must stay a valid snapshot. */
class ShippedExampleTest {
  @Test
  void examplesSnapshotIsValid() throws Exception {
    Snapshot snapshot =
        SnapshotCodec.decode(Files.readAllBytes(Path.of("../examples/snapshot.json")));

    assertThat(snapshot.virtualHosts())
        .extracting(VirtualHost::host)
        .containsExactly("shop.weir.test", "*.apps.weir.test");
    assertThat(snapshot.certificates()).hasSize(1);
  }
}
