package dev.weir.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * The quickstart's manifests (examples/quickstart) copied for a test. The demo pods listen on the
 * fixed ports the manifests name (9001-9003): so that they cannot collide with anything else on
 * this machine, the copy moves them from 127.0.0.1 to a random 127.x.y.z (all of 127/8 is loopback
 * on Linux).
 */
final class QuickstartCopy {
  private QuickstartCopy() {}

  /** Copies the manifests of {@code quickstart} into {@code target}; the demo pods' address. */
  static String copy(Path quickstart, Path target) throws IOException {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String podAddress =
        "127."
            + random.nextInt(1, 255)
            + "."
            + random.nextInt(0, 256)
            + "."
            + random.nextInt(1, 255);
    try (Stream<Path> files = Files.list(quickstart)) {
      for (Path file : files.toList()) {
        String text = Files.readString(file);
        if (file.getFileName().toString().equals("services.yaml")) {
          assertThat(text).contains("\"127.0.0.1\"");
          text = text.replace("\"127.0.0.1\"", "\"" + podAddress + "\"");
        }
        Files.writeString(target.resolve(file.getFileName()), text);
      }
    }
    return podAddress;
  }
}
