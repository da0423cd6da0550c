package dev.weir.operator.translate;

import dev.weir.contract.snapshot.PathType;
import dev.weir.operator.state.ObjectRef;
import dev.weir.operator.state.ResourceKind;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressSpec;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one Ingress claims, read from it alone: its settings, path rules per host (in spec order; a
 * rule without paths still claims its host), TLS Secret names per TLS host ({@link
 * IngressSyntax#DEFAULT_CERTIFICATE}: the default certificate), its default backend, and the
 * diagnostics that need no other object. Hosts and paths are in canonical form; what is invalid is
 * left out, with its diagnostic.
 *
 * <p>Both translators read an Ingress only through {@link #read}; what Ingresses claiming the same
 * host make of it together is {@link ResolvedHost}'s.
 *
 * @param created the creation time, null when absent or unreadable (such an Ingress counts as the
 *     youngest)
 * @param defaultBackend null when the Ingress sets none, or none that is valid
 */
record ParsedIngress(
    ObjectRef ref,
    Instant created,
    IngressSettings settings,
    BackendUse defaultBackend,
    Map<String, List<PathRule>> rules,
    Map<String, List<String>> tls,
    List<Diagnostic> diagnostics) {

  /**
   * Oldest first, then by {@code namespace/name}: who wins a conflict. On the parsed creation time,
   * parsed once per Ingress: a comparator that parsed it per comparison would parse 280,000
   * timestamps to sort 10,000 Ingresses.
   */
  static final Comparator<ParsedIngress> AGE =
      Comparator.comparing(ParsedIngress::created, Comparator.nullsLast(Comparator.naturalOrder()))
          .thenComparing((ParsedIngress p) -> p.ref().namespace())
          .thenComparing((ParsedIngress p) -> p.ref().name());

  /**
   * Whether this is a canary Ingress: its rules claim no path, they add their backends to the main
   * routes of the same host, path and path type ({@link ResolvedHost}).
   */
  boolean canary() {
    return settings.canary();
  }

  /** A valid path rule: what it claims in its host and the backend it sends that to. */
  record PathRule(RouteKey key, BackendUse backend) {}

  /** Reads {@code ingress}, which must have metadata. */
  static ParsedIngress read(Ingress ingress, Map<String, String> annotationDefaults) {
    ObjectRef ref = ref(ingress);
    Instant created = creationTime(ingress);
    List<Diagnostic> found = new ArrayList<>();
    IngressSettings settings =
        IngressSettings.read(
            ref, ingress.getMetadata().getAnnotations(), annotationDefaults, found);
    IngressSpec spec = ingress.getSpec();
    if (spec == null) {
      return new ParsedIngress(
          ref, created, settings, null, Map.of(), Map.of(), List.copyOf(found));
    }
    String namespace = ref.namespace();
    BackendUse defaultBackend = null;
    boolean canary = settings.canary();
    if (spec.getDefaultBackend() != null && canary) {
      found.add(Diagnostic.canarySpecIgnored(ref, "the default backend"));
    } else if (spec.getDefaultBackend() != null) {
      String id = BackendResolver.id(namespace, spec.getDefaultBackend());
      if (id == null) {
        found.add(Diagnostic.unsupportedDefaultBackend(ref));
      } else {
        defaultBackend = BackendUse.of(ref, id, spec.getDefaultBackend(), settings.backend());
      }
    }
    Map<String, List<PathRule>> rules = new LinkedHashMap<>();
    List<String> regexLike = new ArrayList<>();
    if (spec.getRules() != null) {
      for (IngressRule rule : spec.getRules()) {
        if (rule == null) {
          continue;
        }
        String host = IngressSyntax.host(rule.getHost());
        if (host == null) {
          found.add(Diagnostic.invalidHost(ref, rule.getHost()));
          continue;
        }
        List<PathRule> paths = rules.computeIfAbsent(host, h -> new ArrayList<>());
        if (rule.getHttp() == null || rule.getHttp().getPaths() == null) {
          continue;
        }
        for (HTTPIngressPath path : rule.getHttp().getPaths()) {
          PathRule read = path(ref, host, path, settings, found);
          if (read != null) {
            paths.add(read);
            if (read.key().type() == PathType.PREFIX
                && !"Prefix".equals(path.getPathType())
                && !settings.path().rewrite().regexPath(path.getPath())
                && IngressSyntax.looksLikeRegex(path.getPath())) {
              regexLike.add(path.getPath() + " (host " + host + ")");
            }
          }
        }
      }
    }
    if (!regexLike.isEmpty()) {
      found.add(Diagnostic.implementationSpecificRegex(ref, regexLike));
    }
    Map<String, List<String>> tls = new LinkedHashMap<>();
    if (spec.getTls() != null && canary && !spec.getTls().isEmpty()) {
      found.add(Diagnostic.canarySpecIgnored(ref, "spec.tls"));
    } else if (spec.getTls() != null) {
      for (IngressTLS entry : spec.getTls()) {
        String secret = IngressSyntax.tlsSecret(entry, ref, found);
        if (secret == null) {
          continue;
        }
        for (String host : IngressSyntax.tlsHosts(entry)) {
          tls.computeIfAbsent(host, h -> new ArrayList<>()).add(secret);
        }
      }
    }
    rules.replaceAll((h, l) -> List.copyOf(l));
    tls.replaceAll((h, l) -> List.copyOf(l));
    return new ParsedIngress(
        ref,
        created,
        settings,
        defaultBackend,
        Collections.unmodifiableMap(rules),
        Collections.unmodifiableMap(tls),
        List.copyOf(found));
  }

  private static PathRule path(
      ObjectRef ref,
      String host,
      HTTPIngressPath path,
      IngressSettings settings,
      List<Diagnostic> found) {
    PathType type = IngressSyntax.pathType(path.getPathType());
    if (type == null) {
      found.add(Diagnostic.invalidPathType(ref, host, path.getPathType()));
      return null;
    }
    String canonical;
    if (IngressSyntax.isImplementationSpecific(path.getPathType())
        && settings.path().rewrite().regexPath(path.getPath())) {
      // ingress-nginx: with use-regex or rewrite-target an ImplementationSpecific path is a
      // regular expression, taken as written.
      canonical = path.getPath() == null || path.getPath().isEmpty() ? "/" : path.getPath();
      String problem = IngressSyntax.regexPathProblem(canonical);
      if (problem != null) {
        found.add(Diagnostic.invalidRegexPath(ref, host, path.getPath(), problem));
        return null;
      }
    } else {
      canonical = IngressSyntax.path(path.getPath(), path.getPathType(), type);
      if (canonical == null) {
        found.add(Diagnostic.invalidPath(ref, host, path.getPath()));
        return null;
      }
    }
    String id = BackendResolver.id(ref.namespace(), path.getBackend());
    if (id == null) {
      found.add(Diagnostic.unsupportedPathBackend(ref, host, canonical));
      return null;
    }
    return new PathRule(
        new RouteKey(canonical, type),
        BackendUse.of(ref, id, path.getBackend(), settings.backend()));
  }

  static ObjectRef ref(Ingress ingress) {
    return new ObjectRef(
        ResourceKind.INGRESS.kindName(),
        ingress.getMetadata().getNamespace(),
        ingress.getMetadata().getName());
  }

  private static Instant creationTime(Ingress ingress) {
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
}
