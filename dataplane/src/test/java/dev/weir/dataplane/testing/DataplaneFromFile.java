package dev.weir.dataplane.testing;

import dev.weir.contract.snapshot.SnapshotCodec;
import dev.weir.dataplane.Dataplane;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Runs a data plane from a snapshot file in its own JVM, for tests that constrain its memory.
 * Prints {@code http_port=N} once listening and runs until its standard input closes.
 */
public final class DataplaneFromFile {
  private DataplaneFromFile() {}

  public static void main(String[] args) throws Exception {
    Dataplane dataplane =
        Dataplane.start(
            new Dataplane.Options("127.0.0.1", 0, -1, Duration.ofSeconds(1)),
            new DataplaneMetrics());
    dataplane.apply(SnapshotCodec.decode(Files.readAllBytes(Path.of(args[0]))));
    System.out.println("http_port=" + dataplane.httpPort());
    System.out.flush();
    while (System.in.read() != -1) {
      // Wait for the parent to close our input.
    }
    dataplane.close();
  }
}
