package dev.weir.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.cli.AccessLogFormat;
import dev.weir.contract.snapshot.Settings;
import dev.weir.contract.testing.TestPki;
import dev.weir.dataplane.Dataplane;
import dev.weir.dataplane.accesslog.AccessLog;
import dev.weir.dataplane.control.OperatorClient;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.testing.EchoBackend;
import dev.weir.dataplane.testing.EchoBackend.Echo;
import dev.weir.dataplane.testing.RawHttp;
import dev.weir.operator.status.ExpiryWarnings;
import dev.weir.operator.status.LeaderElection;
import dev.weir.operator.testing.MockApiServer;
import dev.weir.operator.tickets.RotationPolicy;
import dev.weir.operator.translate.TranslateOptions;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator and a data plane wired as in production, against fabric8's mock API server in CRUD
 * mode: objects are created and changed through the Kubernetes API, the operator's informers see
 * them, snapshots travel over the mutually authenticated control channel, and every assertion is
 * made with real HTTP(S) requests to the data plane, answered by echo backends on loopback.
 *
 * <p>One API server, operator and data plane serve the whole class (starting them is the slow
 * part); every test works in its own namespace with its own hosts.
 */
class OperatorEndToEndTest {
  private static final String OUR_CLASS = "weir";
  private static final String OTHER_CLASS = "other";
  private static final String PUBLISHED_ADDRESS = "192.0.2.10";

  /** Bound for anything to travel API server → informer → translation → control channel → apply. */
  private static final Duration PROPAGATION = Duration.ofSeconds(10);

  private static final LeaderElection.Timing FAST_ELECTION =
      new LeaderElection.Timing(
          Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofMillis(200));

  @TempDir static Path tlsDirs;
  static Path operatorTlsDir;
  static Path dataplaneTlsDir;
  static TestPki webPki;
  static HttpsProbe https;
  static MockApiServer apiServer;
  static KubernetesClient client;
  static volatile Operator operator;
  static int controlPort;
  static Dataplane dataplane;
  static DataplaneMetrics dataplaneMetrics;
  static OperatorClient operatorClient;

  private final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeAll
  static void startApiServerOperatorAndDataPlane() throws Exception {
    TestPki controlPki = TestPki.create();
    operatorTlsDir =
        writeTlsDir("operator", controlPki.issueServer("127.0.0.1", "localhost"), controlPki);
    dataplaneTlsDir = writeTlsDir("dataplane", controlPki.issueClient("dataplane-e2e"), controlPki);
    webPki = TestPki.create();
    https = HttpsProbe.trusting(webPki.trustManager());

    apiServer = new MockApiServer();
    client = apiServer.client();
    client
        .network()
        .v1()
        .ingressClasses()
        .resource(
            new IngressClassBuilder()
                .withNewMetadata()
                .withName(OUR_CLASS)
                .endMetadata()
                .withNewSpec()
                .withController(TranslateOptions.CONTROLLER_NAME)
                .endSpec()
                .build())
        .create();
    client
        .network()
        .v1()
        .ingressClasses()
        .resource(
            new IngressClassBuilder()
                .withNewMetadata()
                .withName(OTHER_CLASS)
                .endMetadata()
                .withNewSpec()
                .withController("example.com/other-controller")
                .endSpec()
                .build())
        .create();

    operator = Operator.start(client, operatorConfig(0));
    controlPort = operator.controlPort();

    // As DataplaneMain wires it for --operator 127.0.0.1:PORT --tls-dir DIR.
    DataplaneMetrics metrics = new DataplaneMetrics();
    dataplaneMetrics = metrics;
    dataplane =
        Dataplane.start(new Dataplane.Options("127.0.0.1", 0, 0, Duration.ofSeconds(1)), metrics);
    operatorClient =
        new OperatorClient(
                "127.0.0.1",
                controlPort,
                dataplaneTlsDir,
                "dataplane-e2e",
                dataplane::apply,
                metrics)
            .start();
    Await.until(
        "the data plane applies the operator's first snapshot",
        PROPAGATION,
        dataplane::hasSnapshot);
  }

  private static Operator.Config operatorConfig(int port) {
    return operatorConfig(
        port,
        TranslateOptions.defaults()
            .withAllowLocalEndpoints(true)
            .withAllowedResponseHeaders(List.of("X-Frame-Options", "Cache-Control")),
        "operator-e2e");
  }

  private static Operator.Config operatorConfig(
      int port, TranslateOptions translate, String identity) {
    return new Operator.Config(
        Set.of(),
        translate,
        null,
        List.of(PUBLISHED_ADDRESS),
        "127.0.0.1",
        port,
        operatorTlsDir,
        0,
        "weir",
        "weir-operator-leader",
        identity,
        FAST_ELECTION,
        Duration.ofSeconds(2),
        Operator.Config.DEFAULT_TICKET_KEY_SECRET,
        RotationPolicy.DEFAULT,
        ExpiryWarnings.DEFAULT_AHEAD);
  }

  @AfterAll
  static void stopAll() {
    if (operatorClient != null) {
      operatorClient.close();
    }
    if (dataplane != null) {
      dataplane.shutdown();
    }
    if (operator != null) {
      operator.close();
    }
    if (apiServer != null) {
      apiServer.close();
    }
  }

  @AfterEach
  void closeBackends() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  @Test
  void ingressCreatedThroughTheApiIsRoutedToItsBackend() throws Exception {
    EchoBackend pod = track(EchoBackend.start("routed-pod"));
    createService("routed", "web");
    createEndpointSlice("routed", "web", pod.port(), pod.address());
    createIngress(ingress("routed", "web", OUR_CLASS, "routed.e2e.test", null));

    RawHttp.Response response = awaitHttp("routed.e2e.test", "/cart?item=1", 200);

    Echo echo = Echo.parse(response.bodyText());
    assertThat(echo.instance()).isEqualTo("routed-pod");
    assertThat(echo.uri()).isEqualTo("/cart?item=1");
    assertThat(echo.header("host")).isEqualTo("routed.e2e.test");
    assertThat(httpGet("unknown.e2e.test", "/").status()).isEqualTo(404);
  }

  @Test
  void operatorMetricsCarryVersionsAsIntegersAndTheJvmsMeters() throws Exception {
    Await.until(
        "the operator sees the data plane's applied version",
        PROPAGATION,
        () -> operatorMetrics().contains("weir_operator_dataplane_applied_version{"));
    String text = operatorMetrics();

    // Versions are wall-clock milliseconds: thirteen digits, not 1.7E12.
    assertThat(text)
        .containsPattern("(?m)^weir_operator_snapshot_version \\d{13}\\.0$")
        .containsPattern(
            "(?m)^weir_operator_dataplane_applied_version\\{node=\"dataplane-e2e\"} \\d{13}\\.0$")
        .contains("jvm_memory_used_bytes{area=\"heap\"")
        .contains("jvm_gc_")
        .contains("process_cpu_usage ")
        .contains("process_files_open_files ")
        .contains("process_uptime_seconds ");
    assertThat(dataplaneMetrics.scrape())
        .containsPattern("(?m)^weir_snapshot_version \\d{13}\\.0$");
  }

  @Test
  void proxyProtocolSetOnTheOperatorReachesItsDataPlanesAndTheAccessLogNamesTheIngress()
      throws Exception {
    EchoBackend pod = track(EchoBackend.start("proxied-pod"));
    createService("proxied", "web");
    createEndpointSlice("proxied", "web", pod.port(), pod.address());
    createIngress(ingress("proxied", "web", OUR_CLASS, "proxied.e2e.test", null));
    // A second replica, as `run --proxy-protocol` makes it, and a data plane of its own started
    // without the flag: the setting reaches it in the snapshot.
    Operator proxying =
        track(
            Operator.start(
                client,
                operatorConfig(
                    0,
                    TranslateOptions.defaults()
                        .withAllowLocalEndpoints(true)
                        .withSettings(Settings.builder().proxyProtocol(true).build()),
                    "operator-e2e-proxy")));
    StringBuffer log = new StringBuffer();
    DataplaneMetrics metrics = new DataplaneMetrics();
    Dataplane behindBalancer =
        track(
            Dataplane.start(
                new Dataplane.Options("127.0.0.1", 0, 0, Duration.ofSeconds(1)),
                metrics,
                AccessLog.to(AccessLogFormat.JSON, log, 1024, metrics)));
    track(
        new OperatorClient(
                "127.0.0.1",
                proxying.controlPort(),
                dataplaneTlsDir,
                "dataplane-proxy",
                behindBalancer::apply,
                metrics)
            .start());
    Await.until(
        "the data plane serves proxied.e2e.test",
        PROPAGATION,
        () -> behindBalancer.hasSnapshot() ? behindBalancer.current() : null,
        current ->
            current != null
                && current.settings().usesProxyProtocol()
                && current.virtualHosts().stream()
                    .anyMatch(v -> v.host().equals("proxied.e2e.test")));
    String request = "GET / HTTP/1.1\r\nHost: proxied.e2e.test\r\nConnection: close\r\n\r\n";

    RawHttp.Response proxied =
        RawHttp.exchange(
            behindBalancer.httpPort(), "PROXY TCP4 192.0.2.60 10.0.0.1 56324 80\r\n" + request);

    assertThat(proxied.status()).isEqualTo(200);
    assertThat(Echo.parse(proxied.bodyText()).header("x-forwarded-for")).isEqualTo("192.0.2.60");
    String line =
        Await.until(
            "an access log line for 192.0.2.60",
            PROPAGATION,
            log::toString,
            text -> text.contains("\"client\":\"192.0.2.60\""));
    assertThat(line).contains("\"ingress\":\"proxied/web\"");
    int before = pod.requestCount();
    try (Socket plain = new Socket("127.0.0.1", behindBalancer.httpPort())) {
      plain.setSoTimeout(5_000);
      plain.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      assertThat(unanswered(plain))
          .as("a connection without a PROXY header is closed unanswered")
          .isTrue();
    }
    assertThat(pod.requestCount()).isEqualTo(before);
  }

  private static boolean unanswered(Socket socket) {
    try {
      return socket.getInputStream().read() == -1;
    } catch (IOException reset) {
      return true;
    }
  }

  @Test
  void endpointsScaledToTenAllReceiveTraffic() throws Exception {
    List<EchoBackend> pods = startPodsOnOnePort("scaled-pod", 10);
    int port = pods.get(0).port();
    createService("scaled", "web");
    createEndpointSlice("scaled", "web", port, pods.get(0).address());
    createIngress(ingress("scaled", "web", OUR_CLASS, "scaled.e2e.test", null));
    awaitHttp("scaled.e2e.test", "/", 200);

    client
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace("scaled")
        .withName("web-1")
        .edit(
            s ->
                new EndpointSliceBuilder(s)
                    .withEndpoints(pods.stream().map(p -> readyEndpoint(p.address())).toList())
                    .build());

    Set<String> seen = new HashSet<>();
    Await.until(
        "requests reach all 10 endpoints",
        PROPAGATION,
        () -> {
          for (int i = 0; i < 10; i++) {
            seen.add(instanceAt("scaled.e2e.test"));
          }
          return seen.size() == 10;
        });
    // Steady state: 50 requests over the 10 endpoints leave none out.
    Map<String, Integer> counts = new TreeMap<>();
    for (int i = 0; i < 50; i++) {
      counts.merge(instanceAt("scaled.e2e.test"), 1, Integer::sum);
    }
    assertThat(counts).as("requests per endpoint").hasSize(10);
    assertThat(counts.keySet())
        .containsExactlyInAnyOrderElementsOf(pods.stream().map(EchoBackend::id).toList());
  }

  @Test
  void renewedCertificateIsServedWithinOneSecondWithoutAFailedRequest() throws Exception {
    String host = "rotate.e2e.test";
    TestPki.Leaf v1 = webPki.issue(host);
    TestPki.Leaf v2 = webPki.issue(host);
    EchoBackend pod = track(EchoBackend.start("rotate-pod"));
    createService("rotate", "web");
    createEndpointSlice("rotate", "web", pod.port(), pod.address());
    createTlsSecret("rotate", "rotate-tls", v1.chainPem(), v1.keyPem());
    createIngress(ingress("rotate", "web", OUR_CLASS, host, "rotate-tls"));
    Await.until(
        "v1 served for " + host,
        PROPAGATION,
        () -> https.get(dataplane.httpsPort(), host, "/"),
        r -> r.status() == 200 && serial(r).equals(serial(v1)));

    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger succeeded = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    AtomicLong v2FirstServedNanos = new AtomicLong();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    long hardDeadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    ExecutorService load = Executors.newFixedThreadPool(4);
    for (int t = 0; t < 4; t++) {
      load.execute(
          () -> {
            for (int i = 0; i < 5_000 && !stop.get() && System.nanoTime() < hardDeadline; i++) {
              try {
                HttpsProbe.Response r = https.get(dataplane.httpsPort(), host, "/load");
                BigInteger served = serial(r);
                if (r.status() != 200 || !"rotate-pod".equals(Echo.parse(r.body()).instance())) {
                  failed.incrementAndGet();
                  failures.add("status " + r.status());
                } else if (served.equals(serial(v2))) {
                  v2FirstServedNanos.compareAndSet(0, System.nanoTime());
                  succeeded.incrementAndGet();
                } else if (served.equals(serial(v1))) {
                  succeeded.incrementAndGet();
                } else {
                  failed.incrementAndGet();
                  failures.add("unexpected certificate " + r.subject() + " serial " + served);
                }
              } catch (Exception e) {
                failed.incrementAndGet();
                failures.add(e.toString());
              }
            }
          });
    }
    try {
      // Requests are flowing before the Secret changes.
      Await.until("the load is running", PROPAGATION, () -> succeeded.get() >= 20);
      long rotated = System.nanoTime();
      client
          .secrets()
          .inNamespace("rotate")
          .withName("rotate-tls")
          .edit(s -> new SecretBuilder(s).withData(tlsData(v2.chainPem(), v2.keyPem())).build());
      Await.until(
          "the renewed certificate is served under load",
          Duration.ofSeconds(5),
          () -> v2FirstServedNanos.get() != 0);
      // And keep flowing after the switch, where a failure would show.
      int atSwitch = succeeded.get();
      Await.until("requests after the switch", PROPAGATION, () -> succeeded.get() >= atSwitch + 20);
      stop.set(true);
      load.shutdown();
      assertThat(load.awaitTermination(10, TimeUnit.SECONDS)).as("load threads finished").isTrue();

      System.out.printf(
          "rotation requests_ok=%d requests_failed=%d renewed_served_after_ms=%d%n",
          succeeded.get(), failed.get(), (v2FirstServedNanos.get() - rotated) / 1_000_000);
      assertThat(failed.get())
          .as(
              "failed requests during rotation; first ones: %s",
              failures.stream().limit(5).toList())
          .isZero();
      assertThat(succeeded.get()).as("requests during the test").isGreaterThan(20);
      assertThat(Duration.ofNanos(v2FirstServedNanos.get() - rotated))
          .as("Secret update to the renewed certificate served")
          .isLessThanOrEqualTo(Duration.ofSeconds(1));
      assertThat(serial(https.get(dataplane.httpsPort(), host, "/"))).isEqualTo(serial(v2));
    } finally {
      stop.set(true);
      load.shutdownNow();
    }
  }

  @Test
  void basicAuthFailsClosedUntilItsSecretExistsAndFollowsTheSecretsChanges() throws Exception {
    EchoBackend pod = track(EchoBackend.start("auth-pod"));
    createService("auth", "web");
    createEndpointSlice("auth", "web", pod.port(), pod.address());
    Ingress ingress = ingress("auth", "web", OUR_CLASS, "auth.e2e.test", null);
    ingress
        .getMetadata()
        .setAnnotations(
            Map.of(
                "nginx.ingress.kubernetes.io/auth-type", "basic",
                "nginx.ingress.kubernetes.io/auth-secret", "users",
                "nginx.ingress.kubernetes.io/auth-realm", "Staff only"));
    createIngress(ingress);
    awaitHttp("auth.e2e.test", "/", 503);

    // {SHA} of "secret", then of "changed", as htpasswd -s writes them.
    client
        .secrets()
        .inNamespace("auth")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("users")
                .withNamespace("auth")
                .endMetadata()
                .withType("Opaque")
                .withData(Map.of("auth", base64("alice:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=\n")))
                .build())
        .create();
    RawHttp.Response challenge = awaitHttp("auth.e2e.test", "/", 401);
    assertThat(challenge.header("www-authenticate")).isEqualTo("Basic realm=\"Staff only\"");
    String alice = "Basic " + base64("alice:secret");
    RawHttp.Response served = httpGet("auth.e2e.test", "/cart", "Authorization: " + alice);
    assertThat(served.status()).isEqualTo(200);
    assertThat(Echo.parse(served.bodyText()).header("authorization")).isNull();
    assertThat(httpGet("auth.e2e.test", "/.well-known/acme-challenge/t").status()).isEqualTo(200);

    client
        .secrets()
        .inNamespace("auth")
        .withName("users")
        .edit(
            s ->
                new SecretBuilder(s)
                    .withData(Map.of("auth", base64("alice:{SHA}N8bFe+30MF70EknBeUdgtcuPrRc=\n")))
                    .build());
    Await.until(
        "the old password is refused once the Secret changes",
        PROPAGATION,
        () -> httpGet("auth.e2e.test", "/", "Authorization: " + alice),
        r -> r.status() == 401);
  }

  @Test
  void customHeadersFollowTheirConfigMapFromTheApiServerAndFailClosedWithoutIt() throws Exception {
    EchoBackend pod = track(EchoBackend.start("headers-pod"));
    createService("headers", "web");
    createEndpointSlice("headers", "web", pod.port(), pod.address());
    Ingress ingress = ingress("headers", "web", OUR_CLASS, "headers.e2e.test", null);
    ingress
        .getMetadata()
        .setAnnotations(Map.of("nginx.ingress.kubernetes.io/custom-headers", "headers/frame"));
    createIngress(ingress);
    createIngress(ingress("headers", "plain", OUR_CLASS, "plain-headers.e2e.test", null));
    awaitHttp("plain-headers.e2e.test", "/", 200);
    awaitHttp("headers.e2e.test", "/", 503);
    Event missing = awaitWarning("headers", "web");
    assertThat(missing.getReason()).isEqualTo("ConfigMapNotFound");
    assertThat(missing.getMessage())
        .contains("ConfigMap headers/frame (custom-headers) does not exist");

    client
        .configMaps()
        .inNamespace("headers")
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("frame")
                .withNamespace("headers")
                .endMetadata()
                .withData(Map.of("X-Frame-Options", "DENY"))
                .build())
        .create();
    RawHttp.Response served = awaitHttp("headers.e2e.test", "/", 200);
    assertThat(served.header("x-frame-options")).isEqualTo("DENY");
    assertThat(httpGet("plain-headers.e2e.test", "/").header("x-frame-options")).isNull();

    setFrame(Map.of("X-Frame-Options", "SAMEORIGIN", "Cache-Control", "no-store"));
    RawHttp.Response changed =
        Await.until(
            "the changed ConfigMap's headers are set",
            PROPAGATION,
            () -> httpGet("headers.e2e.test", "/"),
            r -> "SAMEORIGIN".equals(r.header("x-frame-options")));
    assertThat(changed.header("cache-control")).isEqualTo("no-store");

    // A header the allow-list does not name denies the paths, as ingress-nginx.
    setFrame(Map.of("Set-Cookie", "admin=1"));
    awaitHttp("headers.e2e.test", "/", 503);
    Await.until(
        "an InvalidCustomHeaders Warning on the Ingress",
        PROPAGATION,
        () -> warnings("headers", "web"),
        l -> l.stream().anyMatch(e -> e.getReason().equals("InvalidCustomHeaders")));

    setFrame(Map.of("X-Frame-Options", "DENY"));
    awaitHttp("headers.e2e.test", "/", 200);

    client.configMaps().inNamespace("headers").withName("frame").delete();
    awaitHttp("headers.e2e.test", "/", 503);
    assertThat(httpGet("plain-headers.e2e.test", "/").status()).isEqualTo(200);
  }

  private static void setFrame(Map<String, String> data) {
    client
        .configMaps()
        .inNamespace("headers")
        .withName("frame")
        .edit(c -> new ConfigMapBuilder(c).withData(data).build());
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static RawHttp.Response httpGet(String host, String path, String header)
      throws Exception {
    return RawHttp.exchange(
        dataplane.httpPort(),
        "GET "
            + path
            + " HTTP/1.1\r\nHost: "
            + host
            + "\r\n"
            + header
            + "\r\nConnection: close\r\n\r\n");
  }

  @Test
  void deletedIngressAnswers404() throws Exception {
    EchoBackend pod = track(EchoBackend.start("deleted-pod"));
    createService("deleted", "web");
    createEndpointSlice("deleted", "web", pod.port(), pod.address());
    createIngress(ingress("deleted", "web", OUR_CLASS, "deleted.e2e.test", null));
    awaitHttp("deleted.e2e.test", "/", 200);

    client.network().v1().ingresses().inNamespace("deleted").withName("web").delete();

    awaitHttp("deleted.e2e.test", "/", 404);
  }

  @Test
  void statusIsWrittenOnOurIngressAndClearedWhenItMovesToAnotherController() throws Exception {
    EchoBackend pod = track(EchoBackend.start("status-pod"));
    createService("status", "web");
    createEndpointSlice("status", "web", pod.port(), pod.address());
    createIngress(ingress("status", "web", OUR_CLASS, "status.e2e.test", null));
    awaitHttp("status.e2e.test", "/", 200);

    Await.until(
        "status.loadBalancer of our Ingress",
        PROPAGATION,
        () -> statusAddresses("status", "web"),
        a -> a.equals(List.of(PUBLISHED_ADDRESS)));

    client
        .network()
        .v1()
        .ingresses()
        .inNamespace("status")
        .withName("web")
        .edit(
            i ->
                new IngressBuilder(i)
                    .editSpec()
                    .withIngressClassName(OTHER_CLASS)
                    .endSpec()
                    .build());

    Await.until(
        "status cleared once the Ingress names another controller's class",
        PROPAGATION,
        () -> statusAddresses("status", "web"),
        List::isEmpty);
    awaitHttp("status.e2e.test", "/", 404);
  }

  @Test
  void brokenSecretsRaiseEventsOnTheirIngressesWhileOtherHostsKeepServing() throws Exception {
    EchoBackend pod = track(EchoBackend.start("broken-ns-pod"));
    createService("broken", "web");
    createEndpointSlice("broken", "web", pod.port(), pod.address());
    TestPki.Leaf healthy = webPki.issue("healthy.e2e.test");
    TestPki.Leaf renewal = webPki.issue("renewal.e2e.test");
    createTlsSecret("broken", "healthy-tls", healthy.chainPem(), healthy.keyPem());
    createTlsSecret("broken", "renewal-tls", renewal.chainPem(), renewal.keyPem());
    createIngress(ingress("broken", "healthy", OUR_CLASS, "healthy.e2e.test", "healthy-tls"));
    createIngress(ingress("broken", "renewal", OUR_CLASS, "renewal.e2e.test", "renewal-tls"));
    awaitHttps("healthy.e2e.test", healthy);
    awaitHttps("renewal.e2e.test", renewal);

    // A botched renewal: a new certificate with another certificate's key.
    TestPki.Leaf renewed = webPki.issue("renewal.e2e.test");
    TestPki.Leaf stranger = webPki.issue("renewal.e2e.test");
    client
        .secrets()
        .inNamespace("broken")
        .withName("renewal-tls")
        .edit(
            s ->
                new SecretBuilder(s)
                    .withData(tlsData(renewed.chainPem(), stranger.keyPem()))
                    .build());
    // And a new Ingress whose Secret holds no parseable certificate.
    createTlsSecret(
        "broken",
        "garbage-tls",
        "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n",
        stranger.keyPem());
    // ssl-redirect off: its routes are checked over plain HTTP below (the host's TLS serves the
    // default certificate), which a host with TLS would otherwise answer with 308 to https.
    Ingress garbageIngress =
        ingress("broken", "garbage", OUR_CLASS, "garbage.e2e.test", "garbage-tls");
    garbageIngress
        .getMetadata()
        .setAnnotations(Map.of("nginx.ingress.kubernetes.io/ssl-redirect", "false"));
    createIngress(garbageIngress);

    Event mismatch = awaitWarning("broken", "renewal");
    assertThat(mismatch.getReason()).isEqualTo("KeyMismatch");
    assertThat(mismatch.getMessage())
        .contains("Secret broken/renewal-tls")
        .contains("keep the last good certificate");
    Event garbage = awaitWarning("broken", "garbage");
    assertThat(garbage.getReason()).isEqualTo("InvalidCertificate");
    assertThat(garbage.getMessage()).contains("Secret broken/garbage-tls");
    for (Event e : List.of(mismatch, garbage)) {
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getInvolvedObject().getKind()).isEqualTo("Ingress");
      assertThat(e.getInvolvedObject().getNamespace()).isEqualTo("broken");
      assertThat(e.getMessage())
          .doesNotContain(
              "-----BEGIN",
              stranger
                  .keyPem()
                  .lines()
                  .filter(l -> !l.startsWith("-----"))
                  .findFirst()
                  .orElseThrow());
    }
    assertThat(warnings("broken", "healthy")).as("Events on the healthy Ingress").isEmpty();

    // Every host keeps serving: the healthy one with its certificate, the botched renewal with its
    // last good one, the new host's routes (over plain HTTP; its TLS has the default certificate).
    assertThat(serial(https.get(dataplane.httpsPort(), "healthy.e2e.test", "/")))
        .isEqualTo(serial(healthy));
    assertThat(serial(https.get(dataplane.httpsPort(), "renewal.e2e.test", "/")))
        .isEqualTo(serial(renewal));
    assertThat(Echo.parse(awaitHttp("garbage.e2e.test", "/", 200).bodyText()).instance())
        .isEqualTo("broken-ns-pod");
  }

  @Test
  void aRewriteTargetWithCaptureGroupsReachesThePodRewritten() throws Exception {
    EchoBackend pod = track(EchoBackend.start("rewrite-pod"));
    createService("rewrite", "web");
    createEndpointSlice("rewrite", "web", pod.port(), pod.address());
    Ingress rewrite = ingress("rewrite", "web", OUR_CLASS, "rewrite.e2e.test", null);
    var path = rewrite.getSpec().getRules().get(0).getHttp().getPaths().get(0);
    path.setPath("/something(/|$)(.*)");
    path.setPathType("ImplementationSpecific");
    rewrite
        .getMetadata()
        .setAnnotations(Map.of("nginx.ingress.kubernetes.io/rewrite-target", "/$2"));
    createIngress(rewrite);

    // ingress-nginx's e2e expectation: /something/new reaches the pod as /new.
    Echo echo = Echo.parse(awaitHttp("rewrite.e2e.test", "/something/new", 200).bodyText());
    assertThat(echo.instance()).isEqualTo("rewrite-pod");
    assertThat(echo.uri()).isEqualTo("/new");
    assertThat(Echo.parse(httpGet("rewrite.e2e.test", "/Something").bodyText()).uri())
        .isEqualTo("/");
    assertThat(httpGet("rewrite.e2e.test", "/somethingelse").status()).isEqualTo(404);
    assertThat(warnings("rewrite", "web")).isEmpty();
  }

  @Test
  void aCanaryIngressFromTheApiServerTakesTheRequestsItsHeaderSelects() throws Exception {
    EchoBackend main = track(EchoBackend.start("main-pod"));
    EchoBackend canary = track(EchoBackend.start("canary-pod"));
    createService("canary", "web");
    createEndpointSlice("canary", "web", main.port(), main.address());
    createService("canary", "web-next");
    createEndpointSlice("canary", "web-next", canary.port(), canary.address());
    createIngress(ingress("canary", "web", OUR_CLASS, "canary.e2e.test", null));
    Ingress next = ingress("canary", "web-next", OUR_CLASS, "canary.e2e.test", null);
    next.getSpec()
        .getRules()
        .get(0)
        .getHttp()
        .getPaths()
        .get(0)
        .getBackend()
        .getService()
        .setName("web-next");
    next.getMetadata()
        .setAnnotations(
            Map.of(
                "nginx.ingress.kubernetes.io/canary", "true",
                "nginx.ingress.kubernetes.io/canary-by-header", "X-Canary"));
    createIngress(next);

    Await.until(
        "X-Canary: always reaches the canary's pod",
        PROPAGATION,
        () -> canaryGet("always"),
        instance -> instance.equals("canary-pod"));
    for (int i = 0; i < 20; i++) {
      assertThat(canaryGet("always")).isEqualTo("canary-pod");
      assertThat(canaryGet("never")).isEqualTo("main-pod");
      assertThat(canaryGet(null)).isEqualTo("main-pod");
    }
    assertThat(warnings("canary", "web-next")).isEmpty();

    // Without its main Ingress the canary routes nothing, and says why.
    client.network().v1().ingresses().inNamespace("canary").withName("web").delete();
    awaitHttp("canary.e2e.test", "/", 404);
    assertThat(httpGet("canary.e2e.test", "/").status()).isEqualTo(404);
    assertThat(canaryStatus("always")).isEqualTo(404);
    assertThat(awaitWarning("canary", "web-next").getMessage()).containsIgnoringCase("canary");
  }

  private static String canaryGet(String header) throws Exception {
    RawHttp.Response response = canaryRequest(header);
    return response.status() == 200 ? Echo.parse(response.bodyText()).instance() : "-";
  }

  private static int canaryStatus(String header) throws Exception {
    return canaryRequest(header).status();
  }

  private static RawHttp.Response canaryRequest(String header) throws Exception {
    return RawHttp.exchange(
        dataplane.httpPort(),
        "GET / HTTP/1.1\r\nHost: canary.e2e.test\r\n"
            + (header == null ? "" : "X-Canary: " + header + "\r\n")
            + "Connection: close\r\n\r\n");
  }

  @Test
  void regexLookingPathGetsOneEventAndIsCountedInTheMetricsUntilItIsFixed() throws Exception {
    EchoBackend pod = track(EchoBackend.start("regex-pod"));
    createService("regex", "web");
    createEndpointSlice("regex", "web", pod.port(), pod.address());
    Ingress regex = ingress("regex", "web", OUR_CLASS, "regex.e2e.test", null);
    regex.getSpec().getRules().get(0).getHttp().getPaths().get(0).setPath("/api/.*");
    regex
        .getSpec()
        .getRules()
        .get(0)
        .getHttp()
        .getPaths()
        .get(0)
        .setPathType("ImplementationSpecific");
    createIngress(regex);

    Event event = awaitWarning("regex", "web");
    assertThat(event.getReason()).isEqualTo("ImplementationSpecificRegex");
    assertThat(event.getMessage())
        .contains("path /api/.* (host regex.e2e.test)")
        .contains("is a literal prefix");
    Await.until(
        "the regex-looking path counted on the admin port",
        PROPAGATION,
        OperatorEndToEndTest::operatorMetrics,
        m ->
            m.contains("weir_operator_diagnostics{reason=\"ImplementationSpecificRegex\"} 1.0")
                && m.contains(
                    "weir_operator_diagnostic_objects{kind=\"Ingress\","
                        + "reason=\"ImplementationSpecificRegex\"} 1.0"));
    // Matched as the literal prefix it is: the text itself, not what the regex would match.
    assertThat(httpGet("regex.e2e.test", "/api/.*/x").status()).isEqualTo(200);
    assertThat(httpGet("regex.e2e.test", "/api/users").status()).isEqualTo(404);

    // More translations (another Ingress routed) do not repeat the Event.
    createIngress(ingress("regex", "other", OUR_CLASS, "regex-other.e2e.test", null));
    awaitHttp("regex-other.e2e.test", "/", 200);
    assertThat(warnings("regex", "web")).as("one Event for the Ingress").hasSize(1);
    assertThat(warnings("regex", "web").get(0).getCount()).isEqualTo(1);

    client
        .network()
        .v1()
        .ingresses()
        .inNamespace("regex")
        .withName("web")
        .edit(
            i -> {
              i.getSpec().getRules().get(0).getHttp().getPaths().get(0).setPath("/api");
              i.getSpec().getRules().get(0).getHttp().getPaths().get(0).setPathType("Prefix");
              return i;
            });
    Await.until(
        "the fixed path no longer counted",
        PROPAGATION,
        OperatorEndToEndTest::operatorMetrics,
        m ->
            m.contains("weir_operator_diagnostics{reason=\"ImplementationSpecificRegex\"} 0.0")
                && m.contains(
                    "weir_operator_diagnostic_objects{kind=\"Ingress\","
                        + "reason=\"ImplementationSpecificRegex\"} 0.0"));
    assertThat(awaitHttp("regex.e2e.test", "/api/users", 200).status()).isEqualTo(200);
  }

  private static String operatorMetrics() throws Exception {
    RawHttp.Response response =
        RawHttp.exchange(
            operator.adminPort(),
            "GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    assertThat(response.status()).isEqualTo(200);
    return response.bodyText();
  }

  @Test
  void dataPlaneKeepsServingWhileTheOperatorIsAwayAndResumesUpdatesWhenItIsBack() throws Exception {
    EchoBackend before = track(EchoBackend.start("restart-before"));
    EchoBackend after = track(EchoBackend.start("restart-after"));
    createService("restart", "web");
    createEndpointSlice("restart", "web", before.port(), before.address());
    createIngress(ingress("restart", "web", OUR_CLASS, "restart.e2e.test", null));
    awaitHttp("restart.e2e.test", "/", 200);

    operator.close();
    Await.until(
        "the data plane notices the operator is gone",
        PROPAGATION,
        () -> !operatorClient.connected());
    // Changed while no operator watches: the data plane has no credentials to see it.
    client
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace("restart")
        .withName("web-1")
        .edit(
            s ->
                new EndpointSliceBuilder(s)
                    .withPorts(
                        new EndpointPortBuilder().withName("http").withPort(after.port()).build())
                    .build());
    for (int i = 0; i < 10; i++) {
      assertThat(instanceAt("restart.e2e.test"))
          .as("request %d without an operator", i)
          .isEqualTo("restart-before");
      // Spread over half a second: serving on while the operator stays away is what is tested.
      Thread.sleep(50);
    }

    operator = Operator.start(client, operatorConfig(controlPort));

    Await.until(
        "updates resume once the operator is back on its port",
        Duration.ofSeconds(15),
        () -> instanceAt("restart.e2e.test"),
        "restart-after"::equals);
    assertThat(operatorClient.connected()).isTrue();
  }

  /**
   * The operator's last good certificates live only in its memory, so a restarted operator (rolling
   * upgrade, node drain) has none for a Secret that is broken by then. It publishes the host as
   * retaining its certificate, and the data plane, which outlived the restart, keeps serving the
   * good one instead of switching every client of the host to the default certificate.
   */
  @Test
  void botchedRenewalKeepsItsLastGoodCertificateAcrossAnOperatorRestart() throws Exception {
    String host = "lastgood.e2e.test";
    TestPki.Leaf good = webPki.issue(host);
    EchoBackend pod = track(EchoBackend.start("lastgood-pod"));
    createService("lastgood", "web");
    createEndpointSlice("lastgood", "web", pod.port(), pod.address());
    createTlsSecret("lastgood", "lastgood-tls", good.chainPem(), good.keyPem());
    createIngress(ingress("lastgood", "web", OUR_CLASS, host, "lastgood-tls"));
    awaitHttps(host, good);
    client
        .secrets()
        .inNamespace("lastgood")
        .withName("lastgood-tls")
        .edit(
            s ->
                new SecretBuilder(s)
                    .withData(tlsData(webPki.issue(host).chainPem(), webPki.issue(host).keyPem()))
                    .build());
    assertThat(awaitWarning("lastgood", "web").getReason()).isEqualTo("KeyMismatch");
    assertThat(serial(https.get(dataplane.httpsPort(), host, "/"))).isEqualTo(serial(good));

    long appliedBefore = operatorClient.appliedVersion();
    operator.close();
    operator = Operator.start(client, operatorConfig(controlPort));
    Await.until(
        "the data plane applies the restarted operator's snapshot",
        Duration.ofSeconds(15),
        () -> operatorClient.appliedVersion() > appliedBefore);

    assertThat(serial(https.get(dataplane.httpsPort(), host, "/")))
        .as("certificate served for %s after the operator restarted", host)
        .isEqualTo(serial(good));
  }

  // --- Kubernetes objects, written through the API ---

  private static void createService(String namespace, String name) {
    client
        .services()
        .inNamespace(namespace)
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .endMetadata()
                .withNewSpec()
                .addNewPort()
                .withName("http")
                .withPort(80)
                .endPort()
                .endSpec()
                .build())
        .create();
  }

  /** Slice {@code SERVICE-1}: ready endpoints at {@code addresses}, port "http". */
  private static void createEndpointSlice(
      String namespace, String service, int port, String... addresses) {
    client
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace(namespace)
        .resource(
            new EndpointSliceBuilder()
                .withNewMetadata()
                .withName(service + "-1")
                .withNamespace(namespace)
                .withLabels(Map.of("kubernetes.io/service-name", service))
                .endMetadata()
                .withAddressType("IPv4")
                .withEndpoints(
                    List.of(addresses).stream().map(OperatorEndToEndTest::readyEndpoint).toList())
                .addNewPort()
                .withName("http")
                .withPort(port)
                .endPort()
                .build())
        .create();
  }

  private static Endpoint readyEndpoint(String address) {
    return new EndpointBuilder()
        .withAddresses(address)
        .withNewConditions()
        .withReady(true)
        .endConditions()
        .build();
  }

  private static void createTlsSecret(
      String namespace, String name, String chainPem, String keyPem) {
    client
        .secrets()
        .inNamespace(namespace)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .endMetadata()
                .withType("kubernetes.io/tls")
                .withData(tlsData(chainPem, keyPem))
                .build())
        .create();
  }

  private static Map<String, String> tlsData(String chainPem, String keyPem) {
    Base64.Encoder base64 = Base64.getEncoder();
    return Map.of(
        "tls.crt",
        base64.encodeToString(chainPem.getBytes(StandardCharsets.UTF_8)),
        "tls.key",
        base64.encodeToString(keyPem.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Ingress {@code name}: {@code host}, every path to Service "web" port "http"; TLS if a Secret.
   */
  private static Ingress ingress(
      String namespace, String name, String className, String host, String tlsSecret) {
    IngressBuilder builder =
        new IngressBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .endMetadata()
            .withNewSpec()
            .withIngressClassName(className)
            .addNewRule()
            .withHost(host)
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
            .endSpec();
    if (tlsSecret != null) {
      builder.editSpec().addNewTl().withHosts(host).withSecretName(tlsSecret).endTl().endSpec();
    }
    return builder.build();
  }

  private static void createIngress(Ingress ingress) {
    client
        .network()
        .v1()
        .ingresses()
        .inNamespace(ingress.getMetadata().getNamespace())
        .resource(ingress)
        .create();
  }

  private static List<String> statusAddresses(String namespace, String name) {
    Ingress ingress = client.network().v1().ingresses().inNamespace(namespace).withName(name).get();
    if (ingress.getStatus() == null
        || ingress.getStatus().getLoadBalancer() == null
        || ingress.getStatus().getLoadBalancer().getIngress() == null) {
      return List.of();
    }
    return ingress.getStatus().getLoadBalancer().getIngress().stream()
        .map(IngressLoadBalancerIngress::getIp)
        .toList();
  }

  private static List<Event> warnings(String namespace, String ingressName) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(
            e ->
                "Ingress".equals(e.getInvolvedObject().getKind())
                    && ingressName.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  private static Event awaitWarning(String namespace, String ingressName)
      throws InterruptedException {
    return Await.until(
            "a Warning Event on Ingress " + namespace + "/" + ingressName,
            PROPAGATION,
            () -> warnings(namespace, ingressName),
            l -> !l.isEmpty())
        .get(0);
  }

  // --- Traffic ---

  private static RawHttp.Response httpGet(String host, String path) throws Exception {
    return RawHttp.exchange(
        dataplane.httpPort(),
        "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
  }

  private static RawHttp.Response awaitHttp(String host, String path, int status)
      throws InterruptedException {
    return Await.until(
        "GET http://" + host + path + " answers " + status,
        PROPAGATION,
        () -> httpGet(host, path),
        r -> r.status() == status);
  }

  private static void awaitHttps(String host, TestPki.Leaf expected) throws InterruptedException {
    Await.until(
        "https://" + host + "/ served with " + expected,
        PROPAGATION,
        () -> https.get(dataplane.httpsPort(), host, "/"),
        r -> r.status() == 200 && serial(r).equals(serial(expected)));
  }

  /** Which echo backend answered a plain HTTP request for {@code host}. */
  private static String instanceAt(String host) throws Exception {
    RawHttp.Response r = httpGet(host, "/");
    if (r.status() != 200) {
      return "status " + r.status();
    }
    return Echo.parse(r.bodyText()).instance();
  }

  private static BigInteger serial(HttpsProbe.Response response) {
    return response.served().getSerialNumber();
  }

  private static BigInteger serial(TestPki.Leaf leaf) {
    return leaf.certificate().getSerialNumber();
  }

  // --- Fixtures ---

  /** {@code count} echo backends on 127.0.0.1, 127.0.0.2, ... sharing one port, as pods would. */
  private List<EchoBackend> startPodsOnOnePort(String prefix, int count) throws Exception {
    Exception last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      List<EchoBackend> pods = new ArrayList<>();
      try {
        pods.add(EchoBackend.start(prefix + "-0"));
        for (int i = 1; i < count; i++) {
          pods.add(
              EchoBackend.startOnPort(prefix + "-" + i, "127.0.0." + (i + 1), pods.get(0).port()));
        }
        pods.forEach(this::track);
        return pods;
      } catch (Exception e) {
        // The port was taken on one of the other addresses: try another.
        last = e;
        pods.forEach(EchoBackend::close);
      }
    }
    throw new IllegalStateException("no port free on 127.0.0.1-" + count, last);
  }

  private <T extends AutoCloseable> T track(T closeable) {
    closeables.add(closeable);
    return closeable;
  }

  private static Path writeTlsDir(String name, TestPki.Leaf leaf, TestPki ca) throws Exception {
    return ca.writeControlTlsDir(tlsDirs.resolve(name), leaf);
  }
}
