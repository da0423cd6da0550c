package dev.weir.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.contract.snapshot.Hsts;
import dev.weir.operator.translate.HttpsDefaults;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParameterException;

/** The HTTPS redirect and HSTS options of {@code run} and {@code standalone}. */
class HttpsDefaultsOptionsTest {
  private static HttpsDefaults standalone(String... args) {
    return ParsedCommands.standalone(args).https.httpsDefaults();
  }

  private static HttpsDefaults run(String... args) {
    return ParsedCommands.run(args).https.httpsDefaults();
  }

  @Test
  void withoutOptionsTheDefaultsAreIngressNginxs() {
    assertThat(run()).isEqualTo(HttpsDefaults.DEFAULTS);
    assertThat(standalone()).isEqualTo(HttpsDefaults.DEFAULTS);
    assertThat(HttpsDefaults.DEFAULTS)
        .isEqualTo(new HttpsDefaults(true, Optional.of(new Hsts(31_536_000, true, false))));
  }

  @Test
  void everyOptionSetsItsDefault() {
    assertThat(
            run(
                "--ssl-redirect=false",
                "--hsts-max-age",
                "600",
                "--no-hsts-include-subdomains",
                "--hsts-preload"))
        .isEqualTo(new HttpsDefaults(false, Optional.of(new Hsts(600, false, true))));
    assertThat(standalone("--no-ssl-redirect", "--hsts=false"))
        .isEqualTo(new HttpsDefaults(false, Optional.empty()));
  }

  @Test
  void aNegativeMaxAgeIsAUsageError() {
    assertThatThrownBy(() -> run("--hsts-max-age", "-1"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--hsts-max-age");
  }
}
