package dev.weir.contract.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrometheusTextTest {
  private static final String DATAPLANE =
      """
      # HELP weir_build_info The version
      # TYPE weir_build_info gauge
      weir_build_info{commit="abc",version="1"} 1.0
      # HELP weir_requests_total Requests
      # TYPE weir_requests_total counter
      weir_requests_total{host="a"} 3.0
      """;

  private static final String OPERATOR =
      """
      # HELP weir_build_info The version
      # TYPE weir_build_info gauge
      weir_build_info{commit="abc",version="1"} 1.0
      # HELP weir_operator_diagnostics Problems
      # TYPE weir_operator_diagnostics gauge
      weir_operator_diagnostics{reason="InvalidPath"} 2.0
      weir_operator_diagnostics{reason="SecretNotFound"} 0.0
      # HELP weir_operator_translation_seconds Time
      # TYPE weir_operator_translation_seconds summary
      weir_operator_translation_seconds{quantile="0.5"} 0.001
      weir_operator_translation_seconds_count 4
      weir_operator_translation_seconds_sum 0.004
      """;

  @Test
  void familiesOfTheSecondThatTheFirstHasAreLeftOut() {
    assertThat(PrometheusText.merge(DATAPLANE, OPERATOR))
        .isEqualTo(
            DATAPLANE
                + """
                # HELP weir_operator_diagnostics Problems
                # TYPE weir_operator_diagnostics gauge
                weir_operator_diagnostics{reason="InvalidPath"} 2.0
                weir_operator_diagnostics{reason="SecretNotFound"} 0.0
                # HELP weir_operator_translation_seconds Time
                # TYPE weir_operator_translation_seconds summary
                weir_operator_translation_seconds{quantile="0.5"} 0.001
                weir_operator_translation_seconds_count 4
                weir_operator_translation_seconds_sum 0.004
                """);
  }

  @Test
  void anEmptySecondLeavesTheFirstAsItIs() {
    assertThat(PrometheusText.merge(DATAPLANE, "")).isSameAs(DATAPLANE);
  }

  @Test
  void aFirstWithoutAFinalLineBreakGetsOne() {
    assertThat(PrometheusText.merge("a 1", "# TYPE b gauge\nb 2\n"))
        .isEqualTo("a 1\n# TYPE b gauge\nb 2\n");
  }
}
