package dev.weir.dataplane.balance;

import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.Endpoint;
import dev.weir.contract.snapshot.EndpointState;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The endpoints of one backend version that take requests, and what is derived from them for
 * choosing one by key: a {@link HashRing} and the endpoints by {@link #digest}. Terminating
 * endpoints are used only when no endpoint is ready: a pod that is shutting down still serves, and
 * sending it traffic beats a 503 (the same rule as Kubernetes' own proxies).
 *
 * <p>Candidates that fail are ejected by the backend's {@link BackendHealth}: {@link #eligible()}
 * leaves them out, {@link #avoid} adds them to what a choice skips, so that every policy steers
 * around them as if they had left, and uses them again when nothing else is left. While nothing is
 * ejected (nearly always) both answer what they were given, after one volatile read.
 *
 * <p>The ring and the digests are built on first use (most backends need neither) by whichever
 * event loop gets there first; a race builds equal copies, so none is wrong.
 */
public final class BackendEndpoints {
  private final String backendId;
  private final List<Endpoint> candidates;
  private final BackendHealth health;
  private final Map<Endpoint, BackendHealth.EndpointHealth> healthOf;
  private volatile HashRing ring;
  private volatile Map<String, Endpoint> byDigest;
  private volatile Ejections ejections;

  /** The candidates left while some are ejected, as of a {@link BackendHealth#generation()}. */
  private record Ejections(long generation, List<Endpoint> eligible, Set<Endpoint> ejected) {}

  /** Endpoints balanced without outlier detection. */
  public BackendEndpoints(String backendId, List<Endpoint> endpoints) {
    this(backendId, endpoints, BackendHealth.none(backendId));
  }

  public BackendEndpoints(String backendId, List<Endpoint> endpoints, BackendHealth health) {
    this.backendId = backendId;
    this.health = health;
    List<Endpoint> ready = new ArrayList<>();
    List<Endpoint> terminating = new ArrayList<>();
    for (Endpoint e : endpoints) {
      if (e.state() == EndpointState.READY) {
        ready.add(e);
      } else if (e.state() == EndpointState.TERMINATING) {
        terminating.add(e);
      }
    }
    this.candidates = List.copyOf(ready.isEmpty() ? terminating : ready);
    List<String> names = new ArrayList<>(candidates.size());
    for (Endpoint e : candidates) {
      names.add(name(e));
    }
    BackendHealth.EndpointHealth[] tracked = health.track(names);
    Map<Endpoint, BackendHealth.EndpointHealth> map = new HashMap<>();
    for (int i = 0; i < tracked.length; i++) {
      map.put(candidates.get(i), tracked[i]);
    }
    this.healthOf = Map.copyOf(map);
  }

  public static BackendEndpoints of(Backend backend) {
    return new BackendEndpoints(backend.id(), backend.endpoints());
  }

  /** The id of the backend these are the endpoints of. */
  public String backendId() {
    return backendId;
  }

  /** {@code backend}'s endpoints, whose failures {@code outliers} remembers. */
  public static BackendEndpoints of(Backend backend, OutlierDetection outliers) {
    return new BackendEndpoints(backend.id(), backend.endpoints(), outliers.backend(backend.id()));
  }

  /** The endpoints requests may go to, in snapshot order. */
  public List<Endpoint> candidates() {
    return candidates;
  }

  /**
   * The candidates not ejected, in snapshot order: all of them while none is (the same list), or
   * when every one is.
   */
  public List<Endpoint> eligible() {
    Ejections now = ejections();
    return now == null ? candidates : now.eligible();
  }

  /**
   * What a choice must skip: {@code tried} and the ejected candidates, unless that is every
   * candidate; then only {@code tried}, since an ejected endpoint beats none.
   */
  public Set<Endpoint> avoid(Set<Endpoint> tried) {
    Ejections now = ejections();
    if (now == null) {
      return tried;
    }
    if (tried.isEmpty()) {
      return now.ejected();
    }
    Set<Endpoint> both = new HashSet<>(now.ejected());
    both.addAll(tried);
    return both.size() >= candidates.size() ? tried : both;
  }

  /** Whether {@code endpoint} is ejected now. */
  public boolean isEjected(Endpoint endpoint) {
    Ejections now = ejections();
    return now != null && now.ejected().contains(endpoint);
  }

  /** An attempt on {@code endpoint} got a response: its failures in a row are over. */
  public void succeeded(Endpoint endpoint) {
    BackendHealth.EndpointHealth h = healthOf.get(endpoint);
    if (h != null) {
      health.succeeded(h);
    }
  }

  /** An attempt on {@code endpoint} failed (connect, reset, timeout): it may be ejected. */
  public void failed(Endpoint endpoint) {
    BackendHealth.EndpointHealth h = healthOf.get(endpoint);
    if (h != null) {
      health.failed(h);
    }
  }

  private Ejections ejections() {
    if (!health.anyEjected()) {
      return null;
    }
    long generation = health.generation();
    Ejections known = ejections;
    if (known == null || known.generation() != generation) {
      List<Endpoint> eligible = new ArrayList<>(candidates.size());
      Set<Endpoint> ejected = new HashSet<>();
      for (Endpoint e : candidates) {
        (healthOf.get(e).ejected ? ejected : eligible).add(e);
      }
      known =
          eligible.isEmpty() || ejected.isEmpty()
              ? new Ejections(generation, candidates, Set.of())
              : new Ejections(generation, List.copyOf(eligible), Set.copyOf(ejected));
      ejections = known;
    }
    return known.ejected().isEmpty() ? null : known;
  }

  public HashRing ring() {
    HashRing r = ring;
    if (r == null) {
      r = new HashRing(candidates);
      ring = r;
    }
    return r;
  }

  /** The candidate whose {@link #digest} is {@code digest}, or null (garbage, or gone). */
  public Endpoint byDigest(String digest) {
    Map<String, Endpoint> map = byDigest;
    if (map == null) {
      Map<String, Endpoint> built = new HashMap<>();
      for (Endpoint e : candidates) {
        built.put(digest(e), e);
      }
      map = Map.copyOf(built);
      byDigest = map;
    }
    return map.get(digest);
  }

  /**
   * A stable name of {@code endpoint} for a cookie: the MD5 of the backend id and the endpoint's
   * address and port, in hex (as ingress-nginx's persistent affinity salts its MD5 with the
   * backend's name). Never the address itself, which would tell clients the pods' IPs.
   */
  public String digest(Endpoint endpoint) {
    try {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      byte[] hash = md5.digest((backendId + name(endpoint)).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has MD5", e);
    }
  }

  /**
   * The owner of {@code key} on the ring, walking on past {@code tried} and ejected endpoints; null
   * when every endpoint was tried.
   */
  public Endpoint locate(CharSequence key, Set<Endpoint> tried) {
    return ring().locate(StableHash.of(key), avoid(tried));
  }

  Endpoint locate(long hash, Set<Endpoint> tried) {
    return ring().locate(hash, avoid(tried));
  }

  /**
   * A random candidate neither ejected nor in {@code tried}; failing that, not in tried; or null.
   */
  public Endpoint randomExcept(Set<Endpoint> tried) {
    Set<Endpoint> skip = avoid(tried);
    Endpoint e = randomOf(skip);
    return e != null || skip == tried ? e : randomOf(tried);
  }

  private Endpoint randomOf(Set<Endpoint> skip) {
    int size = candidates.size();
    if (size == 0) {
      return null;
    }
    int start = ThreadLocalRandom.current().nextInt(size);
    for (int i = 0; i < size; i++) {
      Endpoint e = candidates.get((start + i) % size);
      if (!skip.contains(e)) {
        return e;
      }
    }
    return null;
  }

  /** {@code address:port}, IPv6 addresses in brackets. */
  static String name(Endpoint e) {
    return e.address().indexOf(':') >= 0
        ? "[" + e.address() + "]:" + e.port()
        : e.address() + ":" + e.port();
  }
}
