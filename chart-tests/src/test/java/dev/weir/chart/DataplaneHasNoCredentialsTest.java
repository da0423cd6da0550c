package dev.weir.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The data plane faces the internet: nothing in its pods may talk to the Kubernetes API. */
class DataplaneHasNoCredentialsTest {

  @ParameterizedTest
  @ValueSource(strings = {"Deployment", "DaemonSet"})
  void dataplanePodMountsNoServiceAccountToken(String kind) {
    RenderedChart chart =
        RenderedChart.render("dataplane.kind", kind, "watchNamespaces[0]", "apps");
    PodSpec pod = chart.dataplanePod();

    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getServiceAccountName()).isEqualTo("weir-dataplane");
    assertThat(chart.get(ServiceAccount.class, "weir-dataplane").getAutomountServiceAccountToken())
        .isFalse();
    // No hand-made token either: a projected serviceAccountToken or a token Secret.
    for (Volume volume : pod.getVolumes()) {
      if (volume.getProjected() != null) {
        assertThat(volume.getProjected().getSources())
            .allSatisfy(s -> assertThat(s.getServiceAccountToken()).isNull());
      }
      if (volume.getSecret() != null) {
        assertThat(volume.getSecret().getSecretName()).isEqualTo("weir-dataplane-control-tls");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"all-namespaces", "listed-namespaces"})
  void noRoleOrClusterRoleIsBoundToTheDataplane(String scope) {
    RenderedChart chart =
        scope.equals("all-namespaces")
            ? RenderedChart.render()
            : RenderedChart.render("watchNamespaces[0]", "apps", "watchNamespaces[1]", "shop");

    List<Subject> subjects =
        Stream.concat(
                chart.all(RoleBinding.class).stream().flatMap(b -> b.getSubjects().stream()),
                chart.all(ClusterRoleBinding.class).stream().flatMap(b -> b.getSubjects().stream()))
            .toList();

    assertThat(subjects)
        .isNotEmpty()
        .allSatisfy(s -> assertThat(s.getName()).isEqualTo("weir-operator"));
  }
}
