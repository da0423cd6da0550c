package dev.weir.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.contract.snapshot.Settings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** The listener settings options of {@code run} and {@code standalone}, parsed as picocli does. */
class ListenerSettingsOptionsTest {
  private static Settings standalone(String... settingsArgs) {
    StandaloneCommand command = new StandaloneCommand();
    parse(command, new String[] {"--manifests", "."}, settingsArgs);
    return command.listener.settings();
  }

  private static Settings run(String... settingsArgs) {
    RunCommand command = new RunCommand();
    parse(command, new String[] {"--control-tls-dir", "/nonexistent"}, settingsArgs);
    return command.listener.settings();
  }

  private static void parse(Object command, String[] required, String[] settingsArgs) {
    String[] args = Arrays.copyOf(required, required.length + settingsArgs.length);
    System.arraycopy(settingsArgs, 0, args, required.length, settingsArgs.length);
    new CommandLine(command).parseArgs(args);
  }

  @Test
  void withoutOptionsTheSettingsAreTheDataPlanesDefaults() {
    assertThat(standalone()).isEqualTo(Settings.DEFAULTS);
    assertThat(run()).isEqualTo(Settings.DEFAULTS);
  }

  @Test
  void everyOptionSetsItsSetting() {
    Settings expected =
        Settings.builder()
            .maxRequestLineBytes(1024)
            .maxHeaderBytes(4096)
            .clientIdleMillis(5_000)
            .upstreamMaxConnectionsPerEndpoint(16)
            .upstreamIdleMillis(90_000)
            .requestHeaderMillis(1_500)
            .build();
    String[] args = {
      "--client-idle-timeout",
      "5s",
      "--request-header-timeout",
      "1500ms",
      "--max-request-line-bytes",
      "1024",
      "--max-header-bytes",
      "4096",
      "--upstream-idle-timeout",
      "90s",
      "--upstream-max-connections",
      "16"
    };
    assertThat(standalone(args)).isEqualTo(expected);
    assertThat(run(args)).isEqualTo(expected);
  }

  @Test
  void outOfRangeValuesAreUsageErrorsNamingTheOption() {
    assertThatThrownBy(() -> standalone("--client-idle-timeout", "0s"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--client-idle-timeout")
        .hasMessageContaining("PT0S");
    assertThatThrownBy(() -> standalone("--request-header-timeout", "500ms"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--request-header-timeout: must be between 1s and 24h");
    assertThatThrownBy(() -> run("--client-idle-timeout", "PT2562047788015216H"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--client-idle-timeout");
    assertThatThrownBy(() -> run("--request-header-timeout", "25h"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--request-header-timeout");
    assertThatThrownBy(() -> standalone("--max-header-bytes", "100"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--max-header-bytes: must be at least 1024, not 100");
    assertThatThrownBy(() -> run("--upstream-max-connections", "0"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--upstream-max-connections");
  }

  @Test
  void aBadValueStopsTheCommandWithExitCode2AndTheReason() {
    StringWriter err = new StringWriter();
    int exit =
        new CommandLine(new OperatorMain())
            .setErr(new PrintWriter(err))
            .execute("standalone", "--manifests", ".", "--max-request-line-bytes", "10");
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("--max-request-line-bytes: must be at least 256, not 10");
  }
}
