package dev.weir.operator.translate;

import static dev.weir.operator.translate.IngressSyntax.DEFAULT_CERTIFICATE;

import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.Certificate;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.VirtualHost;
import dev.weir.operator.state.ClusterState;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Cluster state to {@link Snapshot}: a pure function. It reads only the state, the options, the
 * last good certificates and the clock value passed in, and returns problems as diagnostics instead
 * of logging or writing them, so it can be tested with tables and run anywhere.
 *
 * <p>Read all, resolve all: every Ingress of ours is read on its own ({@link ParsedIngress}), then
 * every host is resolved from the Ingresses that claim it ({@link ResolvedHost}) and the default
 * backend from those that set one ({@link ResolvedDefaultBackend}); last, the backends the winners
 * use are resolved. Where Ingresses disagree (the same host, path and path type; the default
 * backend; the certificate of a host) the oldest Ingress wins, then the lower {@code
 * namespace/name}; the others get a diagnostic. Annotations become settings the same way: a route's
 * from the Ingress that owns its path, a host's from its oldest Ingress that sets them, a backend's
 * from its id ({@link BackendSettings}). Names that stand for a host (aliases, the other name of a
 * www redirect) are decided after all hosts ({@link SecondaryHosts}). Output is sorted throughout,
 * so equal input gives a byte-identical snapshot.
 *
 * <p>This is the specification: the operator's loop runs {@link IncrementalTranslator}, which
 * memoises the same pieces and is tested against this one.
 */
public final class IngressTranslator {

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
    IngressClassFilter filter = new IngressClassFilter(state, options);
    List<Ingress> considered = state.ingresses();
    List<ParsedIngress> ours =
        considered.stream()
            .filter(i -> i.getMetadata() != null && filter.isOurs(i))
            .map(i -> ParsedIngress.read(i, options.annotationDefaults()))
            .sorted(ParsedIngress.AGE)
            .toList();

    SortedSet<Diagnostic> diagnostics = new TreeSet<>();
    Map<String, List<ParsedIngress>> ruled = new TreeMap<>();
    Map<String, List<ParsedIngress>> tlsNamed = new TreeMap<>();
    List<ParsedIngress> defaultClaimants = new ArrayList<>();
    for (ParsedIngress p : ours) {
      diagnostics.addAll(p.diagnostics());
      p.rules().keySet().forEach(h -> ruled.computeIfAbsent(h, x -> new ArrayList<>()).add(p));
      p.tls().keySet().forEach(h -> tlsNamed.computeIfAbsent(h, x -> new ArrayList<>()).add(p));
      if (p.defaultBackend() != null) {
        defaultClaimants.add(p);
      }
    }

    CertificateResolver certificates = new CertificateResolver(state, previous, checked, now);
    SortedSet<String> hostNames = new TreeSet<>(ruled.keySet());
    hostNames.addAll(tlsNamed.keySet());
    List<ResolvedHost> hosts = new ArrayList<>();
    for (String host : hostNames) {
      hosts.add(
          ResolvedHost.resolve(
              host,
              ruled.getOrDefault(host, List.of()),
              tlsNamed.getOrDefault(host, List.of()),
              certificates::resolve,
              (namespace, name) -> state.referencedSecret(namespace, name).orElse(null),
              (namespace, name) -> state.referencedConfigMap(namespace, name).orElse(null),
              options.https(),
              options.allowedResponseHeaders(),
              options.retry().policy()));
    }
    ResolvedDefaultBackend defaultBackend = ResolvedDefaultBackend.resolve(defaultClaimants);

    BackendResolver backends = new BackendResolver(state, options, diagnostics::add);
    Map<String, VirtualHost> virtualHosts = new TreeMap<>();
    Map<String, Certificate> used = new TreeMap<>();
    String defaultCertificate = null;
    for (ResolvedHost h : hosts) {
      diagnostics.addAll(h.diagnostics());
      h.uses().forEach(backends::use);
      if (h.virtualHost() != null) {
        virtualHosts.put(h.host(), h.virtualHost());
      }
      Certificate certificate = h.usedCertificate();
      if (certificate != null) {
        used.put(certificate.id(), certificate);
        if (h.host().equals(DEFAULT_CERTIFICATE)) {
          defaultCertificate = certificate.id();
        }
      }
    }
    SecondaryHosts secondary =
        SecondaryHosts.resolve(
            hosts.stream().filter(h -> !h.claims().isEmpty()).toList(), virtualHosts::containsKey);
    diagnostics.addAll(secondary.diagnostics());
    virtualHosts.putAll(secondary.virtualHosts());
    diagnostics.addAll(defaultBackend.diagnostics());
    defaultBackend.uses().forEach(backends::use);
    used.putAll(backends.clientCertificates());

    return new Translation(
        snapshot(
            options,
            List.copyOf(virtualHosts.values()),
            backends.backends(),
            List.copyOf(used.values()),
            defaultBackend.backend(),
            defaultCertificate),
        List.copyOf(diagnostics),
        certificates.lastGood(),
        ours.stream().map(ParsedIngress::ref).sorted().toList(),
        certificates.checkedSecrets(),
        considered);
  }

  /**
   * The snapshot of a translation, version 0 (the publisher sets it): the one place both
   * translators build it.
   */
  static Snapshot snapshot(
      TranslateOptions options,
      List<VirtualHost> virtualHosts,
      List<Backend> backends,
      List<Certificate> certificates,
      String defaultBackend,
      String defaultCertificate) {
    return Snapshot.builder()
        .settings(options.settings())
        .virtualHosts(virtualHosts)
        .backends(backends)
        .certificates(certificates)
        .defaultBackend(defaultBackend)
        .defaultCertificate(defaultCertificate)
        .build();
  }
}
