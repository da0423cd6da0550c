package dev.weir.operator.translate;

import static dev.weir.operator.translate.IngressSyntax.DEFAULT_CERTIFICATE;

import dev.weir.contract.snapshot.Certificate;
import dev.weir.contract.snapshot.PathType;
import dev.weir.contract.snapshot.Route;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.VirtualHost;
import dev.weir.operator.state.ClusterState;
import dev.weir.operator.state.ObjectRef;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressSpec;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Cluster state to {@link Snapshot}: a pure function. It reads only the state, the options, the
 * last good certificates and the clock value passed in, and returns problems as diagnostics instead
 * of logging or writing them, so it can be tested with tables and run anywhere.
 *
 * <p>Where Ingresses disagree (the same host, path and path type; the default backend; the
 * certificate of a host) the oldest Ingress wins, then the lower {@code namespace/name}; the others
 * get a diagnostic. Output is sorted throughout, so equal input gives a byte-identical snapshot.
 *
 * <p>This is the specification: the operator's loop runs {@link IncrementalTranslator}, which
 * computes the same function by difference and is tested against this one.
 */
public final class IngressTranslator {
  // On the parsed creation time, parsed once per Ingress: a comparator that parsed it per
  // comparison would parse 280,000 timestamps to sort 10,000 Ingresses.
  private static final Comparator<Aged> AGE =
      Comparator.comparing(Aged::created, Comparator.nullsLast(Comparator.naturalOrder()))
          .thenComparing((Aged a) -> a.ingress().getMetadata().getNamespace())
          .thenComparing((Aged a) -> a.ingress().getMetadata().getName());

  private record Aged(Ingress ingress, Instant created) {}

  public Translation translate(
      ClusterState state, TranslateOptions options, LastGoodCertificates previous, Instant now) {
    return translate(state, options, previous, CheckedSecrets.empty(), now);
  }

  /**
   * @param checked the Secrets the previous translation checked ({@link
   *     Translation#checkedSecrets()}); the same outcome as without them, only faster
   */
  public Translation translate(
      ClusterState state,
      TranslateOptions options,
      LastGoodCertificates previous,
      CheckedSecrets checked,
      Instant now) {
    return new Run(state, options, previous, checked, now).translate();
  }

  /** The working state of one translation. */
  private final class Run {
    private final ClusterState state;
    private final TranslateOptions options;
    private final SortedSet<Diagnostic> diagnostics = new TreeSet<>();
    private final BackendResolver backends;
    private final CertificateResolver certificates;
    private final Map<String, Map<RouteKey, Claim>> hosts = new TreeMap<>();
    private final Map<String, Certificate> certificateBodies = new TreeMap<>();
    private final Set<String> retainingHosts = new TreeSet<>();
    private Claim defaultBackend;

    Run(
        ClusterState state,
        TranslateOptions options,
        LastGoodCertificates previous,
        CheckedSecrets checked,
        Instant now) {
      this.state = state;
      this.options = options;
      this.backends = new BackendResolver(state, options, diagnostics::add);
      this.certificates = new CertificateResolver(state, previous, checked, now);
    }

    Translation translate() {
      IngressClassFilter filter = new IngressClassFilter(state, options);
      List<Ingress> ours =
          state.ingresses().stream()
              .filter(i -> i.getMetadata() != null && filter.isOurs(i))
              .map(i -> new Aged(i, created(i)))
              .sorted(AGE)
              .map(Aged::ingress)
              .toList();
      for (Ingress ingress : ours) {
        if (ingress.getSpec() != null) {
          addDefaultBackend(ingress);
          addRules(ingress);
        }
      }
      Map<String, String> certificateOf = resolveCertificates(ours);

      List<VirtualHost> virtualHosts = new ArrayList<>();
      hosts.forEach(
          (host, routes) -> {
            List<Route> list =
                routes.entrySet().stream()
                    .map(
                        e ->
                            new Route(e.getKey().type(), e.getKey().path(), e.getValue().backend()))
                    .toList();
            virtualHosts.add(
                retainingHosts.contains(host)
                    ? VirtualHost.retainingCertificate(host, list, null)
                    : new VirtualHost(host, certificateOf.get(host), list, null));
          });
      String defaultCertificate = certificateOf.get(DEFAULT_CERTIFICATE);
      Snapshot snapshot =
          new Snapshot(
              Snapshot.SCHEMA_VERSION,
              0,
              options.settings(),
              virtualHosts,
              backends.backends(),
              usedCertificates(virtualHosts, defaultCertificate),
              null,
              defaultBackend == null ? null : defaultBackend.backend(),
              defaultCertificate);
      return new Translation(
          snapshot,
          List.copyOf(diagnostics),
          certificates.lastGood(),
          ours.stream().map(IngressTranslator::ref).sorted().toList(),
          certificates.checkedSecrets());
    }

    private void addDefaultBackend(Ingress ingress) {
      var backend = ingress.getSpec().getDefaultBackend();
      if (backend == null) {
        return;
      }
      ObjectRef ref = ref(ingress);
      String namespace = ingress.getMetadata().getNamespace();
      String id = BackendResolver.id(namespace, backend);
      if (id == null) {
        diagnostics.add(
            new Diagnostic(
                ref,
                Reason.UNSUPPORTED_BACKEND,
                "spec.defaultBackend names neither a Service port nor a resource"));
        return;
      }
      if (defaultBackend != null) {
        if (!defaultBackend.backend().equals(id)) {
          diagnostics.add(
              new Diagnostic(
                  ref,
                  Reason.CONFLICTING_DEFAULT_BACKEND,
                  "spec.defaultBackend is ignored: "
                      + defaultBackend.owner()
                      + " sets the default backend"
                      + " and is older"));
        }
        return;
      }
      defaultBackend = new Claim(ref, id);
      backends.use(ref, namespace, backend, id);
    }

    private void addRules(Ingress ingress) {
      IngressSpec spec = ingress.getSpec();
      if (spec.getRules() == null) {
        return;
      }
      ObjectRef ref = ref(ingress);
      String namespace = ingress.getMetadata().getNamespace();
      for (IngressRule rule : spec.getRules()) {
        if (rule == null) {
          continue;
        }
        String host = IngressSyntax.host(rule.getHost());
        if (host == null) {
          diagnostics.add(
              new Diagnostic(
                  ref,
                  Reason.INVALID_HOST,
                  "host '"
                      + rule.getHost()
                      + "' is not a DNS name or a '*.' wildcard of one; its rule is ignored"));
          continue;
        }
        // A rule without paths still claims its host, whose requests then go to the default
        // backend.
        Map<RouteKey, Claim> routes = hosts.computeIfAbsent(host, h -> new TreeMap<>());
        if (rule.getHttp() == null || rule.getHttp().getPaths() == null) {
          continue;
        }
        for (HTTPIngressPath path : rule.getHttp().getPaths()) {
          addPath(ref, namespace, host, routes, path);
        }
      }
    }

    private void addPath(
        ObjectRef ref,
        String namespace,
        String host,
        Map<RouteKey, Claim> routes,
        HTTPIngressPath path) {
      PathType type = IngressSyntax.pathType(path.getPathType());
      if (type == null) {
        diagnostics.add(
            new Diagnostic(
                ref,
                Reason.INVALID_PATH,
                "host "
                    + host
                    + ": pathType '"
                    + path.getPathType()
                    + "' is not Exact, Prefix or ImplementationSpecific"));
        return;
      }
      String canonical = IngressSyntax.path(path.getPath(), path.getPathType(), type);
      if (canonical == null) {
        diagnostics.add(
            new Diagnostic(
                ref,
                Reason.INVALID_PATH,
                "host "
                    + host
                    + ": path '"
                    + path.getPath()
                    + "' is not a valid absolute path (no regular expressions, empty or"
                    + " dot segments, or encoded slashes); ignored"));
        return;
      }
      String id = BackendResolver.id(namespace, path.getBackend());
      if (id == null) {
        diagnostics.add(
            new Diagnostic(
                ref,
                Reason.UNSUPPORTED_BACKEND,
                "host "
                    + host
                    + " path "
                    + canonical
                    + ": the backend names neither a Service port nor a resource; ignored"));
        return;
      }
      RouteKey key = new RouteKey(canonical, type);
      Claim existing = routes.get(key);
      if (existing != null) {
        if (!existing.backend().equals(id)) {
          diagnostics.add(
              new Diagnostic(
                  ref,
                  Reason.CONFLICTING_PATH,
                  "host "
                      + host
                      + " "
                      + label(type)
                      + " path "
                      + canonical
                      + " is ignored: "
                      + (existing.owner().equals(ref)
                          ? "this Ingress lists it before with another backend"
                          : existing.owner() + " routes it and is older")));
        }
        return;
      }
      routes.put(key, new Claim(ref, id));
      backends.use(ref, namespace, path.getBackend(), id);
    }

    /**
     * Host (or {@link IngressSyntax#DEFAULT_CERTIFICATE}) to certificate id, for the hosts that
     * have one; the hosts whose Secret cannot give one now go to {@link #retainingHosts}.
     */
    private Map<String, String> resolveCertificates(List<Ingress> ours) {
      Map<String, Claim> claims = new TreeMap<>();
      for (Ingress ingress : ours) {
        if (ingress.getSpec() == null || ingress.getSpec().getTls() == null) {
          continue;
        }
        ObjectRef ref = ref(ingress);
        for (IngressTLS tls : ingress.getSpec().getTls()) {
          String secret = IngressSyntax.tlsSecret(tls, ref, diagnostics);
          if (secret == null) {
            continue;
          }
          for (String host : IngressSyntax.tlsHosts(tls)) {
            Claim existing = claims.get(host);
            if (existing == null) {
              claims.put(host, new Claim(ref, secret));
            } else if (!existing.owner().namespace().equals(ref.namespace())
                || !existing.backend().equals(secret)) {
              diagnostics.add(
                  new Diagnostic(
                      ref,
                      Reason.CONFLICTING_CERTIFICATE,
                      (host.isEmpty()
                              ? "the default certificate"
                              : "the certificate of host " + host)
                          + " comes from Secret "
                          + existing.owner().namespace()
                          + "/"
                          + existing.backend()
                          + " of "
                          + existing.owner()
                          + ", which is older; Secret "
                          + secret
                          + " is not used for it"));
            }
          }
        }
      }
      Map<String, String> ids = new TreeMap<>();
      claims.forEach(
          (host, claim) -> {
            CertificateResolver.Outcome outcome =
                certificates.resolve(claim.owner().namespace(), claim.backend());
            if (outcome.problem() != null) {
              diagnostics.add(new Diagnostic(claim.owner(), outcome.problem(), outcome.message()));
            }
            if (outcome.certificate() != null) {
              ids.put(host, outcome.certificate().id());
              certificateBodies.put(outcome.certificate().id(), outcome.certificate());
            } else if (outcome.retain()
                && !host.equals(DEFAULT_CERTIFICATE)
                && !host.equals(VirtualHost.ANY_HOST)) {
              // The default certificate (and "*", which stands in for it) has no way to say
              // "retain"
              // in a snapshot: it falls back to the data plane's own default.
              retainingHosts.add(host);
            }
          });
      return ids;
    }

    /**
     * The certificates a virtual host or the default uses, by id; a TLS host without rules has
     * none.
     */
    private List<Certificate> usedCertificates(
        List<VirtualHost> virtualHosts, String defaultCertificate) {
      Map<String, Certificate> used = new TreeMap<>();
      for (VirtualHost v : virtualHosts) {
        if (v.certificate() != null) {
          used.put(v.certificate(), certificateBodies.get(v.certificate()));
        }
      }
      if (defaultCertificate != null) {
        used.put(defaultCertificate, certificateBodies.get(defaultCertificate));
      }
      return List.copyOf(used.values());
    }
  }

  static String label(PathType type) {
    return type == PathType.EXACT ? "Exact" : "Prefix";
  }

  static ObjectRef ref(Ingress ingress) {
    return new ObjectRef(
        "Ingress", ingress.getMetadata().getNamespace(), ingress.getMetadata().getName());
  }

  static Instant created(Ingress ingress) {
    String timestamp = ingress.getMetadata().getCreationTimestamp();
    if (timestamp == null || timestamp.isEmpty()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(timestamp).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** Routes of a host in snapshot order: by path, then Exact before Prefix. */
  record RouteKey(String path, PathType type) implements Comparable<RouteKey> {
    @Override
    public int compareTo(RouteKey other) {
      int byPath = path.compareTo(other.path);
      return byPath != 0 ? byPath : type.compareTo(other.type);
    }
  }

  /** Who claimed something first, and what: a backend id, or a Secret name for certificates. */
  record Claim(ObjectRef owner, String backend) {}
}
