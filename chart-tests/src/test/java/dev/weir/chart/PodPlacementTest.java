package dev.weir.chart;

import static dev.weir.chart.WiringTest.env;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Where and how both components' pods run: scheduling, bare-metal networking, extras. */
class PodPlacementTest {

  /** The pod template of "operator" or "dataplane" (Deployment). */
  static PodTemplateSpec template(RenderedChart chart, String component) {
    return chart.get(Deployment.class, "weir-" + component).getSpec().getTemplate();
  }

  static Map<String, String> selectorLabels(RenderedChart chart, String component) {
    return chart
        .get(Deployment.class, "weir-" + component)
        .getSpec()
        .getSelector()
        .getMatchLabels();
  }

  /** Renders with these values under the component's key ("operator" or "dataplane"). */
  static RenderedChart renderFor(String component, String componentValues) {
    return RenderedChart.renderValues(component + ":\n" + componentValues.indent(2));
  }

  @ParameterizedTest
  @ValueSource(strings = {"operator", "dataplane"})
  void schedulingValuesReachThePod(String component) {
    RenderedChart chart =
        renderFor(
            component,
            """
            nodeSelector:
              node-role.example/edge: "true"
            tolerations:
              - {key: dedicated, operator: Equal, value: edge, effect: NoSchedule}
            affinity:
              nodeAffinity:
                requiredDuringSchedulingIgnoredDuringExecution:
                  nodeSelectorTerms:
                    - matchExpressions:
                        - {key: kubernetes.io/arch, operator: In, values: [arm64]}
            priorityClassName: system-cluster-critical
            podAnnotations:
              example.com/owner: edge-team
            podLabels:
              team: edge
            resources:
              requests: {cpu: 250m, memory: 300Mi}
              limits: {memory: 600Mi}
            """);
    PodTemplateSpec template = template(chart, component);
    PodSpec pod = template.getSpec();

    assertThat(pod.getNodeSelector()).containsEntry("node-role.example/edge", "true");
    assertThat(pod.getTolerations())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.getKey()).isEqualTo("dedicated");
              assertThat(t.getEffect()).isEqualTo("NoSchedule");
            });
    assertThat(pod.getAffinity().getPodAntiAffinity()).as("affinity replaces it").isNull();
    assertThat(
            pod.getAffinity()
                .getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms())
        .singleElement()
        .satisfies(
            t -> assertThat(t.getMatchExpressions().get(0).getValues()).containsExactly("arm64"));
    assertThat(pod.getPriorityClassName()).isEqualTo("system-cluster-critical");
    assertThat(template.getMetadata().getAnnotations())
        .containsEntry("example.com/owner", "edge-team");
    assertThat(template.getMetadata().getLabels())
        .containsEntry("team", "edge")
        .containsAllEntriesOf(selectorLabels(chart, component));
    Container container = pod.getContainers().get(0);
    assertThat(container.getResources().getRequests())
        .containsEntry("cpu", new Quantity("250m"))
        .containsEntry("memory", new Quantity("300Mi"));
    assertThat(container.getResources().getLimits()).containsEntry("memory", new Quantity("600Mi"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"operator", "dataplane"})
  void topologySpreadConstraintsSelectTheComponentsPodsUnlessTheyNameTheirOwn(String component) {
    RenderedChart chart =
        renderFor(
            component,
            """
            topologySpreadConstraints:
              - maxSkew: 1
                topologyKey: topology.kubernetes.io/zone
                whenUnsatisfiable: DoNotSchedule
              - maxSkew: 2
                topologyKey: kubernetes.io/hostname
                whenUnsatisfiable: ScheduleAnyway
                labelSelector:
                  matchLabels: {app: other}
            """);
    List<TopologySpreadConstraint> constraints =
        template(chart, component).getSpec().getTopologySpreadConstraints();

    assertThat(constraints).hasSize(2);
    assertThat(constraints.get(0).getTopologyKey()).isEqualTo("topology.kubernetes.io/zone");
    assertThat(constraints.get(0).getWhenUnsatisfiable()).isEqualTo("DoNotSchedule");
    assertThat(constraints.get(0).getLabelSelector().getMatchLabels())
        .isEqualTo(selectorLabels(chart, component));
    assertThat(constraints.get(1).getMaxSkew()).isEqualTo(2);
    assertThat(constraints.get(1).getLabelSelector().getMatchLabels())
        .isEqualTo(Map.of("app", "other"));

    assertThat(template(RenderedChart.render(), component).getSpec().getTopologySpreadConstraints())
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"operator", "dataplane"})
  void extraArgsComeAfterTheChartsOwnAndExtrasAreAddedToTheContainer(String component) {
    RenderedChart chart =
        renderFor(
            component,
            """
            extraArgs: [--example-one=1, --example-two]
            extraEnv:
              - {name: EXAMPLE, value: "yes"}
            extraVolumes:
              - name: trust
                configMap: {name: corporate-ca}
            extraVolumeMounts:
              - {name: trust, mountPath: /etc/weir/trust, readOnly: true}
            """);
    PodSpec pod = template(chart, component).getSpec();
    Container container = pod.getContainers().get(0);
    List<String> args = container.getArgs();

    assertThat(args.subList(args.size() - 2, args.size()))
        .containsExactly("--example-one=1", "--example-two");
    List<String> chartsOwn =
        template(RenderedChart.render(), component).getSpec().getContainers().get(0).getArgs();
    assertThat(args.subList(0, args.size() - 2)).isEqualTo(chartsOwn);
    assertThat(env(container, "EXAMPLE").getValue()).isEqualTo("yes");
    assertThat(env(container, "JAVA_TOOL_OPTIONS").getValue())
        .as("the chart's own stay")
        .isNotBlank();
    assertThat(pod.getVolumes())
        .anySatisfy(
            v -> {
              assertThat(v.getName()).isEqualTo("trust");
              assertThat(v.getConfigMap().getName()).isEqualTo("corporate-ca");
            })
        .anySatisfy(v -> assertThat(v.getName()).isEqualTo("control-tls"));
    assertThat(container.getVolumeMounts())
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/etc/weir/trust"))
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
  }

  @Test
  void hostNetworkResolvesWithTheClusterDnsAndBindsTheListenerPortsOnTheNode() {
    RenderedChart chart =
        RenderedChart.render("dataplane.kind", "DaemonSet", "dataplane.hostNetwork", "true");
    PodSpec pod = chart.get(DaemonSet.class, "weir-dataplane").getSpec().getTemplate().getSpec();

    assertThat(pod.getHostNetwork()).isTrue();
    assertThat(pod.getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
    assertThat(pod.getContainers().get(0).getPorts())
        .allSatisfy(p -> assertThat(p.getHostPort()).isNull());

    PodSpec defaults = RenderedChart.render().dataplanePod();
    assertThat(defaults.getHostNetwork()).isNull();
    assertThat(defaults.getDnsPolicy()).isNull();
    assertThat(RenderedChart.render().operatorPod().getHostNetwork()).isNull();
  }

  @Test
  void hostPortsForwardTheNodesPortsToTheListeners() {
    RenderedChart chart =
        RenderedChart.render(
            "dataplane.kind", "DaemonSet",
            "dataplane.hostPort.enabled", "true",
            "dataplane.hostPort.https", "8443");
    List<ContainerPort> ports =
        chart
            .get(DaemonSet.class, "weir-dataplane")
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0)
            .getPorts();

    assertThat(ports)
        .anySatisfy(
            p -> {
              assertThat(p.getName()).isEqualTo("http");
              assertThat(p.getContainerPort()).isEqualTo(8080);
              assertThat(p.getHostPort()).isEqualTo(80);
            })
        .anySatisfy(
            p -> {
              assertThat(p.getName()).isEqualTo("https");
              assertThat(p.getHostPort()).isEqualTo(8443);
            })
        .anySatisfy(
            p -> {
              assertThat(p.getName()).as("metrics stay off the node").isEqualTo("admin");
              assertThat(p.getHostPort()).isNull();
            });
    assertThat(RenderedChart.render().dataplanePod().getContainers().get(0).getPorts())
        .allSatisfy(p -> assertThat(p.getHostPort()).isNull());
  }

  @Test
  void hostNetworkAndHostPortTogetherAreRefusedWithTheReason() {
    assertThatThrownBy(
            () ->
                RenderedChart.render(
                    "dataplane.hostNetwork", "true", "dataplane.hostPort.enabled", "true"))
        .hasMessageContaining("dataplane.hostNetwork and dataplane.hostPort.enabled exclude");
  }

  @Test
  void dataplaneDisruptionBudgetCanBeTurnedOffOrLoosened() {
    assertThat(
            RenderedChart.render("dataplane.podDisruptionBudget.enabled", "false")
                .find(PodDisruptionBudget.class, "weir-dataplane"))
        .isEmpty();
    assertThat(
            RenderedChart.render("dataplane.podDisruptionBudget.minAvailable", "50%")
                .get(PodDisruptionBudget.class, "weir-dataplane")
                .getSpec()
                .getMinAvailable()
                .getStrVal())
        .isEqualTo("50%");
  }
}
