package dev.weir.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class ChartLintTest {

  @Test
  void helmLintPassesStrict() {
    MockCluster.client();
    LintResult result = new Helm(RenderedChart.CHART).lint().strict().call();

    assertThat(result.isFailed()).as("helm lint: %s", result.getMessages()).isFalse();
    assertThat(result.getMessages())
        .noneMatch(m -> m.startsWith("[ERROR]") || m.startsWith("[WARNING]"));
  }

  @Test
  void invalidValuesAreRefusedWithTheReason() {
    Throwable refused =
        Assertions.catchThrowable(() -> RenderedChart.render("controlTls.source", "vault"));

    assertThat(refused)
        .hasMessageContaining("controlTls.source must be helm, cert-manager or existing");
  }
}
