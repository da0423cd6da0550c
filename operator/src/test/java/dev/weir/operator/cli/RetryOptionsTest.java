package dev.weir.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.contract.snapshot.RetryCondition;
import dev.weir.contract.snapshot.RetryPolicy;
import dev.weir.operator.translate.RetryDefaults;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParameterException;

/** The retry options of {@code run} and {@code standalone}. */
class RetryOptionsTest {
  private static RetryDefaults standalone(String... args) {
    return ParsedCommands.standalone(args).retry.retryDefaults();
  }

  private static RetryDefaults run(String... args) {
    return ParsedCommands.run(args).retry.retryDefaults();
  }

  @Test
  void withoutOptionsTheRetriesAreNginxs() {
    assertThat(run()).isEqualTo(RetryDefaults.DEFAULTS);
    assertThat(standalone()).isEqualTo(RetryDefaults.DEFAULTS);
  }

  @Test
  void everyOptionSetsItsPart() {
    assertThat(
            run(
                "--proxy-next-upstream",
                "error http_502 non_idempotent",
                "--proxy-next-upstream-tries",
                "5",
                "--proxy-next-upstream-timeout",
                "4s"))
        .isEqualTo(
            new RetryDefaults(
                new RetryPolicy(
                    List.of(
                        RetryCondition.ERROR,
                        RetryCondition.HTTP_502,
                        RetryCondition.NON_IDEMPOTENT),
                    4_000L),
                5));
    assertThat(standalone("--proxy-next-upstream=off", "--proxy-next-upstream-tries=0"))
        .isEqualTo(new RetryDefaults(RetryPolicy.OFF, 0));
  }

  @Test
  void wrongValuesAreUsageErrorsNamingTheOption() {
    assertThatThrownBy(() -> run("--proxy-next-upstream", "error invalid_header"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--proxy-next-upstream: ")
        .hasMessageContaining("invalid_header");
    assertThatThrownBy(() -> standalone("--proxy-next-upstream", "eror"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("\"eror\"");
    assertThatThrownBy(() -> run("--proxy-next-upstream-tries", "-1"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--proxy-next-upstream-tries");
    assertThatThrownBy(() -> run("--proxy-next-upstream-timeout", "-3s"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--proxy-next-upstream-timeout");
  }
}
