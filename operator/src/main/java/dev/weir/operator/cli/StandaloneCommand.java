package dev.weir.operator.cli;

import dev.weir.dataplane.Dataplane;
import dev.weir.dataplane.DurationConverter;
import dev.weir.dataplane.admin.AdminServer;
import dev.weir.dataplane.admin.DataplaneMetrics;
import dev.weir.dataplane.demo.DemoBackends;
import dev.weir.dataplane.snapshot.InvalidSnapshotException;
import dev.weir.operator.metrics.OperatorMetrics;
import dev.weir.operator.publish.TranslationLoop;
import dev.weir.operator.source.ManifestSource;
import dev.weir.operator.state.ClusterState;
import dev.weir.operator.status.DiagnosticLog;
import dev.weir.operator.translate.TranslateOptions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code standalone}: translation and an in-process data plane, fed from a manifest directory. */
@Command(name = "standalone", mixinStandardHelpOptions = true, sortOptions = false,
    description =
        "Runs Weir without a cluster: reads Ingress, IngressClass, Service, EndpointSlice and TLS "
        + "Secret manifests (*.yaml, *.yml, *.json) from a directory, serves them with an "
        + "in-process data plane, and applies a changed file within a second. Ingresses without a "
        + "class are served unless the directory holds an IngressClass with controller "
        + "weir.dev/ingress-controller (then the usual class rules apply). Endpoint addresses on "
        + "loopback are accepted.")
final class StandaloneCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(StandaloneCommand.class);

  @Option(names = "--manifests", required = true, paramLabel = "DIR",
      description = "Directory of Kubernetes manifests to serve, watched for changes.")
  Path manifests;

  @Option(names = "--http-port", defaultValue = "8080", paramLabel = "PORT",
      description = "Plain HTTP listener (-1: off). Default: ${DEFAULT-VALUE}.")
  int httpPort;

  @Option(names = "--https-port", defaultValue = "8443", paramLabel = "PORT",
      description = "HTTPS listener, HTTP/1.1 and HTTP/2 (-1: off). Default: ${DEFAULT-VALUE}.")
  int httpsPort;

  @Option(names = "--admin-port", defaultValue = "9090", paramLabel = "PORT",
      description = "/healthz, /readyz and /metrics of the data plane (-1: off). "
          + "Default: ${DEFAULT-VALUE}.")
  int adminPort;

  @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDR",
      description = "Address every listener binds to. Default: ${DEFAULT-VALUE} (this machine "
          + "only; use 0.0.0.0 to accept connections from elsewhere).")
  String bind;

  @Option(names = "--drain-timeout", defaultValue = "10s", paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How long in-flight requests may take to finish on shutdown. Default: 10s.")
  Duration drainTimeout;

  @Option(names = "--demo-backends",
      description = "Start a small demo HTTP server for every loopback endpoint the Ingresses "
          + "route to (as found at start), answering with its pod name: for the quickstart.")
  boolean demoBackends;

  @Override
  public Integer call() throws Exception {
    DataplaneMetrics dataplaneMetrics = new DataplaneMetrics();
    Dataplane dataplane = Dataplane.start(
        new Dataplane.Options(bind, httpPort, httpsPort, drainTimeout), dataplaneMetrics);
    ManifestSource source = new ManifestSource(manifests);
    DiagnosticLog diagnosticLog = new DiagnosticLog();
    TranslationLoop loop = new TranslationLoop(source, StandaloneCommand::options,
        List.of(snapshot -> {
          try {
            dataplane.apply(snapshot);
            log.info("event=snapshot_applied source=manifests version={} virtual_hosts={} "
                + "backends={} certificates={}", snapshot.version(), snapshot.virtualHosts().size(),
                snapshot.backends().size(), snapshot.certificates().size());
          } catch (InvalidSnapshotException e) {
            log.error("event=snapshot_rejected source=manifests reason=\"{}\" "
                + "action=keep_serving_previous", e.getMessage());
          }
        }),
        List.of(t -> diagnosticLog.update(t.diagnostics())),
        new OperatorMetrics(List::of), Clock.systemUTC());
    loop.start(Duration.ofSeconds(10));

    DemoBackends demo = demoBackends ? DemoBackends.start(demoPods(source.state())) : null;
    AdminServer admin = adminPort < 0 ? null
        : AdminServer.start(bind, adminPort, dataplaneMetrics::scrape, dataplane::hasSnapshot);
    printWhatToTry(dataplane, admin);

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      loop.close();
      dataplane.shutdown();
      if (admin != null) {
        admin.close();
      }
      if (demo != null) {
        demo.close();
      }
      stopped.countDown();
    }, "weir-shutdown"));
    stopped.await();
    return 0;
  }

  /**
   * Ingresses without a class are ours, unless the manifests bring an IngressClass of ours: then
   * the usual rules (class name, default-class annotation) decide.
   */
  static TranslateOptions options(ClusterState state) {
    boolean hasOurClass = state.ingressClasses().stream()
        .anyMatch(c -> c.getSpec() != null
            && TranslateOptions.CONTROLLER_NAME.equals(c.getSpec().getController()));
    return TranslateOptions.defaults()
        .withWatchIngressWithoutClass(!hasOurClass)
        .withAllowLocalEndpoints(true);
  }

  /** Every loopback endpoint an Ingress routes to, named after its pod. */
  static List<DemoBackends.Pod> demoPods(ClusterState state) {
    Map<String, DemoBackends.Pod> pods = new LinkedHashMap<>();
    for (Ingress ingress : state.ingresses()) {
      String namespace = ingress.getMetadata().getNamespace();
      List<IngressBackend> backends = new ArrayList<>();
      if (ingress.getSpec() == null) {
        continue;
      }
      if (ingress.getSpec().getDefaultBackend() != null) {
        backends.add(ingress.getSpec().getDefaultBackend());
      }
      for (IngressRule rule : ingress.getSpec().getRules() == null ? List.<IngressRule>of()
          : ingress.getSpec().getRules()) {
        if (rule.getHttp() != null && rule.getHttp().getPaths() != null) {
          for (HTTPIngressPath path : rule.getHttp().getPaths()) {
            backends.add(path.getBackend());
          }
        }
      }
      for (IngressBackend backend : backends) {
        if (backend == null || backend.getService() == null) {
          continue;
        }
        for (EndpointSlice slice : state.endpointSlices(namespace, backend.getService().getName())) {
          addPods(slice, pods);
        }
      }
    }
    return new ArrayList<>(pods.values());
  }

  private static void addPods(EndpointSlice slice, Map<String, DemoBackends.Pod> pods) {
    if (slice.getEndpoints() == null || slice.getPorts() == null) {
      return;
    }
    for (var endpoint : slice.getEndpoints()) {
      String name = endpoint.getTargetRef() != null && endpoint.getTargetRef().getName() != null
          ? endpoint.getTargetRef().getName() : slice.getMetadata().getName();
      for (String address : endpoint.getAddresses()) {
        if (!isLoopback(address)) {
          continue;
        }
        for (EndpointPort port : slice.getPorts()) {
          if (port.getPort() != null) {
            pods.putIfAbsent(address + ":" + port.getPort(),
                new DemoBackends.Pod(name, address, port.getPort()));
          }
        }
      }
    }
  }

  private static boolean isLoopback(String address) {
    try {
      return InetAddress.getByName(address).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private void printWhatToTry(Dataplane dataplane, AdminServer admin) {
    int https = dataplane.httpsPort();
    String resolve = "--resolve shop.weir.test:" + https + ":127.0.0.1 --resolve blog.apps.weir.test:"
        + https + ":127.0.0.1";
    System.out.println("""

        Weir is serving the manifests in %s (HTTP %d, HTTPS %d, admin %d).
        If this is the quickstart (examples/quickstart), try:

          curl --cacert examples/tls/demo-ca.crt %s https://shop.weir.test:%d/app-1
          curl --cacert examples/tls/demo-ca.crt %s https://shop.weir.test:%d/app-2
          curl --cacert examples/tls/demo-ca.crt %s https://blog.apps.weir.test:%d/
          curl http://127.0.0.1:%d/ -H 'Host: nothing.example'      (404 from Weir)
          curl http://127.0.0.1:%d/metrics

        Repeat the first one: app-1 has two pods and requests alternate between them.
        Rotate the certificate: replace the PEM blocks in examples/quickstart/shop-tls.yaml with
        examples/tls/shop-v2.crt and shop-v2.key, then within a second
          openssl s_client -connect 127.0.0.1:%d -servername shop.weir.test </dev/null 2>/dev/null | grep subject
        shows "demo v2". Ctrl-C stops Weir (in-flight requests finish first).
        """.formatted(manifests, dataplane.httpPort(), https, admin == null ? -1 : admin.port(),
        resolve, https, resolve, https, resolve, https, dataplane.httpPort(),
        admin == null ? -1 : admin.port(), https));
  }
}
