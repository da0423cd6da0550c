package dev.weir.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.cli.BuildInfo;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DataplaneMainTest {
  @Test
  void versionPrintsTheVersionAndTheCommit() {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new DataplaneMain()).setOut(new PrintWriter(out));

    assertThat(cli.execute("--version")).isZero();
    assertThat(out.toString())
        .contains(BuildInfo.CURRENT.version())
        .contains("commit " + BuildInfo.CURRENT.commit());
  }

  @Test
  void buildInfoIsAMetric() {
    assertThat(new DataplaneMetrics().scrape())
        .contains(
            "weir_build_info{commit=\""
                + BuildInfo.CURRENT.commit()
                + "\",version=\""
                + BuildInfo.CURRENT.version()
                + "\"} 1");
  }

  @Test
  void aTrustedProxyRangeThatIsNoRangeIsAUsageError() {
    // Refused before anything starts (a usage error is exit code 2; the file is never read).
    assertThat(exitCodeWith("--forwarded-headers-trusted-from=10.0.0.0/99")).isEqualTo(2);
  }

  @Test
  void outlierDetectionOptionsAreReadAndCheckedBeforeAnythingStarts() {
    assertThat(exitCodeWith("--outlier-max-ejected-percent=150")).isEqualTo(2);
    DataplaneMain main = new DataplaneMain();
    new CommandLine(main).parseArgs("--snapshot-file=/x", "--outlier-detection=off");
    assertThat(main.outliers.settings().enabled()).isFalse();
  }

  /** The exit code of a data plane without listeners, from a file that does not exist. */
  private static int exitCodeWith(String option) {
    return new CommandLine(new DataplaneMain())
        .execute(
            "--snapshot-file=/nonexistent",
            "--http-port=-1",
            "--https-port=-1",
            "--admin-port=-1",
            option);
  }
}
