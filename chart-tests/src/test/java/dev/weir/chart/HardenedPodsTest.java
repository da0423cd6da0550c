package dev.weir.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every pod the chart renders runs non-root, read-only, without capabilities, under seccomp. */
class HardenedPodsTest {

  @ParameterizedTest
  @ValueSource(strings = {"Deployment", "DaemonSet"})
  void everyContainerIsNonRootReadOnlyWithoutCapabilitiesUnderRuntimeDefaultSeccomp(String kind) {
    RenderedChart chart = RenderedChart.render("dataplane.kind", kind);
    List<PodSpec> pods = new ArrayList<>();
    chart.all(Deployment.class).forEach(d -> pods.add(d.getSpec().getTemplate().getSpec()));
    chart.all(DaemonSet.class).forEach(d -> pods.add(d.getSpec().getTemplate().getSpec()));

    assertThat(pods).hasSize(2);
    for (PodSpec pod : pods) {
      assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
      assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
      assertThat(pod.getSecurityContext().getSeccompProfile().getType())
          .isEqualTo("RuntimeDefault");
      assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
      List<Container> containers = new ArrayList<>(pod.getContainers());
      if (pod.getInitContainers() != null) {
        containers.addAll(pod.getInitContainers());
      }
      for (Container container : containers) {
        SecurityContext sc = container.getSecurityContext();
        assertThat(sc.getReadOnlyRootFilesystem()).as(container.getName()).isTrue();
        assertThat(sc.getAllowPrivilegeEscalation()).as(container.getName()).isFalse();
        assertThat(sc.getPrivileged()).as(container.getName()).isNotEqualTo(Boolean.TRUE);
        assertThat(sc.getCapabilities().getDrop()).as(container.getName()).containsExactly("ALL");
        assertThat(sc.getCapabilities().getAdd()).as(container.getName()).isNullOrEmpty();
        assertThat(sc.getRunAsUser()).as(container.getName()).isNotEqualTo(Long.valueOf(0));
        // A read-only root needs a writable /tmp for the JVM and Netty's native libraries.
        assertThat(container.getVolumeMounts())
            .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
        assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(container.getResources().getLimits()).containsKey("memory");
      }
    }
  }
}
