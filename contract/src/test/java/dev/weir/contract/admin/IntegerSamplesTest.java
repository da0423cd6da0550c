package dev.weir.contract.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IntegerSamplesTest {
  private final IntegerSamples versions =
      IntegerSamples.of("weir_snapshot_version", "weir_applied_version");

  @Test
  void largeIntegralSamplesOfTheNamedMetricsArePrintedPositionally() {
    String text =
        "# HELP weir_snapshot_version Version 1.0E12\n"
            + "# TYPE weir_snapshot_version gauge\n"
            + "weir_snapshot_version 1.733212345678E12\n"
            + "weir_applied_version{node=\"a b\"} 1.733212345679E12\n"
            + "weir_applied_version{node=\"c\"} -1.0\n"
            + "weir_snapshot_version_other 1.0E12\n"
            + "weir_other 1.733212345678E12";

    assertThat(versions.format(text))
        .isEqualTo(
            "# HELP weir_snapshot_version Version 1.0E12\n"
                + "# TYPE weir_snapshot_version gauge\n"
                + "weir_snapshot_version 1733212345678.0\n"
                + "weir_applied_version{node=\"a b\"} 1733212345679.0\n"
                + "weir_applied_version{node=\"c\"} -1.0\n"
                + "weir_snapshot_version_other 1.0E12\n"
                + "weir_other 1.733212345678E12");
  }

  @Test
  void aSampleOnTheLastLineWithoutLineBreakIsRewrittenToo() {
    assertThat(versions.format("weir_snapshot_version 4.2E7"))
        .isEqualTo("weir_snapshot_version 42000000.0");
  }

  @Test
  void whatIsNotAnExactIntegerIsLeftAsWritten() {
    assertThat(versions.format("weir_snapshot_version 1.5E-3\n"))
        .isEqualTo("weir_snapshot_version 1.5E-3\n");
    assertThat(versions.format("weir_snapshot_version 1.0E20\n"))
        .isEqualTo("weir_snapshot_version 1.0E20\n");
    assertThat(versions.format("weir_snapshot_version NaN\n"))
        .isEqualTo("weir_snapshot_version NaN\n");
    assertThat(versions.format("no samples\n")).isEqualTo("no samples\n");
  }
}
