package dev.weir.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How the rendered objects point at each other: arguments, Services, ports, probes. */
class WiringTest {

  @Test
  void operatorPublishesTheDataplaneServiceAndReadsItsControlCertificates() {
    RenderedChart chart = RenderedChart.render();
    Container operator = chart.operatorPod().getContainers().get(0);

    assertThat(operator.getArgs()).first().isEqualTo("run");
    assertThat(arg(operator, "--publish-service")).isEqualTo("weir/weir-dataplane");
    Service published = chart.get(Service.class, "weir-dataplane");
    assertThat(published.getMetadata().getNamespace()).isEqualTo("weir");
    assertThat(published.getSpec().getType()).isEqualTo("LoadBalancer");

    assertThat(arg(operator, "--control-tls-dir")).isEqualTo("/etc/weir/control");
    assertThat(operator.getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getMountPath()).isEqualTo("/etc/weir/control");
              assertThat(volumeSecret(chart.operatorPod(), m.getName()))
                  .contains("weir-operator-control-tls");
            });
    assertThat(arg(operator, "--election-lease")).isEqualTo("weir-operator-leader");
  }

  @Test
  void httpsRedirectAndHstsDefaultsAreGivenToTheOperator() {
    Container defaults = RenderedChart.render().operatorPod().getContainers().get(0);
    assertThat(arg(defaults, "--ssl-redirect")).isEqualTo("true");
    assertThat(arg(defaults, "--hsts")).isEqualTo("true");
    assertThat(arg(defaults, "--hsts-max-age")).isEqualTo("31536000");
    assertThat(arg(defaults, "--hsts-include-subdomains")).isEqualTo("true");
    assertThat(arg(defaults, "--hsts-preload")).isEqualTo("false");

    Container set =
        RenderedChart.render("sslRedirect", "false", "hsts.maxAgeSeconds", "600")
            .operatorPod()
            .getContainers()
            .get(0);
    assertThat(arg(set, "--ssl-redirect")).isEqualTo("false");
    assertThat(arg(set, "--hsts-max-age")).isEqualTo("600");
  }

  @Test
  void cutoverValuesAreGivenToTheOperator() {
    Container defaults = RenderedChart.render().operatorPod().getContainers().get(0);
    assertThat(arg(defaults, "--update-status")).isEqualTo("true");
    assertThat(defaults.getArgs())
        .doesNotContain("--ingress-class-by-name")
        .noneMatch(a -> a.startsWith("--nginx-configmap"))
        .noneMatch(a -> a.startsWith("--allowed-response-headers"));

    Container set =
        RenderedChart.render(
                "operator.updateStatus",
                "false",
                "operator.nginxConfigMap",
                "ingress-nginx/ingress-nginx-controller",
                "ingressClass.create",
                "false",
                "ingressClass.name",
                "nginx",
                "ingressClass.byName",
                "true",
                "operator.allowedResponseHeaders[0]",
                "X-Frame-Options",
                "operator.allowedResponseHeaders[1]",
                "Cache-Control")
            .operatorPod()
            .getContainers()
            .get(0);
    assertThat(arg(set, "--update-status")).isEqualTo("false");
    assertThat(arg(set, "--nginx-configmap")).isEqualTo("ingress-nginx/ingress-nginx-controller");
    assertThat(arg(set, "--ingress-class")).isEqualTo("nginx");
    assertThat(set.getArgs()).contains("--ingress-class-by-name");
    assertThat(arg(set, "--allowed-response-headers")).isEqualTo("X-Frame-Options,Cache-Control");
  }

  @Test
  void proxyProtocolTrustedProxiesAndAccessLogAreDataplaneArguments() {
    Container defaults = RenderedChart.render().dataplanePod().getContainers().get(0);
    assertThat(arg(defaults, "--access-log")).isEqualTo("json");
    assertThat(defaults.getArgs()).doesNotContain("--proxy-protocol");
    assertThat(defaults.getArgs()).noneMatch(a -> a.startsWith("--forwarded-headers-trusted-from"));

    Container set =
        RenderedChart.render(
                "dataplane.proxyProtocol",
                "true",
                "dataplane.accessLog",
                "text",
                "dataplane.forwardedHeadersTrustedFrom[0]",
                "10.0.0.0/8",
                "dataplane.forwardedHeadersTrustedFrom[1]",
                "fd00::/8")
            .dataplanePod()
            .getContainers()
            .get(0);
    assertThat(set.getArgs()).contains("--proxy-protocol");
    assertThat(arg(set, "--access-log")).isEqualTo("text");
    assertThat(arg(set, "--forwarded-headers-trusted-from")).isEqualTo("10.0.0.0/8,fd00::/8");
    assertThatThrownBy(() -> RenderedChart.render("dataplane.accessLog", "verbose"))
        .hasMessageContaining("accessLog");
  }

  @Test
  void retryValuesAreGivenToTheOperator() {
    Container defaults = RenderedChart.render().operatorPod().getContainers().get(0);
    assertThat(arg(defaults, "--proxy-next-upstream")).isEqualTo("error timeout");
    assertThat(arg(defaults, "--proxy-next-upstream-tries")).isEqualTo("3");
    assertThat(arg(defaults, "--proxy-next-upstream-timeout")).isEqualTo("0s");

    Container set =
        RenderedChart.render(
                "retry.nextUpstream",
                "error http_502 non_idempotent",
                "retry.tries",
                "5",
                "retry.timeout",
                "4s")
            .operatorPod()
            .getContainers()
            .get(0);
    assertThat(arg(set, "--proxy-next-upstream")).isEqualTo("error http_502 non_idempotent");
    assertThat(arg(set, "--proxy-next-upstream-tries")).isEqualTo("5");
    assertThat(arg(set, "--proxy-next-upstream-timeout")).isEqualTo("4s");
    assertThatThrownBy(() -> RenderedChart.render("retry.nextUpstream", "error invalid_header"))
        .hasMessageContaining("nextUpstream");
  }

  @Test
  void outlierDetectionValuesAreGivenToTheDataPlanes() {
    Container defaults = RenderedChart.render().dataplanePod().getContainers().get(0);
    assertThat(arg(defaults, "--outlier-detection")).isEqualTo("on");
    assertThat(arg(defaults, "--outlier-consecutive-failures")).isEqualTo("3");
    assertThat(arg(defaults, "--outlier-base-ejection")).isEqualTo("10s");
    assertThat(arg(defaults, "--outlier-max-ejection")).isEqualTo("5m");
    assertThat(arg(defaults, "--outlier-max-ejected-percent")).isEqualTo("50");

    Container set =
        RenderedChart.render(
                "dataplane.outlierDetection.enabled",
                "false",
                "dataplane.outlierDetection.consecutiveFailures",
                "5",
                "dataplane.outlierDetection.baseEjection",
                "2s",
                "dataplane.outlierDetection.maxEjection",
                "1m",
                "dataplane.outlierDetection.maxEjectedPercent",
                "30")
            .dataplanePod()
            .getContainers()
            .get(0);
    assertThat(arg(set, "--outlier-detection")).isEqualTo("off");
    assertThat(arg(set, "--outlier-consecutive-failures")).isEqualTo("5");
    assertThat(arg(set, "--outlier-base-ejection")).isEqualTo("2s");
    assertThat(arg(set, "--outlier-max-ejection")).isEqualTo("1m");
    assertThat(arg(set, "--outlier-max-ejected-percent")).isEqualTo("30");
    assertThatThrownBy(
            () -> RenderedChart.render("dataplane.outlierDetection.maxEjectedPercent", "150"))
        .hasMessageContaining("maxEjectedPercent");
  }

  @Test
  void theCertificateExpiryWarningPeriodIsGivenToTheOperator() {
    Container defaults = RenderedChart.render().operatorPod().getContainers().get(0);
    assertThat(arg(defaults, "--certificate-expiry-warning")).isEqualTo("14d");

    Container set =
        RenderedChart.render("certificateExpiryWarning", "30d")
            .operatorPod()
            .getContainers()
            .get(0);
    assertThat(arg(set, "--certificate-expiry-warning")).isEqualTo("30d");
  }

  @Test
  void listenerSettingsAreGivenToTheOperatorWhichSendsThemToTheDataplanes() {
    Container defaults = RenderedChart.render().operatorPod().getContainers().get(0);
    assertThat(arg(defaults, "--client-idle-timeout")).isEqualTo("60s");
    assertThat(arg(defaults, "--request-header-timeout")).isEqualTo("30s");
    assertThat(arg(defaults, "--max-request-line-bytes")).isEqualTo("8192");
    assertThat(arg(defaults, "--max-header-bytes")).isEqualTo("32768");
    assertThat(arg(defaults, "--upstream-idle-timeout")).isEqualTo("60s");
    assertThat(arg(defaults, "--upstream-max-connections")).isEqualTo("256");

    Container set =
        RenderedChart.render(
                "dataplane.listener.clientIdleTimeout",
                "2m",
                "dataplane.listener.maxHeaderBytes",
                "65536",
                "dataplane.listener.upstreamMaxConnections",
                "1000")
            .operatorPod()
            .getContainers()
            .get(0);
    assertThat(arg(set, "--client-idle-timeout")).isEqualTo("2m");
    assertThat(arg(set, "--max-header-bytes")).isEqualTo("65536");
    assertThat(arg(set, "--upstream-max-connections")).isEqualTo("1000");
    assertThat(arg(set, "--request-header-timeout")).isEqualTo("30s");
  }

  @Test
  void listenerSettingsTheOperatorWouldRefuseAreRefusedByTheChart() {
    assertThatThrownBy(() -> RenderedChart.render("dataplane.listener.clientIdleTimeout", "60"))
        .hasMessageContaining("clientIdleTimeout");
    assertThatThrownBy(
            () -> RenderedChart.render("dataplane.listener.requestHeaderTimeout", "1m30s"))
        .hasMessageContaining("requestHeaderTimeout");
    assertThatThrownBy(() -> RenderedChart.render("dataplane.listener.maxHeaderBytes", "32Ki"))
        .hasMessageContaining("maxHeaderBytes");
    assertThatThrownBy(() -> RenderedChart.render("dataplane.listener.idleTimeout", "60s"))
        .as("a misspelt key")
        .hasMessageContaining("idleTimeout");
  }

  @Test
  void dataplaneDialsTheOperatorServiceByItsDnsNameAndControlPort() {
    RenderedChart chart = RenderedChart.render();
    Container dataplane = chart.dataplanePod().getContainers().get(0);
    Service operatorService = chart.get(Service.class, "weir-operator");
    ServicePort control = port(operatorService, "control");

    assertThat(arg(dataplane, "--operator"))
        .isEqualTo("weir-operator.weir.svc:" + control.getPort());
    assertThat(control.getPort()).isEqualTo(18000);
    assertThat(control.getTargetPort()).isEqualTo(new IntOrString("control"));
    Container operator = chart.operatorPod().getContainers().get(0);
    assertThat(operator.getPorts())
        .anySatisfy(
            p -> {
              assertThat(p.getName()).isEqualTo("control");
              assertThat(p.getContainerPort()).isEqualTo(18000);
            });
    assertThat(arg(operator, "--control-port")).isEqualTo("18000");
    assertThat(operatorService.getSpec().getSelector())
        .isEqualTo(chart.operator().getSpec().getSelector().getMatchLabels());
    assertThat(arg(dataplane, "--tls-dir")).isEqualTo("/etc/weir/control");
  }

  @Test
  void renamedReleaseKeepsOperatorAddressAndPublishServiceConsistent() {
    RenderedChart chart = RenderedChart.render("fullnameOverride", "edge");
    Container dataplane =
        chart
            .get(Deployment.class, "edge-dataplane")
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    Container operator =
        chart
            .get(Deployment.class, "edge-operator")
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);

    assertThat(arg(dataplane, "--operator")).isEqualTo("edge-operator.weir.svc:18000");
    assertThat(chart.find(Service.class, "edge-operator")).isPresent();
    assertThat(arg(operator, "--publish-service")).isEqualTo("weir/edge-dataplane");
    assertThat(chart.find(Service.class, "edge-dataplane")).isPresent();
  }

  @Test
  void loadBalancerMapsWebPortsToTheDataplaneListeners() {
    RenderedChart chart = RenderedChart.render();
    Service service = chart.get(Service.class, "weir-dataplane");
    Container dataplane = chart.dataplanePod().getContainers().get(0);

    assertThat(port(service, "http").getPort()).isEqualTo(80);
    assertThat(port(service, "http").getTargetPort()).isEqualTo(new IntOrString("http"));
    assertThat(port(service, "https").getPort()).isEqualTo(443);
    assertThat(port(service, "https").getTargetPort()).isEqualTo(new IntOrString("https"));
    assertThat(dataplane.getPorts())
        .anySatisfy(
            p -> {
              assertThat(p.getName()).isEqualTo("http");
              assertThat(p.getContainerPort()).isEqualTo(8080);
            })
        .anySatisfy(
            p -> {
              assertThat(p.getName()).isEqualTo("https");
              assertThat(p.getContainerPort()).isEqualTo(8443);
            });
    assertThat(arg(dataplane, "--http-port")).isEqualTo("8080");
    assertThat(arg(dataplane, "--https-port")).isEqualTo("8443");
    // The admin port (metrics) is never on the public Service.
    assertThat(service.getSpec().getPorts())
        .extracting(ServicePort::getName)
        .containsExactlyInAnyOrder("http", "https");
    assertThat(service.getSpec().getExternalTrafficPolicy()).isEqualTo("Local");
    assertThat(service.getSpec().getSelector())
        .isEqualTo(
            chart.get(Deployment.class, "weir-dataplane").getSpec().getSelector().getMatchLabels());

    Service cluster =
        RenderedChart.render("dataplane.service.externalTrafficPolicy", "Cluster")
            .get(Service.class, "weir-dataplane");
    assertThat(cluster.getSpec().getExternalTrafficPolicy()).isEqualTo("Cluster");
  }

  @Test
  void operatorLearnsItsIdentityAndNamespaceFromTheDownwardApi() {
    Container operator = RenderedChart.render().operatorPod().getContainers().get(0);

    assertThat(env(operator, "POD_NAME").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.name");
    assertThat(env(operator, "POD_NAMESPACE").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.namespace");
    assertThat(RenderedChart.render().operator().getSpec().getReplicas()).isEqualTo(2);
  }

  @Test
  void probesUseHealthzAndReadyzOnTheAdminPorts() {
    RenderedChart chart = RenderedChart.render();
    Container operator = chart.operatorPod().getContainers().get(0);
    Container dataplane = chart.dataplanePod().getContainers().get(0);

    for (Container c : List.of(operator, dataplane)) {
      assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
      assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
      assertThat(c.getReadinessProbe().getHttpGet().getPort()).isEqualTo(new IntOrString("admin"));
    }
    assertThat(containerPort(operator, "admin")).isEqualTo(9091);
    assertThat(arg(operator, "--admin-port")).isEqualTo("9091");
    assertThat(containerPort(dataplane, "admin")).isEqualTo(9090);
    assertThat(arg(dataplane, "--admin-port")).isEqualTo("9090");
  }

  @Test
  void gracePeriodCoversPreStopSleepAndDrainTimeout() {
    RenderedChart chart =
        RenderedChart.render(
            "dataplane.drainTimeoutSeconds", "60", "dataplane.preStopSleepSeconds", "15");
    PodSpec pod = chart.dataplanePod();
    Container dataplane = pod.getContainers().get(0);

    assertThat(arg(dataplane, "--drain-timeout")).isEqualTo("60s");
    assertThat(dataplane.getLifecycle().getPreStop().getExec().getCommand())
        .containsExactly("sleep", "15");
    assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThan(15 + 60);
  }

  @Test
  void ingressClassNamesTheControllerTheOperatorClaims() {
    RenderedChart chart = RenderedChart.render();
    IngressClass ingressClass = chart.get(IngressClass.class, "weir");
    Container operator = chart.operatorPod().getContainers().get(0);

    assertThat(ingressClass.getSpec().getController()).isEqualTo("weir.dev/ingress-controller");
    assertThat(arg(operator, "--controller-name")).isEqualTo("weir.dev/ingress-controller");
    assertThat(arg(operator, "--ingress-class")).isEqualTo("weir");
    assertThat(ingressClass.getMetadata().getAnnotations()).isNullOrEmpty();

    IngressClass defaultClass =
        RenderedChart.render("ingressClass.default", "true").get(IngressClass.class, "weir");
    assertThat(defaultClass.getMetadata().getAnnotations())
        .containsEntry("ingressclass.kubernetes.io/is-default-class", "true");
  }

  @Test
  void valuesBecomeOperatorArgumentsAndEnvironment() {
    RenderedChart chart =
        RenderedChart.render(
            "watchNamespaces[0]",
            "apps",
            "watchNamespaces[1]",
            "shop",
            "watchIngressWithoutClass",
            "true",
            "logLevel",
            "DEBUG",
            "operator.extraArgs[0]",
            "--status-resync=30s");
    Container operator = chart.operatorPod().getContainers().get(0);

    assertThat(operator.getArgs())
        .contains(
            "--namespace=apps",
            "--namespace=shop",
            "--watch-ingress-without-class",
            "--status-resync=30s");
    assertThat(env(operator, "WEIR_LOG_LEVEL").getValue()).isEqualTo("DEBUG");
    assertThat(env(chart.dataplanePod().getContainers().get(0), "WEIR_LOG_LEVEL").getValue())
        .isEqualTo("DEBUG");

    Container plain = RenderedChart.render().operatorPod().getContainers().get(0);
    assertThat(plain.getArgs())
        .noneMatch(a -> a.startsWith("--namespace"))
        .doesNotContain("--watch-ingress-without-class");
  }

  @Test
  void sessionTicketKeySecretAndRotationAreGivenToTheOperator() {
    Container defaults = RenderedChart.render().operatorPod().getContainers().get(0);
    assertThat(arg(defaults, "--session-ticket-key-secret")).isEqualTo("weir-session-ticket-keys");
    assertThat(arg(defaults, "--session-ticket-key-rotation")).isEqualTo("1h");

    Container set =
        RenderedChart.render(
                "sessionTicketKeys.secretName",
                "edge-tickets",
                "sessionTicketKeys.rotationInterval",
                "6h")
            .operatorPod()
            .getContainers()
            .get(0);
    assertThat(arg(set, "--session-ticket-key-secret")).isEqualTo("edge-tickets");
    assertThat(arg(set, "--session-ticket-key-rotation")).isEqualTo("6h");

    assertThatThrownBy(() -> RenderedChart.render("sessionTicketKeys.rotationInterval", "hourly"))
        .hasMessageContaining("rotationInterval");
  }

  @Test
  void imagesDefaultToTheBuildsNamesAndTheChartAppVersionAndCanBeOverridden() {
    RenderedChart defaults = RenderedChart.render();
    // The names and tag images/pom.xml gives the images it builds.
    assertThat(defaults.operatorPod().getContainers().get(0).getImage())
        .isEqualTo("weir-operator:0.1.0");
    assertThat(defaults.dataplanePod().getContainers().get(0).getImage())
        .isEqualTo("weir-dataplane:0.1.0");
    for (PodSpec pod : List.of(defaults.operatorPod(), defaults.dataplanePod())) {
      // The images' entrypoints run the processes; the chart passes arguments only.
      assertThat(pod.getContainers().get(0).getCommand()).isEmpty();
    }

    RenderedChart chart =
        RenderedChart.render(
            "image.registry",
            "registry.example/weir/",
            "image.tag",
            "abc123",
            "image.pullPolicy",
            "Always");
    assertThat(chart.operatorPod().getContainers().get(0).getImage())
        .isEqualTo("registry.example/weir/weir-operator:abc123");
    assertThat(chart.dataplanePod().getContainers().get(0).getImage())
        .isEqualTo("registry.example/weir/weir-dataplane:abc123");
    for (PodSpec pod : List.of(chart.operatorPod(), chart.dataplanePod())) {
      assertThat(pod.getContainers().get(0).getImagePullPolicy()).isEqualTo("Always");
    }

    RenderedChart renamed =
        RenderedChart.render(
            "image.registry",
            "registry.example",
            "image.operatorRepository",
            "edge/op",
            "image.dataplaneRepository",
            "edge/dp");
    assertThat(renamed.operatorPod().getContainers().get(0).getImage())
        .isEqualTo("registry.example/edge/op:0.1.0");
    assertThat(renamed.dataplanePod().getContainers().get(0).getImage())
        .isEqualTo("registry.example/edge/dp:0.1.0");

    // The one-image key of earlier charts fails loudly instead of being ignored.
    assertThatThrownBy(() -> RenderedChart.render("image.repository", "registry.example/weir"))
        .hasMessageContaining("repository");
  }

  @Test
  void dataplaneSpreadsAcrossNodesSoftlyByDefaultAndHardOnRequest() {
    PodSpec soft = RenderedChart.render().dataplanePod();
    assertThat(
            soft.getAffinity()
                .getPodAntiAffinity()
                .getPreferredDuringSchedulingIgnoredDuringExecution())
        .singleElement()
        .satisfies(
            t ->
                assertThat(t.getPodAffinityTerm().getTopologyKey())
                    .isEqualTo("kubernetes.io/hostname"));

    PodSpec hard = RenderedChart.render("dataplane.antiAffinity", "hard").dataplanePod();
    assertThat(
            hard.getAffinity()
                .getPodAntiAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution())
        .singleElement()
        .satisfies(
            t ->
                assertThat(t.getLabelSelector().getMatchLabels())
                    .containsEntry("app.kubernetes.io/component", "dataplane"));
  }

  @Test
  void bothComponentsHaveDisruptionBudgetsSelectingTheirPods() {
    RenderedChart chart = RenderedChart.render();

    for (String name : List.of("weir-operator", "weir-dataplane")) {
      PodDisruptionBudget pdb = chart.get(PodDisruptionBudget.class, name);
      assertThat(pdb.getSpec().getMinAvailable()).isEqualTo(new IntOrString(1));
      assertThat(pdb.getSpec().getSelector().getMatchLabels())
          .isEqualTo(chart.get(Deployment.class, name).getSpec().getSelector().getMatchLabels());
    }
  }

  @Test
  void daemonSetOptionReplacesTheDeployment() {
    RenderedChart chart = RenderedChart.render("dataplane.kind", "DaemonSet");

    assertThat(chart.find(Deployment.class, "weir-dataplane")).isEmpty();
    DaemonSet daemonSet = chart.get(DaemonSet.class, "weir-dataplane");
    assertThat(daemonSet.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .contains("--operator=weir-operator.weir.svc:18000");
  }

  @Test
  void autoscalingTargetsTheDataplaneDeploymentAndLeavesReplicasToIt() {
    RenderedChart chart =
        RenderedChart.render(
            "dataplane.autoscaling.enabled", "true", "dataplane.autoscaling.maxReplicas", "7");

    HorizontalPodAutoscaler hpa = chart.get(HorizontalPodAutoscaler.class, "weir-dataplane");
    assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
    assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("weir-dataplane");
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(7);
    assertThat(chart.get(Deployment.class, "weir-dataplane").getSpec().getReplicas()).isNull();
    assertThat(RenderedChart.render().all(HorizontalPodAutoscaler.class)).isEmpty();
  }

  @Test
  void serviceMonitorsScrapeBothAdminPortsWithoutExposingThemPublicly() {
    RenderedChart chart = RenderedChart.render("metrics.serviceMonitor.enabled", "true");

    assertThat(chart.ofKind("ServiceMonitor")).hasSize(2);
    Service dataplaneAdmin = chart.get(Service.class, "weir-dataplane-admin");
    assertThat(dataplaneAdmin.getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(port(dataplaneAdmin, "admin").getPort()).isEqualTo(9090);
    for (var monitor : chart.ofKind("ServiceMonitor")) {
      @SuppressWarnings("unchecked")
      Map<String, Object> spec =
          (Map<String, Object>)
              ((GenericKubernetesResource) monitor).getAdditionalProperties().get("spec");
      @SuppressWarnings("unchecked")
      Map<String, String> labels =
          (Map<String, String>) ((Map<String, Object>) spec.get("selector")).get("matchLabels");
      // Exactly one Service per monitor carries an "admin" port and matches its selector.
      List<Service> matched =
          chart.all(Service.class).stream()
              .filter(s -> s.getMetadata().getLabels().entrySet().containsAll(labels.entrySet()))
              .toList();
      assertThat(matched).singleElement().satisfies(s -> assertThat(port(s, "admin")).isNotNull());
    }
    assertThat(RenderedChart.render().ofKind("ServiceMonitor")).isEmpty();
  }

  static String arg(Container container, String flag) {
    List<String> values =
        container.getArgs().stream()
            .filter(a -> a.startsWith(flag + "="))
            .map(a -> a.substring(flag.length() + 1))
            .toList();
    assertThat(values).as("%s in %s", flag, container.getArgs()).hasSize(1);
    return values.get(0);
  }

  static EnvVar env(Container container, String name) {
    return container.getEnv().stream()
        .filter(e -> e.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no env " + name + " in " + container.getName()));
  }

  static ServicePort port(Service service, String name) {
    return service.getSpec().getPorts().stream()
        .filter(p -> name.equals(p.getName()))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no port " + name + " on " + service.getMetadata().getName()));
  }

  static int containerPort(Container container, String name) {
    return container.getPorts().stream()
        .filter(p -> name.equals(p.getName()))
        .findFirst()
        .orElseThrow()
        .getContainerPort();
  }

  static Optional<String> volumeSecret(PodSpec pod, String volumeName) {
    return pod.getVolumes().stream()
        .filter(v -> v.getName().equals(volumeName))
        .findFirst()
        .map(v -> v.getSecret() == null ? null : v.getSecret().getSecretName());
  }
}
