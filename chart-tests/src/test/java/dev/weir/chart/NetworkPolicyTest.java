package dev.weir.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicySpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** networkPolicy.enabled: what may reach each component and what each may reach. */
class NetworkPolicyTest {

  static final String WITH_METRICS_FROM =
      """
      networkPolicy:
        enabled: true
        metricsFrom:
          - namespaceSelector:
              matchLabels: {kubernetes.io/metadata.name: monitoring}
            podSelector:
              matchLabels: {app.kubernetes.io/name: prometheus}
      """;

  static List<Integer> ports(List<NetworkPolicyPort> ports) {
    return ports.stream().map(NetworkPolicyPort::getPort).map(IntOrString::getIntVal).toList();
  }

  @Test
  void offByDefault() {
    assertThat(RenderedChart.render().all(NetworkPolicy.class)).isEmpty();
  }

  @Test
  void dataplaneTakesAnyoneOnItsListenersAndOnlyMetricsFromOnItsAdminPort() {
    RenderedChart chart = RenderedChart.renderValues(WITH_METRICS_FROM);
    NetworkPolicySpec spec = chart.get(NetworkPolicy.class, "weir-dataplane").getSpec();

    assertThat(spec.getPodSelector().getMatchLabels())
        .isEqualTo(
            chart.get(Deployment.class, "weir-dataplane").getSpec().getSelector().getMatchLabels());
    assertThat(spec.getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
    assertThat(spec.getIngress()).hasSize(2);
    assertThat(spec.getIngress().get(0).getFrom()).as("from anywhere").isEmpty();
    assertThat(ports(spec.getIngress().get(0).getPorts())).containsExactly(8080, 8443);
    assertThat(spec.getIngress().get(1).getFrom())
        .singleElement()
        .satisfies(
            peer -> {
              assertThat(peer.getNamespaceSelector().getMatchLabels())
                  .containsEntry("kubernetes.io/metadata.name", "monitoring");
              assertThat(peer.getPodSelector().getMatchLabels())
                  .containsEntry("app.kubernetes.io/name", "prometheus");
            });
    assertThat(ports(spec.getIngress().get(1).getPorts())).containsExactly(9090);
  }

  @Test
  void dataplaneMayConnectToEveryPodAndDns() {
    NetworkPolicySpec spec =
        RenderedChart.render("networkPolicy.enabled", "true")
            .get(NetworkPolicy.class, "weir-dataplane")
            .getSpec();

    assertThat(spec.getEgress()).hasSize(2);
    assertThat(spec.getEgress().get(0).getTo())
        .singleElement()
        .satisfies(
            peer -> {
              assertThat(peer.getNamespaceSelector().getMatchLabels()).isNullOrEmpty();
              assertThat(peer.getNamespaceSelector().getMatchExpressions()).isNullOrEmpty();
              assertThat(peer.getPodSelector()).isNull();
            });
    assertThat(spec.getEgress().get(0).getPorts()).as("any port").isEmpty();
    assertThat(spec.getEgress().get(1).getPorts())
        .extracting(NetworkPolicyPort::getProtocol)
        .containsExactlyInAnyOrder("UDP", "TCP");
    assertThat(ports(spec.getEgress().get(1).getPorts())).containsOnly(53);
    // Without metricsFrom nobody reaches the admin port.
    assertThat(spec.getIngress()).singleElement();
  }

  @Test
  void dataplaneExtraEgressIsAppended() {
    NetworkPolicySpec spec =
        RenderedChart.renderValues(
                """
                networkPolicy:
                  enabled: true
                  dataplaneExtraEgress:
                    - to: [{ipBlock: {cidr: 10.20.0.0/16}}]
                      ports: [{port: 5432, protocol: TCP}]
                """)
            .get(NetworkPolicy.class, "weir-dataplane")
            .getSpec();

    assertThat(spec.getEgress()).hasSize(3);
    assertThat(spec.getEgress().get(2).getTo().get(0).getIpBlock().getCidr())
        .isEqualTo("10.20.0.0/16");
  }

  @Test
  void operatorTakesDataplaneControlConnectionsAndMetricsAndReachesOnlyTheApiServer() {
    RenderedChart chart = RenderedChart.renderValues(WITH_METRICS_FROM);
    NetworkPolicySpec spec = chart.get(NetworkPolicy.class, "weir-operator").getSpec();

    assertThat(spec.getPodSelector().getMatchLabels())
        .isEqualTo(
            chart.get(Deployment.class, "weir-operator").getSpec().getSelector().getMatchLabels());
    assertThat(spec.getIngress()).hasSize(2);
    assertThat(spec.getIngress().get(0).getFrom())
        .singleElement()
        .satisfies(
            peer ->
                assertThat(peer.getPodSelector().getMatchLabels())
                    .isEqualTo(
                        chart
                            .get(Deployment.class, "weir-dataplane")
                            .getSpec()
                            .getSelector()
                            .getMatchLabels()));
    assertThat(ports(spec.getIngress().get(0).getPorts())).containsExactly(18000);
    assertThat(spec.getIngress().get(1).getFrom().get(0).getNamespaceSelector().getMatchLabels())
        .containsEntry("kubernetes.io/metadata.name", "monitoring");
    assertThat(ports(spec.getIngress().get(1).getPorts())).containsExactly(9091);

    assertThat(spec.getEgress())
        .singleElement()
        .satisfies(
            rule -> {
              assertThat(rule.getTo()).as("any address by default").isEmpty();
              assertThat(ports(rule.getPorts())).containsExactly(443, 6443);
            });
  }

  @Test
  void operatorEgressCanBeNarrowedToTheApiServersAddresses() {
    NetworkPolicySpec spec =
        RenderedChart.renderValues(
                """
                networkPolicy:
                  enabled: true
                  apiServer:
                    cidrs: [172.18.0.2/32, 172.18.0.3/32]
                    ports: [6443]
                """)
            .get(NetworkPolicy.class, "weir-operator")
            .getSpec();

    assertThat(spec.getEgress().get(0).getTo())
        .extracting(peer -> peer.getIpBlock().getCidr())
        .containsExactly("172.18.0.2/32", "172.18.0.3/32");
    assertThat(ports(spec.getEgress().get(0).getPorts())).containsExactly(6443);
  }

  @Test
  void renamedPortsFollowIntoThePolicies() {
    RenderedChart chart =
        RenderedChart.render(
            "networkPolicy.enabled", "true",
            "dataplane.httpPort", "8081",
            "operator.controlPort", "18001");

    assertThat(
            ports(
                chart
                    .get(NetworkPolicy.class, "weir-dataplane")
                    .getSpec()
                    .getIngress()
                    .get(0)
                    .getPorts()))
        .containsExactly(8081, 8443);
    assertThat(
            ports(
                chart
                    .get(NetworkPolicy.class, "weir-operator")
                    .getSpec()
                    .getIngress()
                    .get(0)
                    .getPorts()))
        .containsExactly(18001);
  }
}
