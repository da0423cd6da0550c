package dev.weir.dataplane.balance;

import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.Endpoint;
import dev.weir.contract.snapshot.EndpointState;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
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
 * <p>The ring and the digests are built on first use (most backends need neither) by whichever
 * event loop gets there first; a race builds equal copies, so none is wrong.
 */
public final class BackendEndpoints {
  private final String backendId;
  private final List<Endpoint> candidates;
  private volatile HashRing ring;
  private volatile Map<String, Endpoint> byDigest;

  public BackendEndpoints(String backendId, List<Endpoint> endpoints) {
    this.backendId = backendId;
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
  }

  public static BackendEndpoints of(Backend backend) {
    return new BackendEndpoints(backend.id(), backend.endpoints());
  }

  /** The id of the backend these are the endpoints of. */
  public String backendId() {
    return backendId;
  }

  /** The endpoints requests may go to, in snapshot order. */
  public List<Endpoint> candidates() {
    return candidates;
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

  /** A random candidate not in {@code skip}, or null. */
  public Endpoint randomExcept(Set<Endpoint> skip) {
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
