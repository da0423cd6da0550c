package dev.weir.operator.translate;

import dev.weir.contract.snapshot.Endpoint;
import dev.weir.contract.snapshot.EndpointState;
import dev.weir.contract.snapshot.PathType;
import dev.weir.contract.snapshot.Route;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.VirtualHost;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Short YAML for test objects, and a one-line-per-fact rendering of what a translation produced.
 */
final class Fixtures {
  static final String OUR_CLASS =
      """
      apiVersion: networking.k8s.io/v1
      kind: IngressClass
      metadata: {name: weir}
      spec: {controller: weir.dev/ingress-controller}
      """;
  static final String OTHER_CLASS =
      """
      apiVersion: networking.k8s.io/v1
      kind: IngressClass
      metadata: {name: nginx}
      spec: {controller: k8s.io/ingress-nginx}
      """;

  /** Service shop/web: port 80 named http (pods listen on 8080), port 9000 unnamed (pods: 9090). */
  static final String WEB_SERVICE =
      """
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: shop}
      spec:
        ports:
        - {name: http, port: 80, targetPort: web-http}
        - {port: 9000, targetPort: 9090}
      """;

  private Fixtures() {}

  /** Objects from YAML documents separated by {@code ---} lines. */
  static List<HasMetadata> objects(String... yaml) {
    List<HasMetadata> out = new ArrayList<>();
    for (String text : yaml) {
      for (String document : text.split("(?m)^---\\s*$")) {
        if (!document.isBlank()) {
          out.add(Serialization.unmarshal(document));
        }
      }
    }
    return out;
  }

  /**
   * An Ingress in {@code namespace} of class weir unless {@code spec} (YAML) names another class;
   * {@code created} may be null.
   */
  static String ingress(String namespace, String name, String created, String spec) {
    return "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: "
        + name
        + "\n  namespace: "
        + namespace
        + (created == null ? "" : "\n  creationTimestamp: \"" + created + "\"")
        + "\nspec:\n"
        + (spec.contains("ingressClassName:") ? "" : "  ingressClassName: weir\n")
        + spec.stripTrailing().indent(2);
  }

  /** An EndpointSlice of shop/web; {@code body} is YAML (addressType, endpoints, ports). */
  static String slice(String name, String body) {
    return "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: "
        + name
        + "\n  namespace: shop\n  labels: {kubernetes.io/service-name: web}\n"
        + body;
  }

  /**
   * {@code host Type path -> backend} per route, {@code host (no routes)}, {@code default -> id}.
   */
  static List<String> routes(Snapshot s) {
    List<String> lines = new ArrayList<>();
    for (VirtualHost v : s.virtualHosts()) {
      if (v.routes().isEmpty()) {
        lines.add(v.host() + " (no routes)");
      }
      for (Route r : v.routes()) {
        lines.add(
            v.host()
                + " "
                + (r.pathType() == PathType.EXACT ? "Exact" : "Prefix")
                + " "
                + r.path()
                + " -> "
                + r.backend());
      }
    }
    if (s.defaultBackend() != null) {
      lines.add("default -> " + s.defaultBackend());
    }
    return lines;
  }

  /** {@code id: address:port, ...}, a non-ready state after a slash. */
  static List<String> backends(Snapshot s) {
    return s.backends().stream()
        .map(
            b ->
                (b.id()
                        + " "
                        + b.endpoints().stream()
                            .map(Fixtures::endpoint)
                            .collect(Collectors.joining(",")))
                    .stripTrailing())
        .toList();
  }

  private static String endpoint(Endpoint e) {
    return e.address() + ":" + e.port() + (e.state() == EndpointState.READY ? "" : "/" + e.state());
  }

  /**
   * {@code host id}, {@code host (default)} or {@code host (retain)} per virtual host, then {@code
   * default certificate id} or {@code default certificate (none)}.
   */
  static List<String> certificates(Snapshot s) {
    List<String> lines = new ArrayList<>();
    for (VirtualHost v : s.virtualHosts()) {
      lines.add(
          v.host()
              + " "
              + (v.retainCertificate()
                  ? "(retain)"
                  : v.certificate() == null ? "(default)" : v.certificate()));
    }
    lines.add(
        "default certificate "
            + (s.defaultCertificate() == null ? "(none)" : s.defaultCertificate()));
    return lines;
  }

  /** {@code Kind namespace/name Reason}. */
  static List<String> diagnostics(Translation t) {
    return t.diagnostics().stream()
        .map(
            d ->
                d.object().kind()
                    + " "
                    + d.object().namespace()
                    + "/"
                    + d.object().name()
                    + " "
                    + d.reason().camelCase())
        .toList();
  }
}
