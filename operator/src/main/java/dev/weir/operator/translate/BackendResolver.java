package dev.weir.operator.translate;

import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.Certificate;
import dev.weir.contract.snapshot.Endpoint;
import dev.weir.contract.snapshot.EndpointState;
import dev.weir.contract.snapshot.SnapshotValidator;
import dev.weir.operator.annotations.SecretRef;
import dev.weir.operator.state.ClusterState;
import dev.weir.operator.state.ObjectRef;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.TypedLocalObjectReference;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Turns Ingress backends into snapshot backends: Service port by number or name, then the
 * EndpointSlice port of the same name (which is how a Service's targetPort, named or numbered,
 * reaches us already resolved per pod), then the endpoints of every slice of the Service.
 *
 * <p>A backend that cannot be resolved still becomes a backend, with no endpoints: its routes then
 * answer 503 instead of vanishing, which would hand their requests to a shorter Prefix rule and
 * another Service (the Gateway API requires the same for invalid backend references).
 */
final class BackendResolver {
  private static final Comparator<Endpoint> ENDPOINT_ORDER =
      Comparator.comparing(Endpoint::address).thenComparingInt(Endpoint::port);

  private final ClusterState state;
  private final TranslateOptions options;
  private final Consumer<Diagnostic> diagnostics;
  private final Map<String, Backend> backends = new TreeMap<>();
  private final Map<String, List<Problem>> problems = new HashMap<>();
  private final Map<String, Certificate> clientCertificates = new TreeMap<>();

  BackendResolver(ClusterState state, TranslateOptions options, Consumer<Diagnostic> diagnostics) {
    this.state = state;
    this.options = options;
    this.diagnostics = diagnostics;
  }

  /**
   * The backend id: {@code namespace/service:port} with the port as the Ingress writes it, number
   * or name. Null when the backend names neither a service with a port nor a resource.
   */
  static String id(String namespace, IngressBackend backend) {
    if (backend == null) {
      return null;
    }
    IngressServiceBackend service = backend.getService();
    if (service != null
        && service.getName() != null
        && !service.getName().isEmpty()
        && service.getPort() != null) {
      if (service.getPort().getNumber() != null && service.getPort().getNumber() > 0) {
        return namespace + "/" + service.getName() + ":" + service.getPort().getNumber();
      }
      if (service.getPort().getName() != null && !service.getPort().getName().isEmpty()) {
        return namespace + "/" + service.getName() + ":" + service.getPort().getName();
      }
      return null;
    }
    TypedLocalObjectReference resource = backend.getResource();
    if (service == null
        && resource != null
        && resource.getKind() != null
        && resource.getName() != null) {
      // Two slashes: cannot collide with a service id, whose name part is a DNS label.
      return namespace + "/" + resource.getKind() + "/" + resource.getName();
    }
    return null;
  }

  /** Resolves the backend of {@code use} (once per id) and reports its problems to its user. */
  void use(BackendUse use) {
    if (!backends.containsKey(use.id())) {
      Resolution r = resolveOne(state, options, use);
      r.sliceDiagnostics().forEach(diagnostics);
      backends.put(use.id(), r.backend());
      problems.put(use.id(), r.problems());
      if (r.clientCertificate() != null) {
        clientCertificates.put(r.clientCertificate().id(), r.clientCertificate());
      }
    }
    for (Problem p : problems.get(use.id())) {
      diagnostics.accept(new Diagnostic(use.user(), p.reason(), p.message()));
    }
  }

  /**
   * One backend resolved on its own, for the incremental translator's cache: the backend, the
   * problems to report against each of its users, the diagnostics of its EndpointSlices, the client
   * certificate it presents to its pods (null: none) and the Secret its settings name as it was
   * read (null: none, or missing).
   */
  record Resolution(
      Backend backend,
      List<Problem> problems,
      List<Diagnostic> sliceDiagnostics,
      Certificate clientCertificate,
      Secret secret) {}

  /** The backend {@code use} names, with its settings. */
  static Resolution resolveOne(ClusterState state, TranslateOptions options, BackendUse use) {
    List<Diagnostic> sliceDiagnostics = new ArrayList<>();
    List<Problem> found = new ArrayList<>();
    Backend plain =
        options
            .retry()
            .applyTo(
                Backend.of(
                    use.id(),
                    new BackendResolver(state, options, sliceDiagnostics::add)
                        .resolve(
                            use.namespace(),
                            use.backend(),
                            use.settings().serviceUpstream(),
                            found)));
    SecretRef ref = BackendSettings.secret(use.settings());
    Secret secret =
        ref == null ? null : state.referencedSecret(ref.namespace(), ref.name()).orElse(null);
    BackendSettings.Applied applied = BackendSettings.apply(plain, use.settings(), secret);
    if (applied.problem() != null) {
      found.add(applied.problem());
    }
    return new Resolution(
        applied.backend(),
        List.copyOf(found),
        List.copyOf(sliceDiagnostics),
        applied.clientCertificate(),
        secret);
  }

  /** Every backend used, by id. */
  List<Backend> backends() {
    return List.copyOf(backends.values());
  }

  /** The client certificates the backends used present to their pods, by id. */
  Map<String, Certificate> clientCertificates() {
    return clientCertificates;
  }

  private List<Endpoint> resolve(
      String namespace, IngressBackend backend, boolean serviceUpstream, List<Problem> found) {
    if (backend.getService() == null) {
      TypedLocalObjectReference r = backend.getResource();
      found.add(
          new Problem(
              Reason.UNSUPPORTED_BACKEND,
              "resource backend "
                  + r.getKind()
                  + " "
                  + r.getName()
                  + " is not supported; its paths answer 503"));
      return List.of();
    }
    IngressServiceBackend ref = backend.getService();
    Service service = state.service(namespace, ref.getName()).orElse(null);
    if (service == null) {
      found.add(
          new Problem(
              Reason.SERVICE_NOT_FOUND,
              "Service "
                  + namespace
                  + "/"
                  + ref.getName()
                  + " does not exist; "
                  + (isFirstPort(ref)
                      ? "its custom errors go to the default backend"
                      : "its paths answer 503")));
      return List.of();
    }
    if (service.getSpec() != null && "ExternalName".equals(service.getSpec().getType())) {
      found.add(
          new Problem(
              Reason.UNSUPPORTED_BACKEND,
              "Service "
                  + namespace
                  + "/"
                  + ref.getName()
                  + " is of type ExternalName, which is not supported; its paths answer 503"));
      return List.of();
    }
    ServicePort port = servicePort(service, ref);
    if (port == null) {
      String wanted;
      String consequence = "its paths answer 503";
      if (isFirstPort(ref)) {
        wanted = "port";
        consequence = "its custom errors go to the default backend";
      } else if (ref.getPort().getNumber() != null && ref.getPort().getNumber() > 0) {
        wanted = "port " + ref.getPort().getNumber();
      } else {
        wanted = "a port named " + ref.getPort().getName();
      }
      found.add(
          new Problem(
              Reason.SERVICE_PORT_NOT_FOUND,
              "Service "
                  + namespace
                  + "/"
                  + ref.getName()
                  + " has no "
                  + wanted
                  + "; "
                  + consequence));
      return List.of();
    }
    if (serviceUpstream) {
      Endpoint clusterIp = clusterIpEndpoint(namespace, service, port, found);
      if (clusterIp != null) {
        return List.of(clusterIp);
      }
    }
    return endpoints(namespace, ref.getName(), blankToNull(port.getName()));
  }

  /**
   * {@code service-upstream}: the Service's ClusterIP and port as the one endpoint, so kube-proxy
   * balances, as ingress-nginx's {@code getServiceClusterEndpoint}. A Service without a usable
   * ClusterIP (headless, {@code None}) gets its EndpointSlices' endpoints instead, as there.
   */
  private Endpoint clusterIpEndpoint(
      String namespace, Service service, ServicePort port, List<Problem> found) {
    String clusterIp = service.getSpec().getClusterIP();
    String why = null;
    if (clusterIp == null || clusterIp.isEmpty() || clusterIp.equals("None")) {
      why = "has no ClusterIP (a headless Service)";
    } else if (!SnapshotValidator.isIpLiteral(clusterIp)) {
      why = "has ClusterIP " + clusterIp + ", which is not an IP address";
    } else if (!options.allowLocalEndpoints() && isLocal(clusterIp)) {
      why = "has ClusterIP " + clusterIp + ", which is loopback, link-local or unspecified";
    }
    if (why != null) {
      found.add(
          new Problem(
              Reason.SERVICE_UPSTREAM_IGNORED,
              "service-upstream: Service "
                  + namespace
                  + "/"
                  + service.getMetadata().getName()
                  + " "
                  + why
                  + "; its endpoints are used instead"));
      return null;
    }
    return new Endpoint(clusterIp, port.getPort(), EndpointState.READY);
  }

  /** A backend without a port: a {@code default-backend} Service, used on its first port. */
  private static boolean isFirstPort(IngressServiceBackend ref) {
    return ref.getPort().getNumber() == null && ref.getPort().getName() == null;
  }

  private static ServicePort servicePort(Service service, IngressServiceBackend ref) {
    if (service.getSpec() == null
        || service.getSpec().getPorts() == null
        || service.getSpec().getPorts().isEmpty()) {
      return null;
    }
    if (isFirstPort(ref)) {
      return service.getSpec().getPorts().get(0);
    }
    Integer number =
        ref.getPort().getNumber() != null && ref.getPort().getNumber() > 0
            ? ref.getPort().getNumber()
            : null;
    for (ServicePort p : service.getSpec().getPorts()) {
      if (number != null
          ? number.equals(p.getPort())
          : ref.getPort().getName().equals(p.getName())) {
        return p;
      }
    }
    return null;
  }

  private List<Endpoint> endpoints(String namespace, String service, String portName) {
    Map<String, Endpoint> best = new HashMap<>();
    for (EndpointSlice slice : state.endpointSlices(namespace, service)) {
      Integer port = slicePort(slice, portName);
      if (port == null || slice.getEndpoints() == null) {
        continue;
      }
      for (io.fabric8.kubernetes.api.model.discovery.v1.Endpoint e : slice.getEndpoints()) {
        if (e.getAddresses() == null) {
          continue;
        }
        EndpointState endpointState = state(e.getConditions());
        for (String address : e.getAddresses()) {
          if (!SnapshotValidator.isIpLiteral(address)) {
            // FQDN slices (and anything else no data plane accepts) would make it refuse the
            // whole snapshot; skip the address and say why.
            diagnostics.accept(
                new Diagnostic(
                    ObjectRef.of(slice),
                    Reason.UNSUPPORTED_ENDPOINT_ADDRESS,
                    "endpoint address "
                        + address
                        + " is not an IP address (FQDN EndpointSlices are not supported); ignored"));
            continue;
          }
          if (!options.allowLocalEndpoints() && isLocal(address)) {
            diagnostics.accept(
                new Diagnostic(
                    ObjectRef.of(slice),
                    Reason.FORBIDDEN_ENDPOINT_ADDRESS,
                    "endpoint address "
                        + address
                        + " is loopback, link-local or unspecified; ignored"));
            continue;
          }
          // The same endpoint may sit in two slices while they are rebalanced: keep its best state.
          best.merge(
              address + " " + port,
              new Endpoint(address, port, endpointState),
              (a, b) -> a.state().compareTo(b.state()) <= 0 ? a : b);
        }
      }
    }
    List<Endpoint> ready = new ArrayList<>();
    List<Endpoint> terminating = new ArrayList<>();
    for (Endpoint e : best.values()) {
      if (e.state() == EndpointState.READY) {
        ready.add(e);
      } else if (e.state() == EndpointState.TERMINATING) {
        terminating.add(e);
      }
    }
    List<Endpoint> chosen = ready.isEmpty() ? terminating : ready;
    chosen.sort(ENDPOINT_ORDER);
    return chosen;
  }

  /** The slice's port number for the Service port {@code portName} (null: the unnamed port). */
  private static Integer slicePort(EndpointSlice slice, String portName) {
    if (slice.getPorts() == null) {
      return null;
    }
    for (EndpointPort p : slice.getPorts()) {
      if (Objects.equals(blankToNull(p.getName()), portName) && p.getPort() != null) {
        return p.getPort();
      }
    }
    return null;
  }

  /**
   * Per the EndpointSlice API, an absent {@code ready} or {@code serving} means ready, and {@code
   * ready} is false while terminating (except for Services that publish not-ready addresses, where
   * it is always true, and which then want the traffic).
   */
  private static EndpointState state(EndpointConditions c) {
    boolean ready = c == null || c.getReady() == null || c.getReady();
    boolean serving = c == null || c.getServing() == null ? ready : c.getServing();
    boolean terminating = c != null && Boolean.TRUE.equals(c.getTerminating());
    if (ready) {
      return EndpointState.READY;
    }
    return serving && terminating ? EndpointState.TERMINATING : EndpointState.NOT_READY;
  }

  private static boolean isLocal(String address) {
    if (address.equalsIgnoreCase("localhost")
        || address.toLowerCase(Locale.ROOT).endsWith(".localhost")) {
      return true;
    }
    InetAddress ip = NetUtil.createInetAddressFromIpAddressString(address);
    return ip != null
        && (ip.isLoopbackAddress() || ip.isLinkLocalAddress() || ip.isAnyLocalAddress());
  }

  private static String blankToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  record Problem(Reason reason, String message) {}
}
