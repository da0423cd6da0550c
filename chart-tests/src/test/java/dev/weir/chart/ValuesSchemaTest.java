package dev.weir.chart;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * values.schema.json names every key: a wrong type or a key the chart does not know (a typo, or
 * another chart's name for it) fails the install with the key's name instead of being ignored.
 */
class ValuesSchemaTest {

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          dataplane.service.type                      | Internal
          dataplane.service.externalTrafficPolicy     | local
          dataplane.service.annotations               | nlb
          dataplane.service.labels                    | edge
          dataplane.service.loadBalancerIP            | {a: b}
          dataplane.service.loadBalancerSourceRanges  | 10.0.0.0/8
          dataplane.service.externalIPs               | 192.0.2.7
          dataplane.service.ipFamilyPolicy            | DualStack
          dataplane.service.ipFamilies[0]             | IPv5
          dataplane.service.nodePorts.http            | http
          dataplane.service.nodePorts.https           | 70000
          dataplane.hostNetwork                       | yes
          dataplane.hostPort.enabled                  | on
          dataplane.hostPort.http                     | 0
          dataplane.topologySpreadConstraints         | zone
          operator.topologySpreadConstraints          | zone
          dataplane.tolerations                       | all
          operator.nodeSelector                       | edge
          dataplane.priorityClassName                 | {a: b}
          operator.podAnnotations                     | owner
          dataplane.podLabels                         | edge
          operator.extraArgs                          | --x
          dataplane.extraEnv                          | A=b
          operator.extraVolumes                       | trust
          dataplane.extraVolumeMounts                 | /etc/trust
          dataplane.podDisruptionBudget.enabled       | sometimes
          networkPolicy.enabled                       | yes
          networkPolicy.metricsFrom                   | monitoring
          networkPolicy.apiServer.cidrs               | 10.0.0.1/32
          networkPolicy.apiServer.ports[0]            | https
          networkPolicy.dataplaneExtraEgress          | all
          test.enabled                                | yes
          test.expectedStatus                         | 4040
          test.expectedStatus                         | notfound
          """)
  void aWrongTypeIsRefusedNamingTheKey(String key, String value) {
    String leaf = key.replaceAll("\\[[0-9]+]$", "");
    leaf = leaf.substring(leaf.lastIndexOf('.') + 1);

    assertThatThrownBy(() -> RenderedChart.render(key, value)).hasMessageContaining(leaf);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          controller.service.type                  | controller       | ingress-nginx's name
          service.type                             | service          | Traefik's name
          dataplane.service.loadBalancerIp         | loadBalancerIp   | misspelt
          dataplane.service.nodePorts.tcp          | tcp              | ingress-nginx's tcp map
          dataplane.hostPorts.enabled              | hostPorts        | misspelt
          dataplane.podDisruptionBudget.maxUnavail | maxUnavail       | not an option
          operator.hostNetwork                     | hostNetwork      | data plane only
          networkPolicy.metrics                    | metrics          | not an option
          test.timeout                             | timeout          | not an option
          metrics.serviceMonitor.scrapeTimeout     | scrapeTimeout    | not an option
          """)
  void anUnknownKeyIsRefusedNamingIt(String key, String refused, String why) {
    assertThatThrownBy(() -> RenderedChart.render(key, "1"))
        .as(why)
        .hasMessageContaining("additional properties '" + refused + "' not allowed");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          dataplane.service.type              | ClusterIP
          dataplane.service.type              | NodePort
          dataplane.service.ipFamilyPolicy    | RequireDualStack
          dataplane.service.ipFamilies[0]     | IPv6
          dataplane.service.nodePorts.http    | 30080
          dataplane.hostPort.http             | 8000
          test.expectedStatus                 | 200
          dataplane.podDisruptionBudget.minAvailable | 50%
          """)
  void aRightValueIsAccepted(String key, String value) {
    assertThatCode(() -> RenderedChart.render(key, value)).doesNotThrowAnyException();
  }
}
