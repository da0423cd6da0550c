package dev.weir.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.cli.BuildInfo;
import dev.weir.operator.metrics.OperatorMetrics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class VersionTest {
  @Test
  void everyCommandPrintsTheVersionAndTheCommit() {
    for (List<String> args : List.of(List.of("--version"), List.of("run", "--version"))) {
      StringWriter out = new StringWriter();
      CommandLine cli = new CommandLine(new OperatorMain()).setOut(new PrintWriter(out));

      assertThat(cli.execute(args.toArray(String[]::new))).as("%s", args).isZero();
      assertThat(out.toString())
          .as("%s", args)
          .contains(BuildInfo.CURRENT.version())
          .contains("commit " + BuildInfo.CURRENT.commit());
    }
  }

  @Test
  void buildInfoIsAMetric() {
    assertThat(new OperatorMetrics(List::of).scrape())
        .contains("weir_build_info{commit=\"" + BuildInfo.CURRENT.commit() + "\"");
  }
}
