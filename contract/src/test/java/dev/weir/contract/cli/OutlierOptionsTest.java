package dev.weir.contract.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;

/** The outlier detection options of the data plane and of standalone mode. */
class OutlierOptionsTest {
  @Command(name = "test")
  static final class Runs {
    @Mixin OutlierOptions outliers = new OutlierOptions();
  }

  private static OutlierSettings parse(String... args) {
    Runs command = new Runs();
    new CommandLine(command).parseArgs(args);
    return command.outliers.settings();
  }

  @Test
  void withoutOptionsTheDefaultsApply() {
    assertThat(parse()).isEqualTo(OutlierSettings.DEFAULTS);
  }

  @Test
  void everyOptionSetsItsPart() {
    assertThat(
            parse(
                "--outlier-consecutive-failures=5",
                "--outlier-base-ejection=2s",
                "--outlier-max-ejection=1m",
                "--outlier-max-ejected-percent=30"))
        .isEqualTo(new OutlierSettings(5, Duration.ofSeconds(2), Duration.ofMinutes(1), 30));
  }

  @Test
  void offNeverEjects() {
    OutlierSettings off = parse("--outlier-detection=off");
    assertThat(off.enabled()).isFalse();
    assertThat(off).isEqualTo(OutlierSettings.OFF);
  }

  @Test
  void wrongValuesAreUsageErrorsNamingTheOption() {
    assertThatThrownBy(() -> parse("--outlier-detection=maybe"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--outlier-detection: must be on or off");
    assertThatThrownBy(() -> parse("--outlier-consecutive-failures=0"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--outlier-consecutive-failures");
    assertThatThrownBy(() -> parse("--outlier-base-ejection=0s"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--outlier-base-ejection");
    assertThatThrownBy(() -> parse("--outlier-base-ejection=1m", "--outlier-max-ejection=30s"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--outlier-max-ejection");
    assertThatThrownBy(() -> parse("--outlier-max-ejected-percent=101"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--outlier-max-ejected-percent");
  }
}
