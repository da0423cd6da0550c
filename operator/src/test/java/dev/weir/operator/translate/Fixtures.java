package dev.weir.operator.translate;

import dev.weir.contract.snapshot.AccessControl;
import dev.weir.contract.snapshot.Affinity;
import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.Canary;
import dev.weir.contract.snapshot.ClientAuth;
import dev.weir.contract.snapshot.CustomErrors;
import dev.weir.contract.snapshot.Endpoint;
import dev.weir.contract.snapshot.EndpointState;
import dev.weir.contract.snapshot.ExternalAuth;
import dev.weir.contract.snapshot.PathType;
import dev.weir.contract.snapshot.ProxyHeaders;
import dev.weir.contract.snapshot.RateLimit;
import dev.weir.contract.snapshot.Rewrite;
import dev.weir.contract.snapshot.Route;
import dev.weir.contract.snapshot.RouteSettings;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.Timeouts;
import dev.weir.contract.snapshot.UpstreamProtocol;
import dev.weir.contract.snapshot.UpstreamTls;
import dev.weir.contract.snapshot.VirtualHost;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
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

  /**
   * {@code ingressYaml} (made by {@link #ingress}) with these annotations: key, value, key,
   * value...
   */
  static String annotated(String ingressYaml, String... keyValues) {
    StringBuilder block = new StringBuilder("metadata:\n  annotations:\n");
    for (int i = 0; i < keyValues.length; i += 2) {
      block
          .append("    ")
          .append(keyValues[i])
          .append(": \"")
          .append(keyValues[i + 1])
          .append("\"\n");
    }
    return ingressYaml.replaceFirst("metadata:\n", Matcher.quoteReplacement(block.toString()));
  }

  /**
   * What annotations set, one line per fact: {@code host passthrough -> id}, {@code host hsts
   * HEADER}, {@code host clientAuth ...}, {@code host Type path: setting, ...} for each route with
   * settings, {@code backend id: protocol, tls ...} for each backend with settings, {@code client
   * certificate of id} for each client certificate the snapshot ships.
   */
  static List<String> settings(Snapshot s) {
    List<String> lines = new ArrayList<>();
    for (VirtualHost v : s.virtualHosts()) {
      if (v.isPassthrough()) {
        lines.add(v.host() + " passthrough -> " + v.passthroughBackend());
      }
      if (v.hsts() != null) {
        lines.add(v.host() + " hsts " + v.hsts().headerValue());
      }
      ClientAuth auth = v.clientAuth();
      if (auth != null) {
        lines.add(
            v.host()
                + " clientAuth "
                + (auth.unavailable()
                    ? "unavailable"
                    : auth.verify()
                        + " depth="
                        + auth.verifyDepth()
                        + (auth.passCertificateToUpstream() ? " pass" : "")
                        + (auth.caCertificates().contains("BEGIN CERTIFICATE") ? " ca" : "")));
      }
      for (Route r : v.routes()) {
        if (!r.settings().isNone() || r.matchesAsRegex()) {
          String settings = routeSettings(r.settings());
          lines.add(
              route(v, r)
                  + ": "
                  + (r.matchesAsRegex() ? "regex" + (settings.isEmpty() ? "" : ", ") : "")
                  + settings);
        }
      }
    }
    for (Backend b : s.backends()) {
      if (b.protocol() != UpstreamProtocol.HTTP || b.policy() != Backend.DEFAULT_POLICY) {
        UpstreamTls tls = b.tls();
        lines.add(
            "backend "
                + b.id()
                + ": "
                + b.protocol()
                + (tls == null
                    ? ""
                    : tls.unavailable()
                        ? " tls unavailable"
                        : " tls"
                            + (tls.verify() ? " verify" : " unverified")
                            + (tls.caCertificates() != null ? " ca" : "")
                            + (tls.serverName() != null ? " name=" + tls.serverName() : "")
                            + (tls.sendServerName() ? " sni" : "")
                            + (tls.clientCertificate() != null ? " client" : ""))
                + (b.policy() == Backend.DEFAULT_POLICY ? "" : " " + b.policy())
                + (b.hashBy() == null ? "" : " by " + b.hashBy()));
        if (tls != null && tls.clientCertificate() != null) {
          boolean shipped =
              s.certificates().stream().anyMatch(c -> c.id().equals(tls.clientCertificate()));
          lines.add("client certificate of " + b.id() + (shipped ? "" : " (missing)"));
        }
      }
    }
    return lines;
  }

  /** {@code host Type path}. */
  private static String route(VirtualHost v, Route r) {
    return v.host() + " " + (r.pathType() == PathType.EXACT ? "Exact" : "Prefix") + " " + r.path();
  }

  private static String routeSettings(RouteSettings r) {
    List<String> parts = new ArrayList<>();
    Affinity a = r.affinity();
    if (a != null) {
      parts.add("affinity " + a.mode() + " " + a.cookieName() + " path=" + a.cookiePath());
    }
    if (r.redirectsToHttps()) {
      parts.add(r.keepsTrailingSlash() ? "redirect keeping /" : "redirect");
    } else if (r.keepsTrailingSlash()) {
      parts.add("keeping / without redirect");
    }
    if (r.maxBodyBytes() != null) {
      parts.add("body=" + r.maxBodyBytes());
    }
    Timeouts t = r.timeouts();
    if (t != null) {
      parts.add("timeouts=" + t.connectMillis() + "/" + t.readMillis() + "/" + t.sendMillis());
    }
    if (r.upstreamTries() != null) {
      parts.add("tries=" + r.upstreamTries());
    }
    if (!r.logsAccess()) {
      parts.add("no access log");
    }
    if (r.cors() != null) {
      parts.add("cors " + r.cors().allowOrigins());
    }
    if (r.access() != null) {
      AccessControl c = r.access();
      parts.add(
          c.isUnavailable()
              ? "access unavailable"
              : "access deny="
                  + c.denySourceRanges()
                  + " allow="
                  + c.allowSourceRanges()
                  + (c.basicAuth() == null
                      ? ""
                      : " basic realm="
                          + c.basicAuth().realm()
                          + " users="
                          + c.basicAuth()
                              .users()
                              .reveal()
                              .lines()
                              .map(l -> l.substring(0, l.indexOf(':')))
                              .toList()));
    }
    if (r.rateLimit() != null) {
      RateLimit l = r.rateLimit();
      parts.add(
          "limit zone="
              + l.zone()
              + " rps="
              + l.requestsPerSecond()
              + " rpm="
              + l.requestsPerMinute()
              + " conn="
              + l.connections()
              + " burst="
              + l.burstMultiplier());
    }
    Rewrite w = r.rewrite();
    if (w != null) {
      if (w.target() != null) {
        parts.add(
            "rewrite "
                + w.target()
                + (w.forwardedPrefix() == null ? "" : " prefix=" + w.forwardedPrefix()));
      }
      if (w.appRoot() != null) {
        parts.add("app-root " + w.appRoot());
      }
    }
    if (r.redirect() != null) {
      parts.add(r.redirect().code() + " " + r.redirect().location());
    }
    CustomErrors e = r.customErrors();
    if (e != null) {
      parts.add(
          "errors "
              + e.codes()
              + " -> "
              + (e.backend() == null ? "default backend" : e.backend())
              + " for "
              + e.service()
              + ":"
              + e.servicePort());
    }
    ExternalAuth auth = r.externalAuth();
    if (auth != null) {
      parts.add(
          auth.isUnavailable()
              ? "auth unavailable"
              : "auth "
                  + auth.methodOrGet()
                  + " "
                  + auth.url()
                  + (auth.signin() == null ? "" : " signin=" + auth.signin())
                  + (auth.responseHeaders() == null ? "" : " headers=" + auth.responseHeaders())
                  + (auth.cacheKey() == null
                      ? ""
                      : " cache=" + auth.cacheKey() + " " + auth.cacheValidity()));
    }
    ProxyHeaders h = r.proxyHeaders();
    if (h != null) {
      parts.add(
          h.isUnavailable()
              ? "proxy headers unavailable"
              : "proxy host="
                  + h.host()
                  + " set="
                  + h.setResponseHeaders()
                  + " redirect="
                  + h.redirect()
                  + " cookieDomain="
                  + h.cookieDomain()
                  + " cookiePath="
                  + h.cookiePath());
    }
    return String.join(", ", parts);
  }

  /** A ConfigMap; {@code keyValues} its data, alternating key and value (quoted as YAML). */
  static String configMap(String namespace, String name, String... keyValues) {
    StringBuilder yaml =
        new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ")
            .append(name)
            .append("\n  namespace: ")
            .append(namespace)
            .append("\ndata:\n");
    for (int i = 0; i < keyValues.length; i += 2) {
      yaml.append("  ")
          .append(keyValues[i])
          .append(": '")
          .append(keyValues[i + 1].replace("'", "''"))
          .append("'\n");
    }
    return yaml.toString();
  }

  /** An EndpointSlice of shop/web; {@code body} is YAML (addressType, endpoints, ports). */
  static String slice(String name, String body) {
    return "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: "
        + name
        + "\n  namespace: shop\n  labels: {kubernetes.io/service-name: web}\n"
        + body;
  }

  /**
   * {@code host Type path -> backend} per route, {@code host (no routes)}, {@code host redirects to
   * other code}, {@code default -> id}.
   */
  static List<String> routes(Snapshot s) {
    List<String> lines = new ArrayList<>();
    for (VirtualHost v : s.virtualHosts()) {
      if (v.hostRedirect() != null) {
        lines.add(
            v.host() + " redirects to " + v.hostRedirect().host() + " " + v.hostRedirect().code());
      } else if (v.routes().isEmpty()) {
        lines.add(v.host() + " (no routes)");
      }
      for (Route r : v.routes()) {
        lines.add(route(v, r) + " -> " + r.backend() + canary(r.canary()));
      }
    }
    if (s.defaultBackend() != null) {
      lines.add("default -> " + s.defaultBackend());
    }
    return lines;
  }

  /** {@code , canary backend [header=..] [value=..] [pattern=..] [cookie=..] weight=w/total}. */
  private static String canary(Canary c) {
    if (c == null) {
      return "";
    }
    return ", canary "
        + c.backend()
        + (c.header() == null ? "" : " header=" + c.header())
        + (c.headerValue() == null ? "" : " value=" + c.headerValue())
        + (c.headerPattern() == null ? "" : " pattern=" + c.headerPattern())
        + (c.cookie() == null ? "" : " cookie=" + c.cookie())
        + " weight="
        + c.weight()
        + "/"
        + c.totalWeight();
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

  /**
   * A cert-manager Certificate writing Secret {@code secretName}; {@code ready} is its Ready
   * condition's status ({@code True}, {@code False}, {@code Unknown}), null for no status at all.
   */
  static String certificate(
      String namespace,
      String name,
      String secretName,
      String ready,
      String reason,
      String message) {
    String yaml =
        "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: "
            + name
            + ", namespace: "
            + namespace
            + "}\nspec:\n  secretName: "
            + secretName
            + "\n  dnsNames: [shop.example.com]\n  issuerRef: {name: letsencrypt, kind: ClusterIssuer}\n";
    if (ready == null) {
      return yaml;
    }
    return yaml
        + "status:\n  notAfter: \"2026-03-01T00:00:00Z\"\n  conditions:\n  - type: Ready\n    status: \""
        + ready
        + "\"\n    reason: "
        + reason
        + "\n    message: \""
        + message
        + "\"\n    lastTransitionTime: \"2025-12-31T00:00:00Z\"\n";
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
