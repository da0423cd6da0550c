package dev.weir.operator.translate;

import static dev.weir.operator.translate.IngressSyntax.DEFAULT_CERTIFICATE;

import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.Certificate;
import dev.weir.contract.snapshot.PathType;
import dev.weir.contract.snapshot.Route;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.VirtualHost;
import dev.weir.operator.state.ClusterIndexes;
import dev.weir.operator.state.ClusterState;
import dev.weir.operator.state.ObjectRef;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressSpec;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 *   <li>a Secret's outcome: on the Secret (by instance), its last good certificate, and time (only
 *       up to the expiry the outcome was decided against, see {@link SecretMemo});
 *   <li>the default backend: on the Ingresses that set one, in age order.
 * </ul>
 *
 * Finding what changed is one identity comparison per object of a kind that changed, none for a
 * kind the state reports unchanged ({@link ClusterState#version}), so a change at 10,000 Ingresses
 * costs about a millisecond of look-ups plus the translation of what it touches; unchanged virtual
 * hosts, backends and lists stay the same instances from one snapshot to the next, which makes
 * comparing snapshots and compiling them in the data plane cheap too. New options start afresh.
 *
 * <p>Not thread-safe: one instance per translation loop, called on one thread.
 */
public final class IncrementalTranslator {
  private static final Comparator<ParsedIngress> AGE =
      Comparator.comparing(ParsedIngress::created, Comparator.nullsLast(Comparator.naturalOrder()))
          .thenComparing((ParsedIngress p) -> p.ref().namespace())
          .thenComparing((ParsedIngress p) -> p.ref().name());

  private TranslateOptions options;
  private Set<IngressClass> classes = Set.of();
  // The state's versions of each kind as last translated (ClusterState#version): an unchanged one
  // lets a pass over that kind's dependents be skipped.
  private final Map<String, Object> versions = new HashMap<>();
  // The earliest SecretMemo#validUntil (or earlier): until then no Secret outcome changes by time.
  private Instant secretsValidUntil = Instant.MIN;
  private long generation;
  private final Map<ObjectRef, Known> ingresses = new HashMap<>();
  private final TreeSet<ObjectRef> ours = new TreeSet<>();
  private final Map<String, TreeSet<ParsedIngress>> ruleClaimants = new HashMap<>();
  private final Map<String, TreeSet<ParsedIngress>> tlsClaimants = new HashMap<>();
  private final TreeSet<ParsedIngress> defaultClaimants = new TreeSet<>(AGE);
  private final Map<String, HostResult> hosts = new HashMap<>();
  private final TreeMap<String, VirtualHost> virtualHosts = new TreeMap<>();
  private final Map<String, SecretMemo> secrets = new HashMap<>();
  // Memos that lost a host during this call: forgotten at its end if no host took them up.
  private final List<SecretMemo> released = new ArrayList<>();
  private final Map<String, BackendUsers> backendUsers = new HashMap<>();
  private final Map<String, BackendMemo> backends = new TreeMap<>();
  private final Map<String, Integer> certificateUses = new HashMap<>();
  private final TreeMap<String, Certificate> certificates = new TreeMap<>();
  private final TreeMap<Diagnostic, Integer> diagnostics = new TreeMap<>();
  private DefaultResult defaultBackend = DefaultResult.NONE;
  private Translation last;
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
    boolean ingressesSame = sameVersion(state, "Ingress") & sameVersion(state, "IngressClass");
    boolean secretsSame = sameVersion(state, "Secret");
    boolean backendsSame = sameVersion(state, "Service") & sameVersion(state, "EndpointSlice");
    boolean defaultDirty = !ingressesSame && updateIngresses(state, dirtyHosts);
    if (!secretsSame || now.isAfter(secretsValidUntil)) {
      refreshSecrets(state, now, dirtyHosts);
    }
    for (String host : dirtyHosts) {
      recomputeHost(host, state, now, dirtyBackends);
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
    refreshBackends(state, dirtyBackends, !backendsSame);
    return assemble();
  }

  /** Whether {@code kind} is unchanged since the last call; records its version either way. */
  private boolean sameVersion(ClusterState state, String kind) {
    Object version = state.version(kind);
    return versions.put(kind, version) == version;
  }

  private void reset() {
    classes = Set.of();
    versions.clear();
    secretsValidUntil = Instant.MIN;
    ingresses.clear();
    ours.clear();
    ruleClaimants.clear();
    tlsClaimants.clear();
    defaultClaimants.clear();
    hosts.clear();
    virtualHosts.clear();
    secrets.clear();
    released.clear();
    backendUsers.clear();
    backends.clear();
    certificateUses.clear();
    certificates.clear();
    diagnostics.clear();
    defaultBackend = DefaultResult.NONE;
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
    for (Ingress ingress : state.ingresses()) {
      if (ingress.getMetadata() == null) {
        continue;
      }
      ObjectRef ref = IngressTranslator.ref(ingress);
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
      ParsedIngress parsed = filter.isOurs(ingress) ? ParsedIngress.of(ingress, ref) : null;
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
    index.computeIfAbsent(host, h -> new TreeSet<>(AGE)).add(p);
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
    CertificateResolver.Resolved resolved;
    Instant validUntil;

    SecretMemo(String key, String namespace, String name) {
      this.key = key;
      this.namespace = namespace;
      this.name = name;
    }

    void set(Secret secret, CertificateResolver.Resolved r) {
      source = secret;
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
      if (current == m.source && !now.isAfter(m.validUntil)) {
        earliest = m.validUntil.isBefore(earliest) ? m.validUntil : earliest;
        continue;
      }
      CertificateResolver.Resolved r =
          CertificateResolver.resolve(
              m.key, current, m.resolved.lastGood(), m.resolved.checked(), now);
      if (!r.outcome().equals(m.resolved.outcome())) {
        dirtyHosts.addAll(m.hosts);
      }
      m.set(current, r);
      secretsChanged = true;
      earliest = m.validUntil.isBefore(earliest) ? m.validUntil : earliest;
    }
    secretsValidUntil = earliest;
  }

  private SecretMemo secret(String namespace, String name, ClusterState state, Instant now) {
    String key = ClusterIndexes.key(namespace, name);
    SecretMemo m = secrets.get(key);
    if (m == null) {
      // Not used by the previous translation, so it has no last good certificate (as in the full
      // translation, which keeps them only for the Secrets it used).
      m = new SecretMemo(key, namespace, name);
      Secret secret = state.tlsSecret(namespace, name).orElse(null);
      m.set(secret, CertificateResolver.resolve(key, secret, null, null, now));
      secrets.put(key, m);
      if (m.validUntil.isBefore(secretsValidUntil)) {
        secretsValidUntil = m.validUntil;
      }
      secretsChanged = true;
    }
    return m;
  }

  // ---- Hosts -----------------------------------------------------------------------------------

  /**
   * What one host contributes: its virtual host (null for a host only named by TLS entries), the
   * certificate it uses (for {@code ""}: the default certificate), the Secret that won it, its
   * diagnostics and the backends its routes use.
   */
  private record HostResult(
      VirtualHost virtualHost,
      Certificate certificate,
      String secretKey,
      List<Diagnostic> diagnostics,
      List<Use> uses) {
    String certificateId() {
      return certificate == null ? null : certificate.id();
    }
  }

  /** A backend id used by an Ingress; namespace and backend say how to resolve the id. */
  private record Use(ObjectRef user, String id, String namespace, IngressBackend backend) {}

  private void recomputeHost(
      String host, ClusterState state, Instant now, Set<String> dirtyBackends) {
    HostResult old = hosts.get(host);
    TreeSet<ParsedIngress> ruled = ruleClaimants.get(host);
    TreeSet<ParsedIngress> tlsNamed = tlsClaimants.get(host);
    HostResult next = null;
    if (ruled != null || tlsNamed != null) {
      List<Diagnostic> found = new ArrayList<>();
      List<Use> uses = new ArrayList<>();
      TreeMap<IngressTranslator.RouteKey, IngressTranslator.Claim> routes = new TreeMap<>();
      if (ruled != null) {
        for (ParsedIngress p : ruled) {
          for (PathClaim c : p.rules().get(host)) {
            IngressTranslator.Claim existing = routes.get(c.key());
            if (existing != null) {
              if (!existing.backend().equals(c.id())) {
                found.add(
                    new Diagnostic(
                        p.ref(),
                        Reason.CONFLICTING_PATH,
                        "host "
                            + host
                            + " "
                            + IngressTranslator.label(c.key().type())
                            + " path "
                            + c.key().path()
                            + " is ignored: "
                            + (existing.owner().equals(p.ref())
                                ? "this Ingress lists it before with another backend"
                                : existing.owner() + " routes it and is older")));
              }
              continue;
            }
            routes.put(c.key(), new IngressTranslator.Claim(p.ref(), c.id()));
            uses.add(new Use(p.ref(), c.id(), p.ref().namespace(), c.backend()));
          }
        }
      }
      IngressTranslator.Claim winner = null;
      if (tlsNamed != null) {
        for (ParsedIngress p : tlsNamed) {
          for (String secretName : p.tls().get(host)) {
            if (winner == null) {
              winner = new IngressTranslator.Claim(p.ref(), secretName);
            } else if (!winner.owner().namespace().equals(p.ref().namespace())
                || !winner.backend().equals(secretName)) {
              found.add(
                  new Diagnostic(
                      p.ref(),
                      Reason.CONFLICTING_CERTIFICATE,
                      (host.isEmpty()
                              ? "the default certificate"
                              : "the certificate of host " + host)
                          + " comes from Secret "
                          + winner.owner().namespace()
                          + "/"
                          + winner.backend()
                          + " of "
                          + winner.owner()
                          + ", which is older; Secret "
                          + secretName
                          + " is not used for it"));
            }
          }
        }
      }
      Certificate certificate = null;
      boolean retain = false;
      String secretKey = null;
      if (winner != null) {
        SecretMemo memo = secret(winner.owner().namespace(), winner.backend(), state, now);
        secretKey = memo.key;
        CertificateResolver.Outcome outcome = memo.resolved.outcome();
        if (outcome.problem() != null) {
          found.add(new Diagnostic(winner.owner(), outcome.problem(), outcome.message()));
        }
        certificate = outcome.certificate();
        retain =
            certificate == null
                && outcome.retain()
                && !host.equals(DEFAULT_CERTIFICATE)
                && !host.equals(VirtualHost.ANY_HOST);
      }
      VirtualHost virtualHost = null;
      if (ruled != null) {
        List<Route> list = new ArrayList<>(routes.size());
        routes.forEach((k, claim) -> list.add(new Route(k.type(), k.path(), claim.backend())));
        virtualHost =
            retain
                ? VirtualHost.retainingCertificate(host, list, null)
                : new VirtualHost(host, certificate == null ? null : certificate.id(), list, null);
        if (old != null && virtualHost.equals(old.virtualHost())) {
          virtualHost = old.virtualHost(); // the same instance: cheap to compare and to compile
        }
      }
      next =
          new HostResult(
              virtualHost, certificate, secretKey, List.copyOf(found), List.copyOf(uses));
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
      String oldCertificate = usedCertificate(host, old);
      if (oldCertificate != null) {
        releaseCertificate(oldCertificate);
      }
    }
    if (next != null) {
      count(next.diagnostics(), 1);
      next.uses().forEach(this::use);
      next.uses().forEach(u -> dirtyBackends.add(u.id()));
      if (next.secretKey() != null) {
        secrets.get(next.secretKey()).hosts.add(host);
      }
      String nextCertificate = usedCertificate(host, next);
      if (nextCertificate != null) {
        if (certificateUses.merge(nextCertificate, 1, Integer::sum) == 1) {
          certificates.put(nextCertificate, next.certificate());
          certificatesChanged = true;
        }
      }
      hosts.put(host, next);
    } else {
      hosts.remove(host);
    }
    VirtualHost before =
        next != null && next.virtualHost() != null
            ? virtualHosts.put(host, next.virtualHost())
            : virtualHosts.remove(host);
    hostsChanged |= before != (next == null ? null : next.virtualHost());
  }

  /**
   * The certificate a host puts in the snapshot: its virtual host's, or for {@code ""} the default
   * one. A TLS entry for a host no rule routes resolves its Secret but ships nothing.
   */
  private static String usedCertificate(String host, HostResult result) {
    if (host.equals(DEFAULT_CERTIFICATE)) {
      return result.certificateId();
    }
    return result.virtualHost() == null ? null : result.virtualHost().certificate();
  }

  private void releaseCertificate(String id) {
    if (certificateUses.merge(id, -1, Integer::sum) <= 0) {
      certificateUses.remove(id);
      certificates.remove(id);
      certificatesChanged = true;
    }
  }

  // ---- Default backend -------------------------------------------------------------------------

  private record DefaultResult(String backend, List<Diagnostic> diagnostics, List<Use> uses) {
    static final DefaultResult NONE = new DefaultResult(null, List.of(), List.of());
  }

  private void recomputeDefaultBackend(Set<String> dirtyBackends) {
    DefaultResult old = defaultBackend;
    ParsedIngress winner = null;
    List<Diagnostic> found = new ArrayList<>();
    for (ParsedIngress p : defaultClaimants) {
      if (winner == null) {
        winner = p;
      } else if (!winner.defaultBackend().id().equals(p.defaultBackend().id())) {
        found.add(
            new Diagnostic(
                p.ref(),
                Reason.CONFLICTING_DEFAULT_BACKEND,
                "spec.defaultBackend is ignored: "
                    + winner.ref()
                    + " sets the default backend"
                    + " and is older"));
      }
    }
    DefaultResult next =
        winner == null
            ? DefaultResult.NONE
            : new DefaultResult(
                winner.defaultBackend().id(),
                List.copyOf(found),
                List.of(
                    new Use(
                        winner.ref(),
                        winner.defaultBackend().id(),
                        winner.ref().namespace(),
                        winner.defaultBackend().backend())));
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
    final String namespace;
    final IngressBackend backend;
    final Map<ObjectRef, Integer> users = new HashMap<>();

    BackendUsers(String namespace, IngressBackend backend) {
      this.namespace = namespace;
      this.backend = backend;
    }
  }

  /** A resolved backend and the Service and EndpointSlice instances it was resolved from. */
  private record BackendMemo(
      Service service,
      List<EndpointSlice> slices,
      BackendResolver.Resolution resolution,
      List<Diagnostic> diagnostics) {}

  private void use(Use u) {
    backendUsers
        .computeIfAbsent(u.id(), id -> new BackendUsers(u.namespace(), u.backend()))
        .users
        .merge(u.user(), 1, Integer::sum);
  }

  private void unuse(Use u, Set<String> dirtyBackends) {
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
        resolution = BackendResolver.resolveOne(state, options, b.namespace, b.backend, id);
        if (old != null && resolution.backend().equals(old.resolution().backend())) {
          resolution =
              new BackendResolver.Resolution(
                  old.resolution().backend(), resolution.problems(), resolution.sliceDiagnostics());
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
      backends.put(id, new BackendMemo(service, slices, resolution, List.copyOf(found)));
    }
  }

  private static boolean sameInputs(ClusterState state, BackendUsers b, BackendMemo memo) {
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
    HostResult defaultCertificateHost = hosts.get(DEFAULT_CERTIFICATE);
    Snapshot snapshot =
        new Snapshot(
            Snapshot.SCHEMA_VERSION,
            0,
            options.settings(),
            vhosts,
            used,
            certificateList,
            null,
            defaultBackend.backend(),
            defaultCertificateHost == null ? null : defaultCertificateHost.certificateId());
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
    last = new Translation(snapshot, diagnosticList, lastGood, ourList, checked);
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

  // ---- One Ingress's reading -------------------------------------------------------------------

  /** A path rule as the Ingress writes it, checked: route key, backend id and backend. */
  private record PathClaim(IngressTranslator.RouteKey key, String id, IngressBackend backend) {}

  private record DefaultClaim(String id, IngressBackend backend) {}

  /**
   * What one Ingress claims, read from it alone: path rules per host (in spec order; a rule without
   * paths still claims its host), TLS Secret names per TLS host ({@code ""}: the default
   * certificate), the default backend, and the diagnostics that need no other object.
   */
  private record ParsedIngress(
      ObjectRef ref,
      Instant created,
      DefaultClaim defaultBackend,
      Map<String, List<PathClaim>> rules,
      Map<String, List<String>> tls,
      List<Diagnostic> diagnostics) {

    static ParsedIngress of(Ingress ingress, ObjectRef ref) {
      Instant created = IngressTranslator.created(ingress);
      IngressSpec spec = ingress.getSpec();
      if (spec == null) {
        return new ParsedIngress(ref, created, null, Map.of(), Map.of(), List.of());
      }
      String namespace = ingress.getMetadata().getNamespace();
      List<Diagnostic> found = new ArrayList<>();
      DefaultClaim defaultClaim = null;
      if (spec.getDefaultBackend() != null) {
        String id = BackendResolver.id(namespace, spec.getDefaultBackend());
        if (id == null) {
          found.add(
              new Diagnostic(
                  ref,
                  Reason.UNSUPPORTED_BACKEND,
                  "spec.defaultBackend names neither a Service port nor a resource"));
        } else {
          defaultClaim = new DefaultClaim(id, spec.getDefaultBackend());
        }
      }
      Map<String, List<PathClaim>> rules = new LinkedHashMap<>();
      if (spec.getRules() != null) {
        for (IngressRule rule : spec.getRules()) {
          if (rule == null) {
            continue;
          }
          String host = IngressSyntax.host(rule.getHost());
          if (host == null) {
            found.add(
                new Diagnostic(
                    ref,
                    Reason.INVALID_HOST,
                    "host '"
                        + rule.getHost()
                        + "' is not a DNS name or a '*.' wildcard of one; its rule is ignored"));
            continue;
          }
          List<PathClaim> claims = rules.computeIfAbsent(host, h -> new ArrayList<>());
          if (rule.getHttp() == null || rule.getHttp().getPaths() == null) {
            continue;
          }
          for (HTTPIngressPath path : rule.getHttp().getPaths()) {
            PathClaim claim = path(ref, namespace, host, path, found);
            if (claim != null) {
              claims.add(claim);
            }
          }
        }
      }
      Map<String, List<String>> tls = new LinkedHashMap<>();
      if (spec.getTls() != null) {
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
          defaultClaim,
          Collections.unmodifiableMap(rules),
          Collections.unmodifiableMap(tls),
          List.copyOf(found));
    }

    private static PathClaim path(
        ObjectRef ref,
        String namespace,
        String host,
        HTTPIngressPath path,
        List<Diagnostic> found) {
      PathType type = IngressSyntax.pathType(path.getPathType());
      if (type == null) {
        found.add(
            new Diagnostic(
                ref,
                Reason.INVALID_PATH,
                "host "
                    + host
                    + ": pathType '"
                    + path.getPathType()
                    + "' is not Exact, Prefix or ImplementationSpecific"));
        return null;
      }
      String canonical = IngressSyntax.path(path.getPath(), path.getPathType(), type);
      if (canonical == null) {
        found.add(
            new Diagnostic(
                ref,
                Reason.INVALID_PATH,
                "host "
                    + host
                    + ": path '"
                    + path.getPath()
                    + "' is not a valid absolute path (no regular expressions, empty or"
                    + " dot segments, or encoded slashes); ignored"));
        return null;
      }
      String id = BackendResolver.id(namespace, path.getBackend());
      if (id == null) {
        found.add(
            new Diagnostic(
                ref,
                Reason.UNSUPPORTED_BACKEND,
                "host "
                    + host
                    + " path "
                    + canonical
                    + ": the backend names neither a Service port nor a resource; ignored"));
        return null;
      }
      return new PathClaim(new IngressTranslator.RouteKey(canonical, type), id, path.getBackend());
    }
  }
}
