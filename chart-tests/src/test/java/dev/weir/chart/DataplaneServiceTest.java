package dev.weir.chart;

import static dev.weir.chart.WiringTest.port;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import org.junit.jupiter.api.Test;

/** The data plane Service's options, as ingress-nginx's and Traefik's charts offer them. */
class DataplaneServiceTest {

  static Service dataplaneService(RenderedChart chart) {
    return chart.get(Service.class, "weir-dataplane");
  }

  @Test
  void defaultsAreALoadBalancerKeepingClientAddressesWithNothingPinned() {
    ServiceSpec spec = dataplaneService(RenderedChart.render()).getSpec();

    assertThat(spec.getType()).isEqualTo("LoadBalancer");
    assertThat(spec.getExternalTrafficPolicy()).isEqualTo("Local");
    assertThat(spec.getLoadBalancerIP()).isNull();
    assertThat(spec.getLoadBalancerClass()).isNull();
    assertThat(spec.getLoadBalancerSourceRanges()).isEmpty();
    assertThat(spec.getExternalIPs()).isEmpty();
    assertThat(spec.getIpFamilyPolicy()).isNull();
    assertThat(spec.getIpFamilies()).isEmpty();
    assertThat(spec.getPorts()).allSatisfy(p -> assertThat(p.getNodePort()).isNull());
  }

  @Test
  void loadBalancerOptionsReachTheService() {
    Service service =
        dataplaneService(
            RenderedChart.renderValues(
                """
                dataplane:
                  service:
                    annotations:
                      service.beta.kubernetes.io/aws-load-balancer-type: nlb
                    labels:
                      team: edge
                    loadBalancerIP: 203.0.113.10
                    loadBalancerClass: service.k8s.aws/nlb
                    loadBalancerSourceRanges: [198.51.100.0/24]
                    externalTrafficPolicy: Cluster
                    externalIPs: [192.0.2.7]
                    ipFamilyPolicy: PreferDualStack
                    ipFamilies: [IPv6, IPv4]
                    nodePorts:
                      http: 30080
                      https: 30443
                """));
    ServiceSpec spec = service.getSpec();

    assertThat(service.getMetadata().getAnnotations())
        .containsEntry("service.beta.kubernetes.io/aws-load-balancer-type", "nlb");
    assertThat(service.getMetadata().getLabels())
        .containsEntry("team", "edge")
        .containsEntry("app.kubernetes.io/component", "dataplane");
    assertThat(spec.getLoadBalancerIP()).isEqualTo("203.0.113.10");
    assertThat(spec.getLoadBalancerClass()).isEqualTo("service.k8s.aws/nlb");
    assertThat(spec.getLoadBalancerSourceRanges()).containsExactly("198.51.100.0/24");
    assertThat(spec.getExternalTrafficPolicy()).isEqualTo("Cluster");
    assertThat(spec.getExternalIPs()).containsExactly("192.0.2.7");
    assertThat(spec.getIpFamilyPolicy()).isEqualTo("PreferDualStack");
    assertThat(spec.getIpFamilies()).containsExactly("IPv6", "IPv4");
    assertThat(port(service, "http").getNodePort()).isEqualTo(30080);
    assertThat(port(service, "https").getNodePort()).isEqualTo(30443);
  }

  @Test
  void nodePortServiceHasFixedNodePortsAndNoLoadBalancerFields() {
    Service service =
        dataplaneService(
            RenderedChart.render(
                "dataplane.service.type", "NodePort",
                "dataplane.service.nodePorts.http", "30080",
                "dataplane.service.loadBalancerIP", "203.0.113.10",
                "dataplane.service.loadBalancerSourceRanges[0]", "198.51.100.0/24"));
    ServiceSpec spec = service.getSpec();

    assertThat(spec.getType()).isEqualTo("NodePort");
    assertThat(spec.getExternalTrafficPolicy()).isEqualTo("Local");
    assertThat(port(service, "http").getNodePort()).isEqualTo(30080);
    assertThat(port(service, "https").getNodePort()).as("0: Kubernetes picks").isNull();
    // The API server refuses them on a Service of another type.
    assertThat(spec.getLoadBalancerIP()).isNull();
    assertThat(spec.getLoadBalancerSourceRanges()).isEmpty();
  }

  @Test
  void clusterIpServiceHasNeitherNodePortsNorAnExternalTrafficPolicy() {
    Service service =
        dataplaneService(
            RenderedChart.render(
                "dataplane.service.type", "ClusterIP",
                "dataplane.service.nodePorts.http", "30080",
                "dataplane.service.externalIPs[0]", "192.0.2.7"));
    ServiceSpec spec = service.getSpec();

    assertThat(spec.getType()).isEqualTo("ClusterIP");
    assertThat(spec.getExternalTrafficPolicy()).isNull();
    assertThat(spec.getPorts()).allSatisfy(p -> assertThat(p.getNodePort()).isNull());
    assertThat(spec.getExternalIPs()).as("valid on any type").containsExactly("192.0.2.7");
  }
}
