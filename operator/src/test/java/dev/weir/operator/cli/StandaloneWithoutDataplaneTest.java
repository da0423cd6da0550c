package dev.weir.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The operator module is built without the data plane (as weir-operator.jar is): {@code standalone}
 * then names the jar that has one, instead of failing with a stack trace. With the data plane on
 * the class path it runs (StandaloneTest, in standalone/).
 */
class StandaloneWithoutDataplaneTest {
  @Test
  void standaloneWithoutDataplaneOnTheClassPathSaysWhichJarToRun() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream originalErr = System.err;
    int exit;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      exit =
          new CommandLine(new OperatorMain())
              .execute("standalone", "--manifests", "../examples/quickstart");
    } finally {
      System.setErr(originalErr);
    }

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("standalone mode needs the data plane")
        .contains("weir-standalone.jar")
        .doesNotContain("Exception");
  }
}
