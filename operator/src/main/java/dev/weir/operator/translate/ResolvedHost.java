package dev.weir.operator.translate;

import static dev.weir.operator.translate.IngressSyntax.DEFAULT_CERTIFICATE;

import dev.weir.contract.snapshot.Certificate;
import dev.weir.contract.snapshot.Route;
import dev.weir.contract.snapshot.VirtualHost;
import dev.weir.operator.state.ClusterIndexes;
import dev.weir.operator.state.ObjectRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one host contributes to a translation, decided from the Ingresses that claim it alone: its
 * virtual host, the certificate it uses, the Secret that won it, its diagnostics and the backends
 * its routes use.
 *
 * <p>Ingresses only compete within a host (and for the default backend, see {@link
 * ResolvedDefaultBackend}), oldest first: the first to route a path (by path and type) or to name a
 * Secret for the host wins it, the others get a diagnostic. This is the single definition of that
 * rule; the full translator resolves every host, the incremental one the hosts whose claimants or
 * Secret changed.
 *
 * @param host a virtual host name, or {@link IngressSyntax#DEFAULT_CERTIFICATE} for the default
 *     certificate
 * @param virtualHost null for a host no rule claims (only named by TLS entries)
 * @param certificate the certificate the winning Secret gives, or null
 * @param secretKey {@code namespace/name} of the Secret that won the host, or null
 */
record ResolvedHost(
    String host,
    VirtualHost virtualHost,
    Certificate certificate,
    String secretKey,
    List<Diagnostic> diagnostics,
    List<BackendUse> uses) {

  /** A Secret's outcome, by namespace and name. */
  @FunctionalInterface
  interface SecretOutcomes {
    CertificateResolver.Outcome outcome(String namespace, String name);
  }

  /**
   * @param ruled the Ingresses with a rule for {@code host}, oldest first ({@link
   *     ParsedIngress#AGE})
   * @param tlsNamed the Ingresses with a TLS entry for {@code host}, oldest first
   */
  static ResolvedHost resolve(
      String host,
      Iterable<ParsedIngress> ruled,
      Iterable<ParsedIngress> tlsNamed,
      SecretOutcomes secrets) {
    List<Diagnostic> found = new ArrayList<>();
    List<BackendUse> uses = new ArrayList<>();
    Map<RouteKey, BackendUse> routes = new TreeMap<>();
    boolean hasRule = false;
    for (ParsedIngress p : ruled) {
      hasRule = true;
      for (ParsedIngress.PathRule rule : p.rules().get(host)) {
        BackendUse existing = routes.get(rule.key());
        if (existing == null) {
          routes.put(rule.key(), rule.backend());
          uses.add(rule.backend());
        } else if (!existing.id().equals(rule.backend().id())) {
          found.add(
              Diagnostic.conflictingPath(
                  p.ref(), host, rule.key().type(), rule.key().path(), existing.user()));
        }
      }
    }
    ObjectRef owner = null;
    String ownerSecret = null;
    for (ParsedIngress p : tlsNamed) {
      for (String secret : p.tls().get(host)) {
        if (owner == null) {
          owner = p.ref();
          ownerSecret = secret;
        } else if (!owner.namespace().equals(p.ref().namespace()) || !ownerSecret.equals(secret)) {
          found.add(Diagnostic.conflictingCertificate(p.ref(), host, owner, ownerSecret, secret));
        }
      }
    }
    Certificate certificate = null;
    boolean retain = false;
    String secretKey = null;
    if (owner != null) {
      secretKey = ClusterIndexes.key(owner.namespace(), ownerSecret);
      CertificateResolver.Outcome outcome = secrets.outcome(owner.namespace(), ownerSecret);
      if (outcome.problem() != null) {
        found.add(new Diagnostic(owner, outcome.problem(), outcome.message()));
      }
      certificate = outcome.certificate();
      // The default certificate (and "*", which stands in for it) has no way to say "retain" in a
      // snapshot: it falls back to the data plane's own default.
      retain =
          certificate == null
              && outcome.retain()
              && !host.equals(DEFAULT_CERTIFICATE)
              && !host.equals(VirtualHost.ANY_HOST);
    }
    VirtualHost virtualHost = null;
    if (hasRule) {
      List<Route> list = new ArrayList<>(routes.size());
      routes.forEach((key, use) -> list.add(new Route(key.type(), key.path(), use.id())));
      virtualHost =
          VirtualHost.builder(host)
              .certificate(certificate == null ? null : certificate.id())
              .retainCertificate(retain)
              .routes(list)
              .build();
    }
    return new ResolvedHost(
        host, virtualHost, certificate, secretKey, List.copyOf(found), List.copyOf(uses));
  }

  /**
   * The certificate this host puts in the snapshot: its virtual host's, or for {@link
   * IngressSyntax#DEFAULT_CERTIFICATE} the default one. A TLS entry for a host no rule routes
   * resolves its Secret but ships nothing.
   */
  Certificate usedCertificate() {
    return host.equals(DEFAULT_CERTIFICATE) || virtualHost != null ? certificate : null;
  }

  /**
   * This result, with {@code previous}'s virtual host instance when they are equal: an unchanged
   * virtual host stays the same instance, cheap to compare and to compile.
   */
  ResolvedHost sharingVirtualHostOf(ResolvedHost previous) {
    if (previous == null
        || virtualHost == null
        || virtualHost == previous.virtualHost()
        || !virtualHost.equals(previous.virtualHost())) {
      return this;
    }
    return new ResolvedHost(
        host, previous.virtualHost(), certificate, secretKey, diagnostics, uses);
  }
}
