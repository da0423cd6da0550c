package dev.weir.contract.snapshot;

import dev.weir.contract.host.HostName;
import io.netty.util.NetUtil;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks what JSON decoding cannot: required fields, references between ids, host and path syntax.
 * Certificates are only checked for presence here; the TLS layer parses them.
 */
public final class SnapshotValidator {
  private SnapshotValidator() {}

  public static void validate(Snapshot s) throws InvalidSnapshotException {
    validate(s, (Validated) null);
  }

  /**
   * A snapshot that passed, with what a next validation by delta needs of it: its backend and
   * certificate ids and its hosts (normalised to the host as written). Null indexes: not kept.
   */
  public record Validated(
      Snapshot snapshot,
      Set<String> backendIds,
      Set<String> certificateIds,
      Map<String, String> hosts) {
    public static Validated of(Snapshot snapshot) {
      return new Validated(snapshot, null, null, null);
    }
  }

  /** As {@link #validate(Snapshot, Validated)}, trusting {@code previousValid}. */
  public static void validate(Snapshot s, Snapshot previousValid) throws InvalidSnapshotException {
    validate(s, previousValid == null ? null : Validated.of(previousValid));
  }

  /**
   * As {@link #validate(Snapshot, Validated)} for {@code s}, which {@code delta} made of {@code
   * previous}'s snapshot (as {@link SnapshotDelta#between} describes them): only the delta's
   * objects are checked on their own and against the kept indexes, since every other object was
   * valid and still finds what it names (a delta that removes backends or certificates, which other
   * hosts might name, takes the full route). The outcome is a full validation's; a problem found is
   * reported by one, with its positions.
   */
  public static Validated validate(Snapshot s, Validated previous, SnapshotDelta delta)
      throws InvalidSnapshotException {
    if (previous == null
        || previous.backendIds() == null
        || !delta.removeBackends().isEmpty()
        || !delta.removeCertificates().isEmpty()
        || !readable(s.schemaVersion())
        || s.version() < 0
        || SchemaVersions.firstFieldAbove(
                s.schemaVersion(),
                delta.settings(),
                delta.upsertVirtualHosts(),
                delta.upsertBackends())
            != null) {
      return validate(s, previous);
    }
    List<String> problems = new ArrayList<>();
    if (delta.settings() != null) {
      checkSettings(s.settings(), problems);
    }
    if (delta.ticketKeys() != null) {
      checkTicketKeys(s.ticketKeys(), problems);
    }
    Set<String> backendIds = previous.backendIds();
    if (!delta.upsertBackends().isEmpty()) {
      backendIds = new HashSet<>(backendIds);
      for (Backend b : delta.upsertBackends()) {
        checkBackend(b, true, "backends", problems);
        backendIds.add(b.id());
      }
    }
    Set<String> certificateIds = previous.certificateIds();
    if (!delta.upsertCertificates().isEmpty()) {
      certificateIds = new HashSet<>(certificateIds);
      for (Certificate c : delta.upsertCertificates()) {
        checkCertificate(c, true, "certificates", problems);
        certificateIds.add(c.id());
      }
    }
    Map<String, String> hosts = previous.hosts();
    if (!delta.upsertVirtualHosts().isEmpty() || !delta.removeVirtualHosts().isEmpty()) {
      hosts = new HashMap<>(hosts);
      for (String host : delta.removeVirtualHosts()) {
        hosts.remove(HostName.normalise(host), host);
      }
      for (VirtualHost v : delta.upsertVirtualHosts()) {
        if (v.host() != null) {
          // The same host replaced is no duplicate of itself.
          hosts.remove(HostName.normalise(v.host()), v.host());
        }
        checkVirtualHost(v, false, "virtualHosts", hosts, backendIds, certificateIds, problems);
      }
    }
    if (delta.defaults() != null) {
      checkDefaults(s, backendIds, certificateIds, problems);
    }
    checkClientCertificates(delta.upsertBackends(), "backends", certificateIds, problems);
    if (!problems.isEmpty()) {
      return validate(s, previous); // throws, naming positions
    }
    return new Validated(s, backendIds, certificateIds, hosts);
  }

  /**
   * As {@link #validate(Snapshot)}, trusting {@code previousValid} (a snapshot that passed) for the
   * checks of an object on its own: a backend, certificate or virtual host that is the same
   * instance there is not checked again (endpoint addresses, PEM markers, host and path syntax).
   * Everything between objects is still checked for all of them (duplicate ids and hosts,
   * references to backends and certificates), so the outcome is that of a full validation, at a
   * cost of a few hash operations per object plus the checks of what changed.
   */
  public static Validated validate(Snapshot s, Validated previous) throws InvalidSnapshotException {
    Snapshot previousValid = previous == null ? null : previous.snapshot();
    Set<Object> known = previousValid == null ? Set.of() : known(s, previousValid);
    List<String> problems = new ArrayList<>();
    if (!readable(s.schemaVersion())) {
      problems.add(
          "schemaVersion: is "
              + s.schemaVersion()
              + ", this data plane reads "
              + Snapshot.MIN_SCHEMA_VERSION
              + " to "
              + Snapshot.SCHEMA_VERSION);
    } else {
      SchemaVersions.Field field =
          SchemaVersions.firstFieldAbove(
              s.schemaVersion(), s.settings(), s.virtualHosts(), s.backends());
      if (field != null) {
        problems.add(
            field.path()
                + ": needs schemaVersion "
                + field.version()
                + ", the snapshot says "
                + s.schemaVersion());
      }
    }
    if (s.version() < 0) {
      problems.add("version: must not be negative");
    }
    checkSettings(s.settings(), problems);

    // An object known valid is only checked against the others (duplicates, references); "at"
    // strings are made only for the objects checked in full, since they cost per object.
    Set<String> backendIds = new HashSet<>();
    for (int i = 0; i < s.backends().size(); i++) {
      Backend b = s.backends().get(i);
      boolean unique = !isBlank(b.id()) && backendIds.add(b.id());
      if (!unique || !known.contains(b)) {
        checkBackend(b, unique, "backends[" + i + "]", problems);
      }
    }

    Set<String> certificateIds = new HashSet<>();
    for (int i = 0; i < s.certificates().size(); i++) {
      Certificate c = s.certificates().get(i);
      boolean unique = !isBlank(c.id()) && certificateIds.add(c.id());
      if (!unique || !known.contains(c)) {
        checkCertificate(c, unique, "certificates[" + i + "]", problems);
      }
    }

    checkTicketKeys(s.ticketKeys(), problems);
    checkClientCertificates(s.backends(), "backends", certificateIds, problems);

    Map<String, String> hosts = new HashMap<>();
    for (int i = 0; i < s.virtualHosts().size(); i++) {
      VirtualHost v = s.virtualHosts().get(i);
      boolean hostAdded = false;
      if (known.contains(v)) {
        hostAdded = hosts.putIfAbsent(HostName.normalise(v.host()), v.host()) == null;
        if (hostAdded && references(v, backendIds, certificateIds)) {
          continue;
        }
      }
      checkVirtualHost(
          v, hostAdded, "virtualHosts[" + i + "]", hosts, backendIds, certificateIds, problems);
    }
    checkDefaults(s, backendIds, certificateIds, problems);
    if (!problems.isEmpty()) {
      throw new InvalidSnapshotException(problems);
    }
    return new Validated(s, backendIds, certificateIds, hosts);
  }

  private static void checkDefaults(
      Snapshot s, Set<String> backendIds, Set<String> certificateIds, List<String> problems) {
    if (s.defaultBackend() != null && !backendIds.contains(s.defaultBackend())) {
      problems.add("defaultBackend: unknown backend '" + s.defaultBackend() + "'");
    }
    if (s.defaultCertificate() != null && !certificateIds.contains(s.defaultCertificate())) {
      problems.add("defaultCertificate: unknown certificate '" + s.defaultCertificate() + "'");
    }
  }

  private static void checkTicketKeys(List<TicketKey> ticketKeys, List<String> problems) {
    for (int i = 0; i < ticketKeys.size(); i++) {
      TicketKey k = ticketKeys.get(i);
      String at = "ticketKeys[" + i + "].key";
      byte[] bytes = null;
      if (k.key() != null) {
        try {
          bytes = Base64.getDecoder().decode(k.key().reveal());
        } catch (IllegalArgumentException e) {
          problems.add(at + ": is not base64");
          continue;
        }
      }
      if (bytes == null || bytes.length != TicketKey.LENGTH_BYTES) {
        problems.add(at + ": must be " + TicketKey.LENGTH_BYTES + " bytes, base64");
      }
    }
  }

  private static void checkBackend(Backend b, boolean unique, String at, List<String> problems) {
    if (isBlank(b.id())) {
      problems.add(at + ".id: is required");
    } else if (!unique) {
      problems.add(at + ".id: duplicate id '" + b.id() + "'");
    }
    for (int j = 0; j < b.endpoints().size(); j++) {
      Endpoint e = b.endpoints().get(j);
      String eat = at + ".endpoints[" + j + "]";
      if (isBlank(e.address())) {
        problems.add(eat + ".address: is required");
      } else if (!isIpLiteral(e.address())) {
        problems.add(
            eat
                + ".address: '"
                + e.address()
                + "' is not an IPv4 or IPv6 address"
                + " (host names are not resolved)");
      }
      if (e.port() < 1 || e.port() > 65535) {
        problems.add(eat + ".port: " + e.port() + " is not in 1..65535");
      }
    }
    if (b.timeouts().connectMillis() < 0 || b.timeouts().readMillis() < 0) {
      problems.add(at + ".timeouts: must not be negative");
    }
    if (b.connectRetries() < 0) {
      problems.add(at + ".connectRetries: must not be negative");
    }
    if (b.timeouts().sendMillis() < 0) {
      problems.add(at + ".timeouts: must not be negative");
    }
    if (b.policy() == BalancePolicy.CONSISTENT_HASH) {
      if (b.hashBy() == null) {
        problems.add(at + ".hashBy: is required with policy ConsistentHash");
      } else {
        try {
          HashKey.parse(b.hashBy());
        } catch (IllegalArgumentException e) {
          problems.add(at + ".hashBy: " + e.getMessage());
        }
      }
    } else if (b.hashBy() != null) {
      problems.add(at + ".hashBy: only with policy ConsistentHash");
    }
    UpstreamTls tls = b.tls();
    if (tls != null) {
      if (!b.protocol().tls()) {
        problems.add(at + ".tls: only for protocol HTTPS or GRPCS");
      }
      // One problem per field: a bundle given must be PEM; none given is one only for verifying.
      if (tls.caCertificates() != null) {
        if (!holdsPemCertificate(tls.caCertificates())) {
          problems.add(at + ".tls.caCertificates: must hold a PEM CERTIFICATE block");
        }
      } else if (tls.verify() && !tls.unavailable()) {
        problems.add(at + ".tls.caCertificates: must hold a PEM CERTIFICATE block to verify");
      }
      if (tls.verifyDepth() < 1) {
        problems.add(at + ".tls.verifyDepth: must be at least 1");
      }
      if (tls.serverName() != null && HostName.problem(tls.serverName()) != null) {
        problems.add(at + ".tls.serverName: " + HostName.problem(tls.serverName()));
      }
    }
  }

  /** Every client certificate an upstream TLS names exists. */
  private static void checkClientCertificates(
      List<Backend> backends, String at, Set<String> certificateIds, List<String> problems) {
    for (int i = 0; i < backends.size(); i++) {
      UpstreamTls tls = backends.get(i).tls();
      if (tls != null
          && tls.clientCertificate() != null
          && !certificateIds.contains(tls.clientCertificate())) {
        problems.add(
            at
                + "["
                + i
                + "].tls.clientCertificate: unknown certificate '"
                + tls.clientCertificate()
                + "'");
      }
    }
  }

  private static boolean holdsPemCertificate(String pem) {
    return pem != null && pem.contains("-----BEGIN CERTIFICATE-----");
  }

  private static boolean readable(int schemaVersion) {
    return schemaVersion >= Snapshot.MIN_SCHEMA_VERSION && schemaVersion <= Snapshot.SCHEMA_VERSION;
  }

  private static void checkCertificate(
      Certificate c, boolean unique, String at, List<String> problems) {
    if (isBlank(c.id())) {
      problems.add(at + ".id: is required");
    } else if (!unique) {
      problems.add(at + ".id: duplicate id '" + c.id() + "'");
    }
    if (isBlank(c.certificateChain())
        || !c.certificateChain().contains("-----BEGIN CERTIFICATE-----")) {
      problems.add(at + ".certificateChain: must hold at least one PEM CERTIFICATE block");
    }
    if (c.privateKey() == null
        || c.privateKey().isBlank()
        || !c.privateKey().reveal().contains("PRIVATE KEY-----")) {
      problems.add(at + ".privateKey: must hold a PEM PRIVATE KEY block");
    }
  }

  /** Whether every backend and certificate {@code v} names exists. */
  private static boolean references(
      VirtualHost v, Set<String> backendIds, Set<String> certificateIds) {
    if (v.certificate() != null && !certificateIds.contains(v.certificate())) {
      return false;
    }
    if (v.defaultBackend() != null && !backendIds.contains(v.defaultBackend())) {
      return false;
    }
    if (v.passthroughBackend() != null && !backendIds.contains(v.passthroughBackend())) {
      return false;
    }
    for (Route r : v.routes()) {
      if (!backendIds.contains(r.backend())) {
        return false;
      }
      if (r.canary() != null && !backendIds.contains(r.canary().backend())) {
        return false;
      }
      CustomErrors errors = r.settings().customErrors();
      if (errors != null && errors.backend() != null && !backendIds.contains(errors.backend())) {
        return false;
      }
    }
    return true;
  }

  /**
   * @param hostAdded the caller added {@code v}'s host to {@code hosts} ({@code v} is known valid
   *     and a reference failed)
   */
  private static void checkVirtualHost(
      VirtualHost v,
      boolean hostAdded,
      String at,
      Map<String, String> hosts,
      Set<String> backendIds,
      Set<String> certificateIds,
      List<String> problems) {
    String hostProblem = HostName.problem(v.host());
    if (hostProblem != null) {
      problems.add(at + ".host: " + hostProblem);
    } else if (!hostAdded && hosts.putIfAbsent(HostName.normalise(v.host()), v.host()) != null) {
      problems.add(at + ".host: duplicate host '" + v.host() + "'");
    }
    if (v.certificate() != null && !certificateIds.contains(v.certificate())) {
      problems.add(at + ".certificate: unknown certificate '" + v.certificate() + "'");
    }
    // Both set would leave a reader guessing which one wins; neither is a publisher's intent.
    if (v.retainCertificate() && v.certificate() != null) {
      problems.add(at + ".retainCertificate: only for a host without certificate");
    }
    if (v.retainCertificate() && VirtualHost.ANY_HOST.equals(v.host())) {
      problems.add(
          at
              + ".retainCertificate: not for host '*' (its certificate stands in for"
              + " the default one)");
    }
    if (v.defaultBackend() != null && !backendIds.contains(v.defaultBackend())) {
      problems.add(at + ".defaultBackend: unknown backend '" + v.defaultBackend() + "'");
    }
    checkHostSettings(v, at, backendIds, problems);
    Set<String> rules = new HashSet<>();
    for (int j = 0; j < v.routes().size(); j++) {
      Route r = v.routes().get(j);
      String rat = at + ".routes[" + j + "]";
      if (r.pathType() == null) {
        problems.add(rat + ".pathType: is required (Exact or Prefix)");
      }
      if (r.path() == null || !r.path().startsWith("/")) {
        problems.add(rat + ".path: must start with '/'");
      } else if (r.pathType() != null && !rules.add(r.pathType() + " " + r.path())) {
        problems.add(rat + ": duplicate " + r.pathType() + " route for path '" + r.path() + "'");
      }
      if (r.backend() == null || !backendIds.contains(r.backend())) {
        problems.add(rat + ".backend: unknown backend '" + r.backend() + "'");
      }
      if (!r.settings().isNone()) {
        RouteSettingsCheck.check(r.settings(), rat + ".settings", problems);
      }
      if (r.canary() != null) {
        CanaryCheck.check(r.canary(), r.backend(), rat + ".canary", backendIds, problems);
      }
      CustomErrors errors = r.settings().customErrors();
      if (errors != null && errors.backend() != null && !backendIds.contains(errors.backend())) {
        problems.add(
            rat + ".settings.customErrors.backend: unknown backend '" + errors.backend() + "'");
      }
      boolean rewrites = r.settings().rewrite() != null && r.settings().rewrite().target() != null;
      if ((r.matchesAsRegex() || rewrites) && r.path() != null) {
        String regexProblem = PathRegex.problem(r.path());
        if (regexProblem != null) {
          problems.add(rat + ".path: " + regexProblem);
        }
      }
    }
  }

  private static boolean isExactHost(String host) {
    return !host.equals(VirtualHost.ANY_HOST) && !HostName.isWildcard(HostName.normalise(host));
  }

  private static void checkHostSettings(
      VirtualHost v, String at, Set<String> backendIds, List<String> problems) {
    if (v.hsts() != null && v.hsts().maxAgeSeconds() < 0) {
      problems.add(at + ".hsts.maxAgeSeconds: must not be negative");
    }
    ClientAuth auth = v.clientAuth();
    if (auth != null) {
      if (!auth.unavailable()
          && auth.verify() != ClientVerify.OFF
          && !holdsPemCertificate(auth.caCertificates())) {
        problems.add(at + ".clientAuth.caCertificates: must hold a PEM CERTIFICATE block");
      }
      if (auth.verifyDepth() < 1) {
        problems.add(at + ".clientAuth.verifyDepth: must be at least 1");
      }
    }
    HostRedirect redirect = v.hostRedirect();
    if (redirect != null) {
      String targetProblem =
          redirect.host() == null ? "is required" : HostName.problem(redirect.host());
      if (targetProblem == null && !isExactHost(redirect.host())) {
        targetProblem = "must be an exact host name";
      }
      if (targetProblem != null) {
        problems.add(at + ".hostRedirect.host: " + targetProblem);
      }
      if (!HostRedirect.CODES.contains(redirect.code())) {
        problems.add(at + ".hostRedirect.code: must be one of 301, 302, 307, 308");
      }
      if (v.host() != null && !isExactHost(v.host())) {
        problems.add(at + ".hostRedirect: only for an exact host");
      }
      if (!v.routes().isEmpty() || v.defaultBackend() != null || v.passthroughBackend() != null) {
        problems.add(
            at
                + ".hostRedirect: a redirecting host has no routes, default backend or"
                + " passthrough (every request is redirected)");
      }
    }
    if (v.passthroughBackend() != null) {
      if (!backendIds.contains(v.passthroughBackend())) {
        problems.add(at + ".passthroughBackend: unknown backend '" + v.passthroughBackend() + "'");
      }
      if (VirtualHost.ANY_HOST.equals(v.host())) {
        problems.add(at + ".passthroughBackend: not for host '*' (passthrough needs an SNI name)");
      }
      if (v.certificate() != null
          || v.retainCertificate()
          || !v.routes().isEmpty()
          || v.defaultBackend() != null
          || v.hsts() != null
          || v.clientAuth() != null) {
        problems.add(
            at
                + ".passthroughBackend: a passthrough host has no certificate, routes, default"
                + " backend, HSTS or client authentication (Weir never sees its requests)");
      }
    }
  }

  /**
   * The objects of {@code s} that are the very instances {@code previous} holds, list by list: an
   * unchanged list (a delta that did not touch it) is known whole without hashing its elements.
   */
  private static Set<Object> known(Snapshot s, Snapshot previous) {
    Set<Object> known = Collections.newSetFromMap(new IdentityHashMap<>());
    addShared(known, s.backends(), previous.backends());
    addShared(known, s.certificates(), previous.certificates());
    addShared(known, s.virtualHosts(), previous.virtualHosts());
    return known;
  }

  private static void addShared(Set<Object> known, List<?> now, List<?> before) {
    if (now == before) {
      known.addAll(now);
      return;
    }
    Set<Object> previous = Collections.newSetFromMap(new IdentityHashMap<>(before.size()));
    previous.addAll(before);
    for (Object o : now) {
      if (previous.contains(o)) {
        known.add(o);
      }
    }
  }

  private static void checkSettings(Settings t, List<String> problems) {
    if (t.maxRequestLineBytes() < Settings.MIN_REQUEST_LINE_BYTES) {
      problems.add(
          "settings.maxRequestLineBytes: must be at least " + Settings.MIN_REQUEST_LINE_BYTES);
    }
    if (t.maxHeaderBytes() < Settings.MIN_HEADER_BYTES) {
      problems.add("settings.maxHeaderBytes: must be at least " + Settings.MIN_HEADER_BYTES);
    }
    if (t.clientIdleMillis() < 0 || t.upstreamIdleMillis() < 0) {
      problems.add("settings: idle timeouts must not be negative");
    }
    if (t.requestHeaderMillis() < 0) {
      problems.add("settings.requestHeaderMillis: must not be negative");
    }
    if (t.upstreamMaxConnectionsPerEndpoint() < 1) {
      problems.add("settings.upstreamMaxConnectionsPerEndpoint: must be at least 1");
    }
  }

  /**
   * Endpoints are pod IPs from EndpointSlices. A host name would need a DNS lookup on the request
   * path, either blocking an event loop or adding a resolver with its own caching and failure modes
   * for a case the operator never produces; so snapshots carry addresses only.
   */
  public static boolean isIpLiteral(String address) {
    if (address.indexOf('[') >= 0 || address.indexOf('%') >= 0) {
      // Brackets belong to URIs; a zone id names an interface of one machine.
      return false;
    }
    return NetUtil.isValidIpV4Address(address) || NetUtil.isValidIpV6Address(address);
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
