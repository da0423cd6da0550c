package dev.weir.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.Test;

/**
 * `helm test`: a Pod that asks the data plane Service for a host no Ingress names. Only rendered
 * here (no cluster, no registry); the script's shell is exercised in {@link HelmTestScriptTest}.
 */
class HelmTestHookTest {

  static Pod testPod(RenderedChart chart) {
    return chart.get(Pod.class, "weir-dataplane-test");
  }

  static String script(Pod pod) {
    Container container = pod.getSpec().getContainers().get(0);
    assertThat(container.getCommand()).containsExactly("bash", "-c");
    return container.getArgs().get(0);
  }

  @Test
  void isATestHookThatRequestsThroughTheDataplaneServiceAndExpectsWeirs404() {
    RenderedChart chart = RenderedChart.renderWithHooks();
    Pod pod = testPod(chart);

    assertThat(pod.getMetadata().getAnnotations())
        .containsEntry(RenderedChart.HOOK_ANNOTATION, "test")
        .containsEntry("helm.sh/hook-delete-policy", "before-hook-creation,hook-succeeded");
    assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getSpec().getContainers().get(0).getImage())
        .as("the data plane's image: it has bash")
        .isEqualTo(chart.dataplanePod().getContainers().get(0).getImage());
    String script = script(pod);
    assertThat(script)
        .contains("/dev/tcp/weir-dataplane.weir.svc/80")
        .contains("Host: %s")
        .contains("\"weir-helm-test.invalid\"")
        .contains("== \"HTTP/1.1 404 \"*")
        .doesNotContain("PROXY");
    // Not part of the release's manifest: `helm install` does not start it.
    assertThat(RenderedChart.render().find(Pod.class, "weir-dataplane-test")).isEmpty();
  }

  @Test
  void followsTheServicePortProxyProtocolAndTheTestValues() {
    Pod pod =
        testPod(
            RenderedChart.renderWithHooks(
                "dataplane.service.httpPort", "8000",
                "dataplane.proxyProtocol", "true",
                "test.image", "registry.example/tools/bash:5",
                "test.host", "default.example",
                "test.expectedStatus", "200"));
    String script = script(pod);

    assertThat(pod.getSpec().getContainers().get(0).getImage())
        .isEqualTo("registry.example/tools/bash:5");
    assertThat(script)
        .contains("/dev/tcp/weir-dataplane.weir.svc/8000")
        .contains("PROXY TCP4 ")
        .contains("\"default.example\"")
        .contains("== \"HTTP/1.1 200 \"*");
    assertThat(script.indexOf("PROXY")).isLessThan(script.indexOf("GET / HTTP/1.1"));
  }

  @Test
  void runsHardenedLikeTheOtherPods() {
    Pod pod = testPod(RenderedChart.renderWithHooks());

    assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();
    Container container = pod.getSpec().getContainers().get(0);
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
  }

  @Test
  void canBeLeftOut() {
    assertThat(
            RenderedChart.renderWithHooks("test.enabled", "false")
                .find(Pod.class, "weir-dataplane-test"))
        .isEmpty();
  }
}
