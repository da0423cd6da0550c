package dev.weir.contract.snapshot;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The change from one snapshot (the base, by version) to the next: virtual hosts upserted and
 * removed by host, backends and certificates by id, and the singular parts (settings, ticket keys,
 * defaults) only when they changed. At 10,000 Ingresses most changes touch one host; a delta for
 * one is a few hundred bytes where the full snapshot is megabytes.
 *
 * <p>{@link #applyTo} is strict: a base of another version, or a removal of an id the base does not
 * hold, is refused, so a data plane never builds a snapshot that nobody published. The result is an
 * ordinary {@link Snapshot}, which the data plane validates exactly as a full one.
 *
 * <p>Order: entries the base keeps stay where they are (replaced in place when upserted); new ones
 * are merged in before the first kept entry with a greater key. When the base is sorted by key (the
 * operator sorts everything), so is the result; {@link #between} returns a delta only when applying
 * it gives exactly the target, order included, since certificate order decides SNI fallbacks.
 *
 * @param settings the target's settings, or null when unchanged
 * @param ticketKeys the target's ticket keys (the whole list, since order matters), or null when
 *     unchanged
 * @param defaults the target's default backend and certificate, or null when both are unchanged
 */
public record SnapshotDelta(
    int schemaVersion,
    long baseVersion,
    long version,
    Settings settings,
    List<TicketKey> ticketKeys,
    Defaults defaults,
    List<VirtualHost> upsertVirtualHosts,
    List<String> removeVirtualHosts,
    List<Backend> upsertBackends,
    List<String> removeBackends,
    List<Certificate> upsertCertificates,
    List<String> removeCertificates) {

  /** The snapshot's default backend and certificate ids; either may be null (none). */
  public record Defaults(String backend, String certificate) {}

  public SnapshotDelta {
    ticketKeys = ticketKeys == null ? null : List.copyOf(ticketKeys);
    upsertVirtualHosts = copy(upsertVirtualHosts);
    removeVirtualHosts = copy(removeVirtualHosts);
    upsertBackends = copy(upsertBackends);
    removeBackends = copy(removeBackends);
    upsertCertificates = copy(upsertCertificates);
    removeCertificates = copy(removeCertificates);
  }

  private static <T> List<T> copy(List<T> list) {
    return list == null ? List.of() : List.copyOf(list);
  }

  /**
   * The delta that turns {@code base} into {@code target}, or empty when none reproduces it exactly
   * (different schema versions, duplicate keys, an order a merge cannot give): then the full
   * snapshot is the only faithful message.
   */
  public static Optional<SnapshotDelta> between(Snapshot base, Snapshot target) {
    if (base.schemaVersion() != target.schemaVersion()) {
      return Optional.empty();
    }
    Diff<VirtualHost> hosts =
        Diff.sorted(base.virtualHosts(), target.virtualHosts(), VirtualHost::host);
    Diff<Backend> backends = Diff.sorted(base.backends(), target.backends(), Backend::id);
    Diff<Certificate> certificates =
        Diff.sorted(base.certificates(), target.certificates(), Certificate::id);
    // Lists sorted by key (as the operator makes them) diff in one walk, and the merge of applyTo
    // provably gives the target back; anything else takes the general diff and is checked.
    boolean walked = hosts != null && backends != null && certificates != null;
    if (!walked) {
      hosts = Diff.of(base.virtualHosts(), target.virtualHosts(), VirtualHost::host);
      backends = Diff.of(base.backends(), target.backends(), Backend::id);
      certificates = Diff.of(base.certificates(), target.certificates(), Certificate::id);
    }
    if (hosts == null || backends == null || certificates == null) {
      return Optional.empty();
    }
    Defaults baseDefaults = new Defaults(base.defaultBackend(), base.defaultCertificate());
    Defaults targetDefaults = new Defaults(target.defaultBackend(), target.defaultCertificate());
    SnapshotDelta delta =
        new SnapshotDelta(
            target.schemaVersion(),
            base.version(),
            target.version(),
            base.settings().equals(target.settings()) ? null : target.settings(),
            base.ticketKeys().equals(target.ticketKeys()) ? null : target.ticketKeys(),
            baseDefaults.equals(targetDefaults) ? null : targetDefaults,
            hosts.upserts,
            hosts.removals,
            backends.upserts,
            backends.removals,
            certificates.upserts,
            certificates.removals);
    if (walked) {
      return Optional.of(delta);
    }
    try {
      return delta.applyTo(base).equals(target) ? Optional.of(delta) : Optional.empty();
    } catch (InvalidSnapshotException e) {
      return Optional.empty();
    }
  }

  /** True when applying this changes nothing but the version. */
  @JsonIgnore
  public boolean isEmpty() {
    return settings == null
        && ticketKeys == null
        && defaults == null
        && upsertVirtualHosts.isEmpty()
        && removeVirtualHosts.isEmpty()
        && upsertBackends.isEmpty()
        && removeBackends.isEmpty()
        && upsertCertificates.isEmpty()
        && removeCertificates.isEmpty();
  }

  /**
   * The snapshot this delta makes of {@code base}. Not validated: the caller validates the result
   * as it would a full snapshot.
   *
   * @throws InvalidSnapshotException when {@code base} is not this delta's base, or the delta
   *     removes an id the base does not hold or upserts and removes the same one
   */
  public Snapshot applyTo(Snapshot base) throws InvalidSnapshotException {
    List<String> problems = new ArrayList<>();
    if (base.version() != baseVersion) {
      problems.add(
          "baseVersion: is " + baseVersion + ", the data plane holds version " + base.version());
    }
    if (base.schemaVersion() != schemaVersion) {
      problems.add("schemaVersion: is " + schemaVersion + ", the base has " + base.schemaVersion());
    }
    if (!problems.isEmpty()) {
      throw new InvalidSnapshotException(problems);
    }
    List<VirtualHost> hosts =
        merge(
            base.virtualHosts(),
            VirtualHost::host,
            upsertVirtualHosts,
            removeVirtualHosts,
            "virtualHosts",
            problems);
    List<Backend> backends =
        merge(base.backends(), Backend::id, upsertBackends, removeBackends, "backends", problems);
    List<Certificate> certificates =
        merge(
            base.certificates(),
            Certificate::id,
            upsertCertificates,
            removeCertificates,
            "certificates",
            problems);
    if (!problems.isEmpty()) {
      throw new InvalidSnapshotException(problems);
    }
    Defaults d =
        defaults != null
            ? defaults
            : new Defaults(base.defaultBackend(), base.defaultCertificate());
    return Snapshot.builder()
        .schemaVersion(schemaVersion)
        .version(version)
        .settings(settings != null ? settings : base.settings())
        .virtualHosts(hosts)
        .backends(backends)
        .certificates(certificates)
        .ticketKeys(ticketKeys != null ? ticketKeys : base.ticketKeys())
        .defaultBackend(d.backend())
        .defaultCertificate(d.certificate())
        .build();
  }

  private static <T> List<T> merge(
      List<T> base,
      Function<T, String> key,
      List<T> upserts,
      List<String> removals,
      String field,
      List<String> problems) {
    if (upserts.isEmpty() && removals.isEmpty()) {
      return base; // the common case for two of the three lists: share, don't copy
    }
    Map<String, T> byKey = new HashMap<>();
    for (int i = 0; i < upserts.size(); i++) {
      T u = upserts.get(i);
      String k = key.apply(u);
      if (k == null) {
        problems.add(field + ".upsert[" + i + "]: has no key");
      } else if (byKey.put(k, u) != null) {
        problems.add(field + ".upsert[" + i + "]: '" + k + "' is upserted twice");
      }
    }
    Set<String> baseKeys = new HashSet<>();
    for (T b : base) {
      baseKeys.add(key.apply(b));
    }
    Set<String> removed = new HashSet<>();
    for (String r : removals) {
      if (!baseKeys.contains(r)) {
        problems.add(field + ".remove: unknown '" + r + "'");
      } else if (byKey.containsKey(r)) {
        problems.add(field + ".remove: '" + r + "' is also upserted");
      }
      removed.add(r);
    }
    List<T> added = new ArrayList<>();
    for (T u : upserts) {
      if (!baseKeys.contains(key.apply(u))) {
        added.add(u);
      }
    }
    added.sort(Comparator.comparing(key));
    List<T> result = new ArrayList<>(base.size() + added.size());
    int a = 0;
    for (T b : base) {
      String k = key.apply(b);
      if (removed.contains(k)) {
        continue;
      }
      while (a < added.size() && key.apply(added.get(a)).compareTo(k) < 0) {
        result.add(added.get(a++));
      }
      result.add(byKey.getOrDefault(k, b));
    }
    while (a < added.size()) {
      result.add(added.get(a++));
    }
    return result;
  }

  /** Upserts and removals by key; null when a list has duplicate or missing keys. */
  private record Diff<T>(List<T> upserts, List<String> removals) {
    /**
     * The diff of two lists each strictly increasing by key, in one walk over both (no hashing; an
     * element that is the same instance in both costs a key comparison); null when a list is not
     * strictly increasing or has a null key.
     */
    static <T> Diff<T> sorted(List<T> base, List<T> target, Function<T, String> key) {
      if (base == target) {
        return new Diff<>(List.of(), List.of());
      }
      List<T> upserts = new ArrayList<>();
      List<String> removals = new ArrayList<>();
      int i = 0;
      int j = 0;
      String lastBase = null;
      String lastTarget = null;
      while (i < base.size() || j < target.size()) {
        T b = i < base.size() ? base.get(i) : null;
        T t = j < target.size() ? target.get(j) : null;
        String kb = b == null ? null : key.apply(b);
        String kt = t == null ? null : key.apply(t);
        if ((b != null && (kb == null || (lastBase != null && kb.compareTo(lastBase) <= 0)))
            || (t != null
                && (kt == null || (lastTarget != null && kt.compareTo(lastTarget) <= 0)))) {
          return null;
        }
        int order = b == null ? 1 : t == null ? -1 : kb.compareTo(kt);
        if (order <= 0) {
          lastBase = kb;
          i++;
        }
        if (order >= 0) {
          lastTarget = kt;
          j++;
        }
        if (order < 0) {
          removals.add(kb);
        } else if (order > 0 || !(b == t || b.equals(t))) {
          upserts.add(t);
        }
      }
      return new Diff<>(upserts, removals);
    }

    static <T> Diff<T> of(List<T> base, List<T> target, Function<T, String> key) {
      if (base == target) {
        // The operator hands out an unchanged list as the same instance: nothing to compare.
        return new Diff<>(List.of(), List.of());
      }
      Map<String, T> baseByKey = new LinkedHashMap<>();
      for (T b : base) {
        String k = key.apply(b);
        if (k == null || baseByKey.put(k, b) != null) {
          return null;
        }
      }
      Set<String> targetKeys = new HashSet<>();
      List<T> upserts = new ArrayList<>();
      for (T t : target) {
        String k = key.apply(t);
        if (k == null || !targetKeys.add(k)) {
          return null;
        }
        T b = baseByKey.get(k);
        if (!Objects.equals(b, t)) {
          upserts.add(t);
        }
      }
      List<String> removals = new ArrayList<>();
      for (String k : baseByKey.keySet()) {
        if (!targetKeys.contains(k)) {
          removals.add(k);
        }
      }
      return new Diff<>(upserts, removals);
    }
  }
}
