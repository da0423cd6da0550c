package dev.weir.operator;

import dev.weir.contract.cli.Edge;
import dev.weir.contract.cli.OutlierSettings;
import dev.weir.contract.local.LocalDataplane;
import dev.weir.contract.local.LocalDataplane.DemoPod;
import dev.weir.contract.snapshot.InvalidSnapshotException;
import dev.weir.contract.snapshot.Settings;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.operator.metrics.OperatorMetrics;
import dev.weir.operator.publish.TranslationLoop;
import dev.weir.operator.source.ManifestSource;
import dev.weir.operator.state.ClusterState;
import dev.weir.operator.status.DiagnosticLog;
import dev.weir.operator.status.ExpiryWarnings;
import dev.weir.operator.tickets.InMemoryTicketKeys;
import dev.weir.operator.tickets.RotationPolicy;
import dev.weir.operator.translate.HttpsDefaults;
import dev.weir.operator.translate.RetryDefaults;
import dev.weir.operator.translate.TranslateOptions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Standalone mode, wired: a {@link ManifestSource} on a directory, the operator's translation, and
 * an in-process data plane that applies each snapshot; optionally the demo backends the quickstart
 * routes to, and the admin port, whose {@code /metrics} serves the data plane's meters and the
 * operator's (diagnostics by reason, certificate expiry, translation). {@code standalone} runs one
 * until the process ends. Session-ticket keys are generated and rotated in memory ({@link
 * InMemoryTicketKeys}). The data plane is found on the class path ({@link
 * LocalDataplane#factory()}): the operator module itself does not depend on it.
 */
public final class Standalone implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Standalone.class);

  /**
   * @param manifests directory of manifests to serve, watched for changes
   * @param httpPort plain HTTP port; 0 = any free port, -1 = none
   * @param httpsPort HTTPS port; 0 = any free port, -1 = none
   * @param adminPort admin port ({@code /healthz}, {@code /readyz}, {@code /metrics}); 0 = any free
   *     port, -1 = none
   * @param demoBackends start a demo server for every loopback endpoint routed to (as found at
   *     start)
   * @param settings the data plane's listener-wide limits and timeouts
   * @param ticketKeyRotation how often the session-ticket keys rotate
   * @param https the controller's HTTPS redirect and HSTS defaults
   * @param certificateExpiryWarning how long before a served certificate expires its Ingresses get
   *     a warning (a log line, as diagnostics are reported here)
   * @param retry the controller's retries, written into every backend
   */
  public record Options(
      Path manifests,
      String bindAddress,
      int httpPort,
      int httpsPort,
      int adminPort,
      Duration drainTimeout,
      boolean demoBackends,
      Settings settings,
      RotationPolicy ticketKeyRotation,
      HttpsDefaults https,
      Duration certificateExpiryWarning,
      List<String> allowedResponseHeaders,
      RetryDefaults retry) {
    public Options {
      allowedResponseHeaders = List.copyOf(allowedResponseHeaders);
      Objects.requireNonNull(retry, "retry");
      Objects.requireNonNull(certificateExpiryWarning, "certificateExpiryWarning");
      Objects.requireNonNull(ticketKeyRotation, "ticketKeyRotation");
      Objects.requireNonNull(settings, "settings");
      Objects.requireNonNull(https, "https");
      Objects.requireNonNull(manifests, "manifests");
      Objects.requireNonNull(bindAddress, "bindAddress");
      Objects.requireNonNull(drainTimeout, "drainTimeout");
    }

    /** Options without response headers allowed to {@code custom-headers}, with nginx's retries. */
    public Options(
        Path manifests,
        String bindAddress,
        int httpPort,
        int httpsPort,
        int adminPort,
        Duration drainTimeout,
        boolean demoBackends,
        Settings settings,
        RotationPolicy ticketKeyRotation,
        HttpsDefaults https,
        Duration certificateExpiryWarning) {
      this(
          manifests,
          bindAddress,
          httpPort,
          httpsPort,
          adminPort,
          drainTimeout,
          demoBackends,
          settings,
          ticketKeyRotation,
          https,
          certificateExpiryWarning,
          List.of(),
          RetryDefaults.DEFAULTS);
    }

    /**
     * Options with the default key rotation and ingress-nginx's HTTPS redirect and HSTS defaults.
     */
    public Options(
        Path manifests,
        String bindAddress,
        int httpPort,
        int httpsPort,
        int adminPort,
        Duration drainTimeout,
        boolean demoBackends,
        Settings settings) {
      this(
          manifests,
          bindAddress,
          httpPort,
          httpsPort,
          adminPort,
          drainTimeout,
          demoBackends,
          settings,
          RotationPolicy.DEFAULT,
          HttpsDefaults.DEFAULTS,
          ExpiryWarnings.DEFAULT_AHEAD);
    }

    /** These options with another certificate expiry warning period. */
    public Options withCertificateExpiryWarning(Duration ahead) {
      return new Options(
          manifests,
          bindAddress,
          httpPort,
          httpsPort,
          adminPort,
          drainTimeout,
          demoBackends,
          settings,
          ticketKeyRotation,
          https,
          ahead,
          allowedResponseHeaders,
          retry);
    }

    /** These options with other retries. */
    public Options withRetry(RetryDefaults value) {
      return new Options(
          manifests,
          bindAddress,
          httpPort,
          httpsPort,
          adminPort,
          drainTimeout,
          demoBackends,
          settings,
          ticketKeyRotation,
          https,
          certificateExpiryWarning,
          allowedResponseHeaders,
          value);
    }

    /** These options with the header names {@code custom-headers} may set. */
    public Options withAllowedResponseHeaders(List<String> names) {
      return new Options(
          manifests,
          bindAddress,
          httpPort,
          httpsPort,
          adminPort,
          drainTimeout,
          demoBackends,
          settings,
          ticketKeyRotation,
          https,
          certificateExpiryWarning,
          names,
          retry);
    }
  }

  private final LocalDataplane dataplane;
  private final TranslationLoop loop;
  private final AutoCloseable demo;
  private final InMemoryTicketKeys ticketKeys;
  private final AtomicReference<Snapshot> served;

  private Standalone(
      LocalDataplane dataplane,
      TranslationLoop loop,
      AutoCloseable demo,
      InMemoryTicketKeys ticketKeys,
      AtomicReference<Snapshot> served) {
    this.ticketKeys = ticketKeys;
    this.dataplane = dataplane;
    this.loop = loop;
    this.demo = demo;
    this.served = served;
  }

  /** As {@link #start(Options, Edge)} with the data plane's defaults (a JSON access log). */
  public static Standalone start(Options options) throws Exception {
    return start(options, Edge.DEFAULTS);
  }

  /**
   * Binds the listeners, serves the manifests' first snapshot, and follows their changes; the
   * in-process data plane meets clients as {@code edge} says (PROXY protocol, trusted proxies,
   * access log).
   */
  public static Standalone start(Options options, Edge edge) throws Exception {
    return start(options, edge, OutlierSettings.DEFAULTS);
  }

  /**
   * As {@link #start(Options, Edge)}, the in-process data plane ejecting failing endpoints as
   * {@code outliers} says.
   */
  public static Standalone start(Options options, Edge edge, OutlierSettings outliers)
      throws Exception {
    LocalDataplane.Factory factory = LocalDataplane.factory();
    // No data plane connects over a control channel here: the in-process one is not counted.
    OperatorMetrics metrics = new OperatorMetrics(List::of);
    LocalDataplane dataplane =
        factory.start(
            new LocalDataplane.Options(
                    options.bindAddress(),
                    options.httpPort(),
                    options.httpsPort(),
                    options.adminPort(),
                    options.drainTimeout(),
                    // Clients reach the listener on the port it binds (no Service in between), so
                    // plain HTTP is redirected to that port, also when it is chosen at random (0).
                    0,
                    edge,
                    metrics::scrape)
                .withOutliers(outliers));
    TranslationLoop loop = null;
    Clock clock = Clock.systemUTC();
    InMemoryTicketKeys ticketKeys =
        new InMemoryTicketKeys(options.ticketKeyRotation(), clock, metrics);
    AtomicReference<Snapshot> served = new AtomicReference<>();
    try {
      ManifestSource source = new ManifestSource(options.manifests());
      DiagnosticLog diagnosticLog = new DiagnosticLog();
      ExpiryWarnings expiryWarnings = new ExpiryWarnings(clock, options.certificateExpiryWarning());
      metrics.watch(() -> source.state().counts());
      loop =
          new TranslationLoop(
              source,
              state ->
                  translateOptions(state)
                      .withSettings(options.settings())
                      .withHttps(options.https())
                      .withAllowedResponseHeaders(options.allowedResponseHeaders())
                      .withRetry(options.retry()),
              List.of(
                  update -> {
                    try {
                      dataplane.apply(update);
                      served.set(update.snapshot());
                    } catch (InvalidSnapshotException e) {
                      // Logged and counted by the data plane; a translation should never produce
                      // this.
                      log.error(
                          "event=translation_produced_invalid_snapshot version={}",
                          update.snapshot().version());
                    }
                  }),
              List.of(t -> diagnosticLog.update(t.diagnostics(), expiryWarnings.of(t))),
              metrics,
              clock,
              ticketKeys::current);
      metrics.certificateExpiries(loop::latest, clock);
      metrics.warnings(expiryWarnings::of);
      ticketKeys.start(loop::ticketKeysChanged);
      loop.start(Duration.ofSeconds(10));
      AutoCloseable demo =
          options.demoBackends() ? factory.startDemoBackends(demoPods(source.state())) : null;
      return new Standalone(dataplane, loop, demo, ticketKeys, served);
    } catch (Exception e) {
      ticketKeys.close();
      if (loop != null) {
        loop.close();
      }
      dataplane.close();
      throw e;
    }
  }

  /**
   * The snapshot the data plane last applied (null before the first): what the manifests translate
   * to, for tests and diagnostics.
   */
  public Snapshot servedSnapshot() {
    return served.get();
  }

  public int httpPort() {
    return dataplane.httpPort();
  }

  public int httpsPort() {
    return dataplane.httpsPort();
  }

  /** The admin port, or -1 when there is none. */
  public int adminPort() {
    return dataplane.adminPort();
  }

  /** Stops following the manifests, drains and stops the data plane, then the demo backends. */
  @Override
  public void close() {
    ticketKeys.close();
    loop.close();
    dataplane.close();
    if (demo != null) {
      try {
        demo.close();
      } catch (Exception e) {
        log.warn("event=demo_backends_close_failed error=\"{}\"", e.toString());
      }
    }
  }

  /**
   * Ingresses without a class are ours, unless the manifests bring an IngressClass of ours: then
   * the usual rules (class name, default-class annotation) decide.
   */
  static TranslateOptions translateOptions(ClusterState state) {
    boolean hasOurClass =
        state.ingressClasses().stream()
            .anyMatch(
                c ->
                    c.getSpec() != null
                        && TranslateOptions.CONTROLLER_NAME.equals(c.getSpec().getController()));
    return TranslateOptions.defaults()
        .withWatchIngressWithoutClass(!hasOurClass)
        .withAllowLocalEndpoints(true);
  }

  /** Every loopback endpoint an Ingress routes to, named after its pod. */
  static List<DemoPod> demoPods(ClusterState state) {
    Map<String, DemoPod> pods = new LinkedHashMap<>();
    for (Ingress ingress : state.ingresses()) {
      String namespace = ingress.getMetadata().getNamespace();
      List<IngressBackend> backends = new ArrayList<>();
      if (ingress.getSpec() == null) {
        continue;
      }
      if (ingress.getSpec().getDefaultBackend() != null) {
        backends.add(ingress.getSpec().getDefaultBackend());
      }
      for (IngressRule rule :
          ingress.getSpec().getRules() == null
              ? List.<IngressRule>of()
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
        for (EndpointSlice slice :
            state.endpointSlices(namespace, backend.getService().getName())) {
          addPods(slice, pods);
        }
      }
    }
    return new ArrayList<>(pods.values());
  }

  private static void addPods(EndpointSlice slice, Map<String, DemoPod> pods) {
    if (slice.getEndpoints() == null || slice.getPorts() == null) {
      return;
    }
    for (var endpoint : slice.getEndpoints()) {
      String name =
          endpoint.getTargetRef() != null && endpoint.getTargetRef().getName() != null
              ? endpoint.getTargetRef().getName()
              : slice.getMetadata().getName();
      for (String address : endpoint.getAddresses()) {
        if (!isLoopback(address)) {
          continue;
        }
        for (EndpointPort port : slice.getPorts()) {
          if (port.getPort() != null) {
            pods.putIfAbsent(
                address + ":" + port.getPort(), new DemoPod(name, address, port.getPort()));
          }
        }
      }
    }
  }

  // IP literals only, as the data plane accepts: a host name here is never looked up.
  private static boolean isLoopback(String address) {
    InetAddress ip = NetUtil.createInetAddressFromIpAddressString(address);
    return ip != null && ip.isLoopbackAddress();
  }
}
