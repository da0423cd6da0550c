package dev.weir.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.testing.TestPki;
import dev.weir.dataplane.Dataplane;
import dev.weir.dataplane.control.OperatorClient;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.testing.EchoBackend;
import dev.weir.dataplane.testing.RawHttp;
import dev.weir.operator.status.ExpiryWarnings;
import dev.weir.operator.status.LeaderElection;
import dev.weir.operator.testing.MockApiServer;
import dev.weir.operator.tickets.RotationPolicy;
import dev.weir.operator.translate.TranslateOptions;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cutover from ingress-nginx against fabric8's mock API server in CRUD mode: Weir serves the
 * existing {@code nginx} class by its controller name, reads ingress-nginx's ConfigMap as its
 * global defaults (and follows its changes), reports the keys it does not read as Events on the
 * ConfigMap, and with {@code --update-status=false} never writes an Ingress's status. Every
 * assertion about behaviour is a real HTTP request to the data plane.
 */
class CutoverEndToEndTest {
  private static final Duration PROPAGATION = Duration.ofSeconds(10);
  private static final String NGINX_CONFIGMAP = "ingress-nginx/ingress-nginx-controller";

  @TempDir static Path tlsDirs;
  static MockApiServer apiServer;
  static KubernetesClient client;
  static Operator operator;
  static Dataplane dataplane;
  static OperatorClient operatorClient;
  static EchoBackend pod;

  @BeforeAll
  static void start() throws Exception {
    TestPki controlPki = TestPki.create();
    Path operatorTls =
        controlPki.writeControlTlsDir(
            tlsDirs.resolve("operator"), controlPki.issueServer("127.0.0.1", "localhost"));
    Path dataplaneTls =
        controlPki.writeControlTlsDir(
            tlsDirs.resolve("dataplane"), controlPki.issueClient("dataplane-cutover"));
    apiServer = new MockApiServer();
    client = apiServer.client();
    client
        .network()
        .v1()
        .ingressClasses()
        .resource(
            new IngressClassBuilder()
                .withNewMetadata()
                .withName("nginx")
                .endMetadata()
                .withNewSpec()
                .withController("k8s.io/ingress-nginx")
                .endSpec()
                .build())
        .create();
    client
        .configMaps()
        .inNamespace("ingress-nginx")
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("ingress-nginx-controller")
                .withNamespace("ingress-nginx")
                .endMetadata()
                .withData(Map.of("proxy-body-size", "1k", "worker-processes", "4"))
                .build())
        .create();
    pod = EchoBackend.start("cutover-pod");
    client
        .services()
        .inNamespace("shop")
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("web")
                .withNamespace("shop")
                .endMetadata()
                .withNewSpec()
                .addNewPort()
                .withName("http")
                .withPort(80)
                .endPort()
                .endSpec()
                .build())
        .create();
    client
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace("shop")
        .resource(
            new EndpointSliceBuilder()
                .withNewMetadata()
                .withName("web-1")
                .withNamespace("shop")
                .withLabels(Map.of("kubernetes.io/service-name", "web"))
                .endMetadata()
                .withAddressType("IPv4")
                .addNewEndpoint()
                .withAddresses(pod.address())
                .withNewConditions()
                .withReady(true)
                .endConditions()
                .endEndpoint()
                .addNewPort()
                .withName("http")
                .withPort(pod.port())
                .endPort()
                .build())
        .create();
    client.network().v1().ingresses().inNamespace("shop").resource(nginxIngress()).create();

    TranslateOptions translate =
        new TranslateOptions(
            "k8s.io/ingress-nginx", "nginx", false, true, TranslateOptions.defaults().settings());
    operator =
        Operator.start(
            client,
            new Operator.Config(
                    Set.of(),
                    translate,
                    null,
                    List.of("192.0.2.10"),
                    "127.0.0.1",
                    0,
                    operatorTls,
                    -1,
                    "weir",
                    "weir-operator-leader",
                    "operator-cutover",
                    new LeaderElection.Timing(
                        Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofMillis(200)),
                    Duration.ofSeconds(1),
                    Operator.Config.DEFAULT_TICKET_KEY_SECRET,
                    RotationPolicy.DEFAULT,
                    ExpiryWarnings.DEFAULT_AHEAD)
                .withNginxConfigMap(NGINX_CONFIGMAP)
                .withUpdateStatus(false));
    DataplaneMetrics metrics = new DataplaneMetrics();
    dataplane =
        Dataplane.start(new Dataplane.Options("127.0.0.1", 0, 0, Duration.ofSeconds(1)), metrics);
    operatorClient =
        new OperatorClient(
                "127.0.0.1",
                operator.controlPort(),
                dataplaneTls,
                "dataplane-cutover",
                dataplane::apply,
                metrics)
            .start();
  }

  @AfterAll
  static void stop() throws Exception {
    operatorClient.close();
    dataplane.close();
    operator.close();
    pod.close();
    client.close();
    apiServer.close();
  }

  private static Ingress nginxIngress() {
    return new IngressBuilder()
        .withNewMetadata()
        .withName("web")
        .withNamespace("shop")
        .endMetadata()
        .withNewSpec()
        .withIngressClassName("nginx")
        .addNewRule()
        .withHost("shop.cutover.test")
        .withNewHttp()
        .addNewPath()
        .withPath("/")
        .withPathType("Prefix")
        .withNewBackend()
        .withNewService()
        .withName("web")
        .withNewPort()
        .withName("http")
        .endPort()
        .endService()
        .endBackend()
        .endPath()
        .endHttp()
        .endRule()
        .endSpec()
        .build();
  }

  private static int post(int bodyBytes) throws Exception {
    return RawHttp.exchange(
            dataplane.httpPort(),
            "POST / HTTP/1.1\r\nHost: shop.cutover.test\r\nContent-Length: "
                + bodyBytes
                + "\r\nConnection: close\r\n\r\n"
                + "x".repeat(bodyBytes))
        .status();
  }

  private static List<Event> configMapEvents() {
    return client.v1().events().inNamespace("ingress-nginx").list().getItems().stream()
        .filter(e -> "ConfigMap".equals(e.getInvolvedObject().getKind()))
        .toList();
  }

  @Test
  void theNginxClassIsServedWithTheConfigMapsDefaultsFollowedAsTheyChange() throws Exception {
    // Keys Weir does not read are Events on the ConfigMap, and status is never written.
    Event event =
        Await.until(
                "a Warning Event on the ConfigMap",
                PROPAGATION,
                CutoverEndToEndTest::configMapEvents,
                l -> !l.isEmpty())
            .get(0);
    assertThat(event.getReason()).isEqualTo("UnsupportedConfigKey");
    assertThat(event.getMessage()).startsWith("worker-processes: ");
    assertThat(event.getInvolvedObject().getName()).isEqualTo("ingress-nginx-controller");
    // The leader has reconciled (it wrote the Event): with --update-status=false, the Ingress it
    // serves keeps the status ingress-nginx gave it, here none.
    Ingress ingress = client.network().v1().ingresses().inNamespace("shop").withName("web").get();
    assertThat(
            ingress.getStatus() == null
                || ingress.getStatus().getLoadBalancer() == null
                || ingress.getStatus().getLoadBalancer().getIngress() == null
                || ingress.getStatus().getLoadBalancer().getIngress().isEmpty())
        .as("status.loadBalancer untouched")
        .isTrue();

    Await.until("a small body is proxied", PROPAGATION, () -> post(100), s -> s == 200);
    // ingress-nginx's ConfigMap says 1k: a larger body is refused before reaching the pod.
    assertThat(post(2048)).isEqualTo(413);

    client
        .configMaps()
        .inNamespace("ingress-nginx")
        .withName("ingress-nginx-controller")
        .edit(
            c ->
                new ConfigMapBuilder(c)
                    .withData(Map.of("proxy-body-size", "8k", "worker-processes", "4"))
                    .build());
    Await.until("the new body size applies", PROPAGATION, () -> post(2048), s -> s == 200);

    client.configMaps().inNamespace("ingress-nginx").withName("ingress-nginx-controller").delete();
    Await.until(
        "without the ConfigMap, Weir's default (unlimited) applies",
        PROPAGATION,
        () -> post(16_384),
        s -> s == 200);
  }
}
