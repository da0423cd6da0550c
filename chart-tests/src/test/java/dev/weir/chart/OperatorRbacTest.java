package dev.weir.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The operator's permissions are exactly what its code uses (see templates/operator-rbac.yaml for
 * the verb-by-call reasoning), flattened to "group/resource[names]:verb" so any extra grant shows.
 */
class OperatorRbacTest {
  private static final Set<String> NAMESPACED =
      Set.of(
          "networking.k8s.io/ingresses:get",
          "networking.k8s.io/ingresses:list",
          "networking.k8s.io/ingresses:watch",
          "networking.k8s.io/ingresses/status:update",
          "networking.k8s.io/ingresses/status:patch",
          "/services:get",
          "/services:list",
          "/services:watch",
          "/secrets:get",
          "/secrets:list",
          "/secrets:watch",
          "/configmaps:get",
          "/configmaps:list",
          "/configmaps:watch",
          "discovery.k8s.io/endpointslices:get",
          "discovery.k8s.io/endpointslices:list",
          "discovery.k8s.io/endpointslices:watch",
          "cert-manager.io/certificates:get",
          "cert-manager.io/certificates:list",
          "cert-manager.io/certificates:watch",
          "/events:create",
          "/events:get",
          "/events:patch");
  private static final Set<String> CLUSTER_SCOPED =
      Set.of(
          "networking.k8s.io/ingressclasses:get",
          "networking.k8s.io/ingressclasses:list",
          "networking.k8s.io/ingressclasses:watch",
          "apiextensions.k8s.io/customresourcedefinitions[certificates.cert-manager.io]:get");
  private static final Set<String> LEADER_ELECTION =
      Set.of(
          "coordination.k8s.io/leases:create",
          "coordination.k8s.io/leases[weir-operator-leader]:get",
          "coordination.k8s.io/leases[weir-operator-leader]:update",
          "coordination.k8s.io/leases[weir-operator-leader]:patch",
          "/services[weir-dataplane]:get",
          "/secrets:create",
          "/secrets[weir-session-ticket-keys]:get",
          "/secrets[weir-session-ticket-keys]:list",
          "/secrets[weir-session-ticket-keys]:watch",
          "/secrets[weir-session-ticket-keys]:update");

  @Test
  void clusterRoleGrantsExactlyTheWatchedKindsStatusAndEvents() {
    RenderedChart chart = RenderedChart.render();

    Set<String> expected = new TreeSet<>(NAMESPACED);
    expected.addAll(CLUSTER_SCOPED);
    assertThat(grants(chart.get(ClusterRole.class, "weir-operator").getRules()))
        .containsExactlyInAnyOrderElementsOf(expected);
    ClusterRoleBinding binding = chart.get(ClusterRoleBinding.class, "weir-operator");
    assertThat(binding.getRoleRef().getName()).isEqualTo("weir-operator");
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getKind()).isEqualTo("ServiceAccount");
              assertThat(s.getName()).isEqualTo("weir-operator");
              assertThat(s.getNamespace()).isEqualTo("weir");
            });
  }

  @Test
  void leaseAndPublishServiceAreGrantedOnlyByNameInTheReleaseNamespace() {
    RenderedChart chart = RenderedChart.render();

    Role role = chart.get(Role.class, "weir-operator-leader-election");
    assertThat(role.getMetadata().getNamespace()).isEqualTo("weir");
    assertThat(grants(role.getRules())).containsExactlyInAnyOrderElementsOf(LEADER_ELECTION);
    RoleBinding binding = chart.get(RoleBinding.class, "weir-operator-leader-election");
    assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(s -> assertThat(s.getName()).isEqualTo("weir-operator"));
  }

  @Test
  void ingressNginxsConfigMapIsGrantedByNameInItsNamespace() {
    assertThat(RenderedChart.render().all(Role.class))
        .noneMatch(r -> r.getMetadata().getName().endsWith("nginx-configmap"));
    RenderedChart chart =
        RenderedChart.render("operator.nginxConfigMap", "ingress-nginx/ingress-nginx-controller");
    Role role = chart.get(Role.class, "weir-operator-nginx-configmap");
    assertThat(role.getMetadata().getNamespace()).isEqualTo("ingress-nginx");
    assertThat(grants(role.getRules()))
        .containsExactlyInAnyOrder(
            "/configmaps[ingress-nginx-controller]:get",
            "/configmaps[ingress-nginx-controller]:list",
            "/configmaps[ingress-nginx-controller]:watch");
    RoleBinding binding = chart.get(RoleBinding.class, "weir-operator-nginx-configmap");
    assertThat(binding.getMetadata().getNamespace()).isEqualTo("ingress-nginx");
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getName()).isEqualTo("weir-operator");
              assertThat(s.getNamespace()).isEqualTo("weir");
            });
  }

  @Test
  void theSessionTicketKeySecretIsGrantedByItsConfiguredName() {
    RenderedChart chart = RenderedChart.render("sessionTicketKeys.secretName", "edge-tickets");

    assertThat(grants(chart.get(Role.class, "weir-operator-leader-election").getRules()))
        .contains(
            "/secrets[edge-tickets]:get",
            "/secrets[edge-tickets]:watch",
            "/secrets[edge-tickets]:update")
        .noneMatch(g -> g.contains("weir-session-ticket-keys"));
  }

  @Test
  void watchedNamespacesGetRolesAndTheClusterRoleKeepsOnlyClusterScopedGrants() {
    RenderedChart chart =
        RenderedChart.render("watchNamespaces[0]", "apps", "watchNamespaces[1]", "shop");

    assertThat(grants(chart.get(ClusterRole.class, "weir-operator").getRules()))
        .containsExactlyInAnyOrderElementsOf(CLUSTER_SCOPED);
    List<Role> roles =
        chart.all(Role.class).stream()
            .filter(r -> r.getMetadata().getName().equals("weir-operator"))
            .toList();
    assertThat(roles)
        .extracting(r -> r.getMetadata().getNamespace())
        .containsExactlyInAnyOrder("apps", "shop");
    assertThat(roles)
        .allSatisfy(
            r -> assertThat(grants(r.getRules())).containsExactlyInAnyOrderElementsOf(NAMESPACED));
    assertThat(
            chart.all(RoleBinding.class).stream()
                .filter(b -> b.getMetadata().getName().equals("weir-operator")))
        .extracting(b -> b.getMetadata().getNamespace())
        .containsExactlyInAnyOrder("apps", "shop");
  }

  static Set<String> grants(List<PolicyRule> rules) {
    Set<String> grants = new TreeSet<>();
    for (PolicyRule rule : rules) {
      assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          String names =
              rule.getResourceNames() == null || rule.getResourceNames().isEmpty()
                  ? ""
                  : rule.getResourceNames().toString().replace(" ", "");
          for (String verb : rule.getVerbs()) {
            assertThat(verb).isNotEqualTo("*");
            grants.add(group + "/" + resource + names + ":" + verb);
          }
        }
      }
    }
    return grants;
  }
}
