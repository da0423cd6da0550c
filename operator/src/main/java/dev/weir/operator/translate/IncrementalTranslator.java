package dev.weir.operator.translate;

import static dev.weir.operator.translate.IngressSyntax.DEFAULT_CERTIFICATE;

import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.Certificate;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.VirtualHost;
import dev.weir.operator.annotations.ConfigMapRef;
import dev.weir.operator.annotations.SecretRef;
import dev.weir.operator.state.ClusterIndexes;
import dev.weir.operator.state.ClusterState;
import dev.weir.operator.state.ObjectRef;
import dev.weir.operator.state.ResourceKind;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@link IngressTranslator}'s function, computed by difference: each call gives the translation the
 * full translator would give for the same state (with the last good certificates of the previous
 * call), but only redoes what changed since the previous call.
 *
 * <p>Why this is exact: Ingresses only compete within a host (routes and certificates are claimed
 * per host, oldest Ingress first) and for the default backend, so the snapshot splits into parts
 * that each depend on a few inputs:
 *
 * <ul>
 *   <li>an Ingress's own reading (hosts, paths, TLS entries, syntax diagnostics): on that Ingress
 *       alone, redone when the object instance changes (sources hand out a new instance per
 *       version, and callers never modify them);
 *   <li>a host's virtual host, conflicts and certificate: on the Ingresses claiming it, in age
 *       order, and the outcome of the Secret that wins it;
 *   <li>a backend: on its Service and EndpointSlices (by instance), whoever uses it;
 *   <li>a Secret's outcome: on the Secret (by instance), the readiness of the cert-manager
 *       Certificate writing it (by value), its last good certificate, and time (only up to the
 *       expiry the outcome was decided against, see {@link SecretMemo});
 *   <li>a host's routes also on the Secrets and ConfigMaps their annotations name (by instance);
 *   <li>the default backend: on the Ingresses that set one, in age order.
 * </ul>
 *
 * Finding what changed is one identity comparison per object of a kind that changed, none for a
 * kind the state reports unchanged ({@link ClusterState#version}), so a change at 10,000 Ingresses
 * costs about a millisecond of look-ups plus the translation of what it touches; unchanged virtual
 * hosts, backends and lists stay the same instances from one snapshot to the next, which makes
 * comparing snapshots and compiling them in the data plane cheap too. New options start afresh.
 *
 * <p>Each part is computed by the same piece the full translator uses ({@link ParsedIngress#read},
 * {@link ResolvedHost#resolve}, {@link ResolvedDefaultBackend#resolve}, {@link
 * BackendResolver#resolveOne}, {@link CertificateResolver#resolve}): this class only keeps their
 * results keyed by what they depend on, and decides which to redo.
 *
 * <p>Not thread-safe: one instance per translation loop, called on one thread.
 */
public final class IncrementalTranslator {
  private TranslateOptions options;
  private Set<IngressClass> classes = Set.of();
  // The state's versions of each kind as last translated (ClusterState#version): an unchanged one
  // lets a pass over that kind's dependents be skipped.
  private final Map<ResourceKind, Object> versions = new EnumMap<>(ResourceKind.class);
  // The earliest SecretMemo#validUntil (or earlier): until then no Secret outcome changes by time.
  private Instant secretsValidUntil = Instant.MIN;
  private long generation;
  private final Map<ObjectRef, Known> ingresses = new HashMap<>();
  private final TreeSet<ObjectRef> ours = new TreeSet<>();
  private final Map<String, TreeSet<ParsedIngress>> ruleClaimants = new HashMap<>();
  private final Map<String, TreeSet<ParsedIngress>> tlsClaimants = new HashMap<>();
  private final TreeSet<ParsedIngress> defaultClaimants = new TreeSet<>(ParsedIngress.AGE);
  private final Map<String, ResolvedHost> hosts = new HashMap<>();
  // Hosts whose client authentication reads a Secret an annotation names, with the instance read.
  // Hosts whose settings were read from Secrets of any type (auth-tls-secret, auth-secret).
  private final Map<String, List<ResolvedHost.SecretSeen>> secretReadingHosts = new HashMap<>();
  // Hosts whose routes were read from ConfigMaps (custom-headers), with the instances read.
  private final Map<String, List<RouteHeaders.ConfigMapSeen>> configMapReadingHosts =
      new HashMap<>();
  private final TreeMap<String, VirtualHost> virtualHosts = new TreeMap<>();
  // Hosts that ask for other names (aliases, www redirects), in name order, and what was decided
  // about those names last: decided again over all of them whenever a host changes, since a name
  // depends on every other host (a pass over the few hosts with claims, not over all).
  private final TreeMap<String, ResolvedHost> claimingHosts = new TreeMap<>();
  private SecondaryHosts secondary = SecondaryHosts.NONE;
  private final Map<String, SecretMemo> secrets = new HashMap<>();
  // Memos that lost a host during this call: forgotten at its end if no host took them up.
  private final List<SecretMemo> released = new ArrayList<>();
  private final Map<String, BackendUsers> backendUsers = new HashMap<>();
  private final Map<String, BackendMemo> backends = new TreeMap<>();
  private final Map<String, Integer> certificateUses = new HashMap<>();
  private final TreeMap<String, Certificate> certificates = new TreeMap<>();
  private final TreeMap<Diagnostic, Integer> diagnostics = new TreeMap<>();
  private ResolvedDefaultBackend defaultBackend = ResolvedDefaultBackend.NONE;
  private List<Ingress> considered = List.of();
  private Translation last;
  // After a reset, what the previous translation remembered of its Secrets; empty otherwise.
  private LastGoodCertificates carriedLastGood = LastGoodCertificates.empty();
  private CheckedSecrets carriedChecked = CheckedSecrets.empty();
  private boolean secretsChanged = true;
  // What changed since the last result: unchanged lists are handed out again as the same
  // instances, which the publisher's comparison and the data plane's compile skip whole.
  private boolean hostsChanged = true;
  private boolean backendsChanged = true;
  private boolean certificatesChanged = true;
  private boolean diagnosticsChanged = true;
  private boolean oursChanged = true;

  /** The translation of {@code state}; see the class comment for what is recomputed. */
  public Translation translate(ClusterState state, TranslateOptions options, Instant now) {
    if (!options.equals(this.options)) {
      reset();
      this.options = options;
    }
    generation++;
    Set<String> dirtyHosts = new HashSet<>();
    Set<String> dirtyBackends = new HashSet<>();
    boolean ingressesSame =
        sameVersion(state, ResourceKind.INGRESS) & sameVersion(state, ResourceKind.INGRESS_CLASS);
    boolean secretsSame = sameVersion(state, ResourceKind.SECRET);
    boolean certificatesSame = sameVersion(state, ResourceKind.CERTIFICATE);
    boolean configMapsSame = sameVersion(state, ResourceKind.CONFIG_MAP);
    boolean backendsSame =
        sameVersion(state, ResourceKind.SERVICE) & sameVersion(state, ResourceKind.ENDPOINT_SLICE);
    boolean defaultDirty = !ingressesSame && updateIngresses(state, dirtyHosts);
    if (!secretsSame || !certificatesSame || now.isAfter(secretsValidUntil)) {
      refreshSecrets(state, now, dirtyHosts);
    }
    if (!secretsSame) {
      secretReadingHosts.forEach(
          (host, seen) -> {
            if (seen.stream().anyMatch(s -> referenced(state, s.ref()) != s.seen())) {
              dirtyHosts.add(host);
            }
          });
    }
    if (!configMapsSame) {
      configMapReadingHosts.forEach(
          (host, seen) -> {
            if (seen.stream().anyMatch(s -> configMap(state, s.ref()) != s.seen())) {
              dirtyHosts.add(host);
            }
          });
    }
    for (String host : dirtyHosts) {
      recomputeHost(host, state, now, dirtyBackends);
    }
    if (!dirtyHosts.isEmpty()) {
      recomputeSecondaryHosts();
    }
    // Secrets no host uses any more are forgotten, with their last good certificate (as the
    // full translation keeps them only for the Secrets it used).
    for (SecretMemo m : released) {
      if (m.hosts.isEmpty() && secrets.remove(m.key, m)) {
        secretsChanged = true;
      }
    }
    released.clear();
    if (defaultDirty) {
      recomputeDefaultBackend(dirtyBackends);
    }
    refreshBackends(state, dirtyBackends, !backendsSame || !secretsSame);
    carriedLastGood = LastGoodCertificates.empty();
    carriedChecked = CheckedSecrets.empty();
    return assemble();
  }

  /** Whether {@code kind} is unchanged since the last call; records its version either way. */
  private boolean sameVersion(ClusterState state, ResourceKind kind) {
    Object version = state.version(kind);
    return versions.put(kind, version) == version;
  }

  private void reset() {
    // The last good certificates outlive new options, as they do in the full translation, which
    // gets the previous translation's whatever the options.
    carriedLastGood = last == null ? LastGoodCertificates.empty() : last.lastGoodCertificates();
    carriedChecked = last == null ? CheckedSecrets.empty() : last.checkedSecrets();
    classes = Set.of();
    versions.clear();
    secretsValidUntil = Instant.MIN;
    ingresses.clear();
    ours.clear();
    ruleClaimants.clear();
    tlsClaimants.clear();
    defaultClaimants.clear();
    hosts.clear();
    secretReadingHosts.clear();
    configMapReadingHosts.clear();
    virtualHosts.clear();
    claimingHosts.clear();
    secondary = SecondaryHosts.NONE;
    secrets.clear();
    released.clear();
    backendUsers.clear();
    backends.clear();
    certificateUses.clear();
    certificates.clear();
    diagnostics.clear();
    defaultBackend = ResolvedDefaultBackend.NONE;
    considered = List.of();
    last = null;
    secretsChanged = true;
    hostsChanged = true;
    backendsChanged = true;
    certificatesChanged = true;
    diagnosticsChanged = true;
    oursChanged = true;
  }

  // ---- Ingresses -------------------------------------------------------------------------------

  /** One Ingress as last seen: its instance and, when ours, its reading. */
  private static final class Known {
    Ingress source;
    ParsedIngress parsed;
    long seen;
  }

  /** Returns whether the default backend's claimants changed. */
  private boolean updateIngresses(ClusterState state, Set<String> dirtyHosts) {
    Set<IngressClass> nowClasses = Collections.newSetFromMap(new IdentityHashMap<>());
    nowClasses.addAll(state.ingressClasses());
    // Which Ingresses are ours depends on the classes: any class change re-asks every Ingress.
    boolean refilter = !nowClasses.equals(classes);
    classes = nowClasses;
    IngressClassFilter filter = new IngressClassFilter(state, options);
    boolean defaultDirty = false;
    considered = state.ingresses();
    for (Ingress ingress : considered) {
      if (ingress.getMetadata() == null) {
        continue;
      }
      ObjectRef ref = ParsedIngress.ref(ingress);
      Known known = ingresses.get(ref);
      if (known != null && known.source == ingress) {
        known.seen = generation;
        if (!refilter || filter.isOurs(ingress) == (known.parsed != null)) {
          continue;
        }
      }
      if (known == null) {
        known = new Known();
        ingresses.put(ref, known);
      }
      ParsedIngress parsed =
          filter.isOurs(ingress) ? ParsedIngress.read(ingress, options.annotationDefaults()) : null;
      defaultDirty |= replace(known.parsed, parsed, dirtyHosts);
      known.source = ingress;
      known.parsed = parsed;
      known.seen = generation;
    }
    for (Iterator<Known> it = ingresses.values().iterator(); it.hasNext(); ) {
      Known known = it.next();
      if (known.seen != generation) {
        defaultDirty |= replace(known.parsed, null, dirtyHosts);
        it.remove();
      }
    }
    return defaultDirty;
  }

  private boolean replace(ParsedIngress old, ParsedIngress next, Set<String> dirtyHosts) {
    boolean defaultDirty = false;
    if (old != null) {
      oursChanged |= ours.remove(old.ref());
      count(old.diagnostics(), -1);
      old.rules().keySet().forEach(h -> unclaim(ruleClaimants, h, old, dirtyHosts));
      old.tls().keySet().forEach(h -> unclaim(tlsClaimants, h, old, dirtyHosts));
      defaultDirty |= old.defaultBackend() != null && defaultClaimants.remove(old);
    }
    if (next != null) {
      oursChanged |= ours.add(next.ref());
      count(next.diagnostics(), 1);
      next.rules().keySet().forEach(h -> claim(ruleClaimants, h, next, dirtyHosts));
      next.tls().keySet().forEach(h -> claim(tlsClaimants, h, next, dirtyHosts));
      defaultDirty |= next.defaultBackend() != null && defaultClaimants.add(next);
    }
    return defaultDirty;
  }

  private static void claim(
      Map<String, TreeSet<ParsedIngress>> index,
      String host,
      ParsedIngress p,
      Set<String> dirtyHosts) {
    index.computeIfAbsent(host, h -> new TreeSet<>(ParsedIngress.AGE)).add(p);
    dirtyHosts.add(host);
  }

  private static void unclaim(
      Map<String, TreeSet<ParsedIngress>> index,
      String host,
      ParsedIngress p,
      Set<String> dirtyHosts) {
    TreeSet<ParsedIngress> set = index.get(host);
    if (set != null) {
      set.remove(p);
      if (set.isEmpty()) {
        index.remove(host);
      }
    }
    dirtyHosts.add(host);
  }

  // ---- Secrets ---------------------------------------------------------------------------------

  /**
   * One Secret's outcome, reused while the Secret is the same instance and {@code now} is not past
   * {@code validUntil}: the earliest expiry the outcome was decided against (the chain's, or the
   * carried last good certificate's), after which the full translation would decide differently. An
   * expired chain is checked again every time, as the full translation does (which chain
   * certificate its message names depends on the time).
   */
  private static final class SecretMemo {
    final String key;
    final String namespace;
    final String name;
    final Set<String> hosts = new HashSet<>();
    Secret source;
    CertificateReadiness issuer;
    CertificateResolver.Resolved resolved;
    Instant validUntil;

    SecretMemo(String key, String namespace, String name) {
      this.key = key;
      this.namespace = namespace;
      this.name = name;
    }

    void set(Secret secret, CertificateReadiness readiness, CertificateResolver.Resolved r) {
      source = secret;
      issuer = readiness;
      resolved = r;
      validUntil = validUntil(r);
    }

    private static Instant validUntil(CertificateResolver.Resolved r) {
      if (r.outcome().problem() == Reason.CERTIFICATE_EXPIRED) {
        return Instant.MIN;
      }
      Instant until = Instant.MAX;
      if (r.checked() != null && r.checked().result().chainNotAfter() != null) {
        until = r.checked().result().chainNotAfter();
      }
      if (r.lastGood() != null && r.lastGood().notAfter().isBefore(until)) {
        until = r.lastGood().notAfter();
      }
      return until;
    }
  }

  private void refreshSecrets(ClusterState state, Instant now, Set<String> dirtyHosts) {
    Instant earliest = Instant.MAX;
    for (SecretMemo m : secrets.values()) {
      Secret current = state.tlsSecret(m.namespace, m.name).orElse(null);
      CertificateReadiness issuer = readiness(state, m.namespace, m.name);
      if (current == m.source && Objects.equals(issuer, m.issuer) && !now.isAfter(m.validUntil)) {
        earliest = m.validUntil.isBefore(earliest) ? m.validUntil : earliest;
        continue;
      }
      CertificateResolver.Resolved r =
          CertificateResolver.resolve(
              m.key, current, issuer, m.resolved.lastGood(), m.resolved.checked(), now);
      if (!r.outcome().equals(m.resolved.outcome())) {
        dirtyHosts.addAll(m.hosts);
      }
      m.set(current, issuer, r);
      secretsChanged = true;
      earliest = m.validUntil.isBefore(earliest) ? m.validUntil : earliest;
    }
    secretsValidUntil = earliest;
  }

  private static CertificateReadiness readiness(
      ClusterState state, String namespace, String secretName) {
    return CertificateReadiness.of(state.certificateForSecret(namespace, secretName).orElse(null));
  }

  private SecretMemo secret(String namespace, String name, ClusterState state, Instant now) {
    String key = ClusterIndexes.key(namespace, name);
    SecretMemo m = secrets.get(key);
    if (m == null) {
      // Not used by the previous translation, so it has no last good certificate (as in the full
      // translation, which keeps them only for the Secrets it used), unless new options made this
      // translator start afresh.
      m = new SecretMemo(key, namespace, name);
      Secret secret = state.tlsSecret(namespace, name).orElse(null);
      CertificateReadiness issuer = readiness(state, namespace, name);
      m.set(
          secret,
          issuer,
          CertificateResolver.resolve(
              key, secret, issuer, carriedLastGood.entry(key), carriedChecked.entry(key), now));
      secrets.put(key, m);
      if (m.validUntil.isBefore(secretsValidUntil)) {
        secretsValidUntil = m.validUntil;
      }
      secretsChanged = true;
    }
    return m;
  }

  // ---- Hosts -----------------------------------------------------------------------------------

  private void recomputeHost(
      String host, ClusterState state, Instant now, Set<String> dirtyBackends) {
    ResolvedHost old = hosts.get(host);
    TreeSet<ParsedIngress> ruled = ruleClaimants.get(host);
    TreeSet<ParsedIngress> tlsNamed = tlsClaimants.get(host);
    ResolvedHost next = null;
    if (ruled != null || tlsNamed != null) {
      next =
          ResolvedHost.resolve(
                  host,
                  ruled == null ? List.of() : ruled,
                  tlsNamed == null ? List.of() : tlsNamed,
                  (namespace, name) -> secret(namespace, name, state, now).resolved.outcome(),
                  (namespace, name) -> state.referencedSecret(namespace, name).orElse(null),
                  (namespace, name) -> state.referencedConfigMap(namespace, name).orElse(null),
                  options.https(),
                  options.allowedResponseHeaders(),
                  options.retry().policy())
              .sharingVirtualHostOf(old);
    }

    if (old != null) {
      count(old.diagnostics(), -1);
      old.uses().forEach(u -> unuse(u, dirtyBackends));
      if (old.secretKey() != null) {
        SecretMemo memo = secrets.get(old.secretKey());
        if (memo != null) {
          memo.hosts.remove(host);
          released.add(memo);
        }
      }
      Certificate oldCertificate = old.usedCertificate();
      if (oldCertificate != null) {
        releaseCertificate(oldCertificate.id());
      }
    }
    if (next != null) {
      count(next.diagnostics(), 1);
      next.uses().forEach(this::use);
      next.uses().forEach(u -> dirtyBackends.add(u.id()));
      if (next.secretKey() != null) {
        secrets.get(next.secretKey()).hosts.add(host);
      }
      Certificate nextCertificate = next.usedCertificate();
      if (nextCertificate != null) {
        useCertificate(nextCertificate);
      }
      hosts.put(host, next);
    } else {
      hosts.remove(host);
    }
    if (next != null && !next.secretsSeen().isEmpty()) {
      secretReadingHosts.put(host, next.secretsSeen());
    } else {
      secretReadingHosts.remove(host);
    }
    if (next != null && !next.configMapsSeen().isEmpty()) {
      configMapReadingHosts.put(host, next.configMapsSeen());
    } else {
      configMapReadingHosts.remove(host);
    }
    if (next != null && !next.claims().isEmpty()) {
      claimingHosts.put(host, next);
    } else {
      claimingHosts.remove(host);
    }
    VirtualHost before;
    if (next != null && next.virtualHost() != null) {
      before = virtualHosts.put(host, next.virtualHost());
    } else if (old != null && old.virtualHost() != null) {
      before = virtualHosts.remove(host);
    } else {
      // No virtual host of its own before or now: the name may be another host's alias.
      before = null;
    }
    hostsChanged |= before != (next == null ? null : next.virtualHost());
  }

  /**
   * Decides the names hosts ask for besides their own again ({@link SecondaryHosts}), keeping the
   * instance of each virtual host that did not change.
   */
  private void recomputeSecondaryHosts() {
    SecondaryHosts next =
        SecondaryHosts.resolve(
            claimingHosts.values(),
            name -> {
              ResolvedHost h = hosts.get(name);
              return h != null && h.virtualHost() != null;
            });
    if (next.equals(secondary)) {
      return;
    }
    count(secondary.diagnostics(), -1);
    count(next.diagnostics(), 1);
    Map<String, VirtualHost> kept = new TreeMap<>(next.virtualHosts());
    secondary
        .virtualHosts()
        .forEach(
            (name, old) -> {
              // A name that became a host of its own is that host's now.
              if (virtualHosts.get(name) == old) {
                virtualHosts.remove(name);
                hostsChanged = true;
              }
              if (old.equals(kept.get(name))) {
                kept.put(name, old);
              }
            });
    kept.forEach((name, vhost) -> hostsChanged |= virtualHosts.put(name, vhost) != vhost);
    secondary = new SecondaryHosts(kept, next.diagnostics());
  }

  /** Counts one more use of {@code certificate} (by a host, or by a backend as its client's). */
  private void useCertificate(Certificate certificate) {
    if (certificateUses.merge(certificate.id(), 1, Integer::sum) == 1) {
      certificates.put(certificate.id(), certificate);
      certificatesChanged = true;
    }
  }

  private void releaseCertificate(String id) {
    if (certificateUses.merge(id, -1, Integer::sum) <= 0) {
      certificateUses.remove(id);
      certificates.remove(id);
      certificatesChanged = true;
    }
  }

  // ---- Default backend -------------------------------------------------------------------------

  private void recomputeDefaultBackend(Set<String> dirtyBackends) {
    ResolvedDefaultBackend old = defaultBackend;
    ResolvedDefaultBackend next = ResolvedDefaultBackend.resolve(defaultClaimants);
    count(old.diagnostics(), -1);
    old.uses().forEach(u -> unuse(u, dirtyBackends));
    count(next.diagnostics(), 1);
    next.uses().forEach(this::use);
    next.uses().forEach(u -> dirtyBackends.add(u.id()));
    defaultBackend = next;
  }

  // ---- Backends --------------------------------------------------------------------------------

  /** Who uses a backend id (counted per use), and one way to resolve it (the id decides it). */
  private static final class BackendUsers {
    final BackendUse use;
    final String namespace;
    final IngressBackend backend;
    final Map<ObjectRef, Integer> users = new HashMap<>();

    BackendUsers(BackendUse use) {
      this.use = use;
      this.namespace = use.namespace();
      this.backend = use.backend();
    }
  }

  /** A resolved backend and the Service and EndpointSlice instances it was resolved from. */
  private record BackendMemo(
      Service service,
      List<EndpointSlice> slices,
      BackendResolver.Resolution resolution,
      List<Diagnostic> diagnostics) {}

  private void use(BackendUse u) {
    backendUsers
        .computeIfAbsent(u.id(), id -> new BackendUsers(u))
        .users
        .merge(u.user(), 1, Integer::sum);
  }

  private void unuse(BackendUse u, Set<String> dirtyBackends) {
    BackendUsers b = backendUsers.get(u.id());
    if (b != null && b.users.merge(u.user(), -1, Integer::sum) <= 0) {
      b.users.remove(u.user());
      if (b.users.isEmpty()) {
        backendUsers.remove(u.id());
      }
    }
    dirtyBackends.add(u.id());
  }

  /**
   * @param inputsMayDiffer some Service or EndpointSlice may have changed
   */
  private void refreshBackends(
      ClusterState state, Set<String> dirtyBackends, boolean inputsMayDiffer) {
    // Services and EndpointSlices are not listed by the state: ask for each backend's own.
    for (Map.Entry<String, BackendMemo> e :
        inputsMayDiffer ? backends.entrySet() : Set.<Map.Entry<String, BackendMemo>>of()) {
      BackendUsers b = backendUsers.get(e.getKey());
      if (b == null || !sameInputs(state, b, e.getValue())) {
        dirtyBackends.add(e.getKey());
      }
    }
    for (String id : dirtyBackends) {
      BackendMemo old = backends.get(id);
      BackendUsers b = backendUsers.get(id);
      if (b == null) {
        if (old != null) {
          count(old.diagnostics(), -1);
          releaseClientCertificate(old);
          backends.remove(id);
          backendsChanged = true;
        }
        continue;
      }
      BackendResolver.Resolution resolution;
      Service service = null;
      List<EndpointSlice> slices = List.of();
      if (old != null && sameInputs(state, b, old)) {
        resolution = old.resolution();
        service = old.service();
        slices = old.slices();
      } else {
        if (b.backend.getService() != null) {
          String name = b.backend.getService().getName();
          service = state.service(b.namespace, name).orElse(null);
          slices = List.copyOf(state.endpointSlices(b.namespace, name));
        }
        resolution = BackendResolver.resolveOne(state, options, b.use);
        if (old != null && resolution.backend().equals(old.resolution().backend())) {
          resolution =
              new BackendResolver.Resolution(
                  old.resolution().backend(),
                  resolution.problems(),
                  resolution.sliceDiagnostics(),
                  resolution.clientCertificate(),
                  resolution.secret());
        }
      }
      List<Diagnostic> found = new ArrayList<>(resolution.sliceDiagnostics());
      for (ObjectRef user : b.users.keySet()) {
        for (BackendResolver.Problem p : resolution.problems()) {
          found.add(new Diagnostic(user, p.reason(), p.message()));
        }
      }
      if (old != null) {
        count(old.diagnostics(), -1);
      }
      count(found, 1);
      backendsChanged |= old == null || old.resolution().backend() != resolution.backend();
      BackendMemo next = new BackendMemo(service, slices, resolution, List.copyOf(found));
      if (next.resolution().clientCertificate() != null) {
        useCertificate(next.resolution().clientCertificate());
      }
      if (old != null) {
        releaseClientCertificate(old);
      }
      backends.put(id, next);
    }
  }

  private void releaseClientCertificate(BackendMemo memo) {
    if (memo.resolution().clientCertificate() != null) {
      releaseCertificate(memo.resolution().clientCertificate().id());
    }
  }

  private static Secret referenced(ClusterState state, SecretRef ref) {
    return state.referencedSecret(ref.namespace(), ref.name()).orElse(null);
  }

  private static ConfigMap configMap(ClusterState state, ConfigMapRef ref) {
    return state.referencedConfigMap(ref.namespace(), ref.name()).orElse(null);
  }

  private static boolean sameInputs(ClusterState state, BackendUsers b, BackendMemo memo) {
    SecretRef secret = BackendSettings.secret(b.use.settings());
    if (secret != null && referenced(state, secret) != memo.resolution().secret()) {
      return false;
    }
    if (b.backend.getService() == null) {
      return true; // a resource backend: nothing to look up
    }
    String name = b.backend.getService().getName();
    if (state.service(b.namespace, name).orElse(null) != memo.service()) {
      return false;
    }
    List<EndpointSlice> slices = state.endpointSlices(b.namespace, name);
    if (slices.size() != memo.slices().size()) {
      return false;
    }
    for (int i = 0; i < slices.size(); i++) {
      if (slices.get(i) != memo.slices().get(i)) {
        return false;
      }
    }
    return true;
  }

  // ---- Result ----------------------------------------------------------------------------------

  private Translation assemble() {
    Snapshot previous = last == null ? null : last.snapshot();
    List<VirtualHost> vhosts =
        hostsChanged || previous == null
            ? List.copyOf(virtualHosts.values())
            : previous.virtualHosts();
    List<Backend> used;
    if (backendsChanged || previous == null) {
      List<Backend> list = new ArrayList<>(backends.size());
      for (BackendMemo m : backends.values()) {
        list.add(m.resolution().backend());
      }
      used = List.copyOf(list);
    } else {
      used = previous.backends();
    }
    List<Certificate> certificateList =
        certificatesChanged || previous == null
            ? List.copyOf(certificates.values())
            : previous.certificates();
    ResolvedHost defaultCertificateHost = hosts.get(DEFAULT_CERTIFICATE);
    Snapshot snapshot =
        IngressTranslator.snapshot(
            options,
            vhosts,
            used,
            certificateList,
            defaultBackend.backend(),
            defaultCertificateHost == null || defaultCertificateHost.certificate() == null
                ? null
                : defaultCertificateHost.certificate().id());
    List<Diagnostic> diagnosticList =
        diagnosticsChanged || last == null ? List.copyOf(diagnostics.keySet()) : last.diagnostics();
    List<ObjectRef> ourList = oursChanged || last == null ? List.copyOf(ours) : last.ingresses();
    hostsChanged = backendsChanged = certificatesChanged = diagnosticsChanged = oursChanged = false;
    LastGoodCertificates lastGood;
    CheckedSecrets checked;
    if (secretsChanged || last == null) {
      LastGoodCertificates.Builder lg = new LastGoodCertificates.Builder();
      CheckedSecrets.Builder cs = new CheckedSecrets.Builder();
      for (SecretMemo m : secrets.values()) {
        if (m.resolved.lastGood() != null) {
          lg.put(m.key, m.resolved.lastGood());
        }
        if (m.resolved.checked() != null) {
          cs.put(m.key, m.resolved.checked());
        }
      }
      lastGood = lg.build();
      checked = cs.build();
      secretsChanged = false;
    } else {
      lastGood = last.lastGoodCertificates();
      checked = last.checkedSecrets();
    }
    last = new Translation(snapshot, diagnosticList, lastGood, ourList, checked, considered);
    return last;
  }

  /** Adds ({@code delta} 1) or takes away (-1) one contribution of each diagnostic. */
  private void count(List<Diagnostic> list, int delta) {
    for (Diagnostic d : list) {
      int now = diagnostics.merge(d, delta, Integer::sum);
      if (now <= 0) {
        diagnostics.remove(d);
      }
      diagnosticsChanged |= now <= 0 || (now == 1 && delta > 0);
    }
  }
}
