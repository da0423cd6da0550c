package dev.weir.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import org.junit.jupiter.api.Test;

/** NOTES.txt tells how to reach the data plane the way the values expose it. */
class NotesTest {

  /** The notes `helm install` prints: a client-only dry run, nothing sent to any cluster. */
  static String notes(String... keyValues) {
    MockCluster.client();
    InstallCommand install =
        new Helm(RenderedChart.CHART)
            .install()
            .withName(RenderedChart.RELEASE)
            .withNamespace(RenderedChart.NAMESPACE)
            .withKubeVersion(RenderedChart.KUBE_VERSION)
            .dryRun()
            .clientOnly();
    for (int i = 0; i < keyValues.length; i += 2) {
      install = install.set(keyValues[i], keyValues[i + 1]);
    }
    String output = install.call().getOutput();
    return output.substring(output.indexOf("NOTES:"));
  }

  @Test
  void loadBalancerNotesShowHowToReadItsExternalAddress() {
    String notes = notes();

    assertThat(notes)
        .contains("Service weir-dataplane (LoadBalancer)")
        .contains(
            "kubectl -n weir get service weir-dataplane \\\n"
                + "    -o jsonpath='{.status.loadBalancer.ingress[0].ip}"
                + "{.status.loadBalancer.ingress[0].hostname}")
        .contains("helm test weir -n weir")
        .doesNotContain("nodePort")
        .doesNotContain("NetworkPolicies");
  }

  @Test
  void nodePortNotesShowThePortsAndTheNodes() {
    String notes = notes("dataplane.service.type", "NodePort");

    assertThat(notes)
        .contains("Service weir-dataplane (NodePort). Any node's address on these ports:")
        .contains(".spec.ports[?(@.name==\"http\")].nodePort")
        .contains("kubectl get nodes -o wide")
        .doesNotContain("status.loadBalancer");
  }

  @Test
  void clusterIpNotesShowAPortForward() {
    String notes = notes("dataplane.service.type", "ClusterIP", "test.enabled", "false");

    assertThat(notes)
        .contains("port-forward service/weir-dataplane 8080:80 8443:443")
        .doesNotContain("status.loadBalancer")
        .doesNotContain("helm test");
  }

  @Test
  void bareMetalNotesNameTheNodesPorts() {
    assertThat(notes("dataplane.kind", "DaemonSet", "dataplane.hostPort.enabled", "true"))
        .contains("hostPort: every node running a data plane takes ports 80 (HTTP) and 443 (HTTPS)")
        .contains("get pods -l app.kubernetes.io/component=dataplane");
    assertThat(notes("dataplane.kind", "DaemonSet", "dataplane.hostNetwork", "true"))
        .contains("hostNetwork: every node running a data plane listens itself on ports 8080");
  }

  @Test
  void networkPolicyNotesSayWhoMayScrape() {
    assertThat(notes("networkPolicy.enabled", "true"))
        .contains("from networkPolicy.metricsFrom only (empty: from nobody).");
  }
}
