package dev.weir.dataplane.balance;

import dev.weir.contract.snapshot.Endpoint;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * A consistent-hash ring over a backend's endpoints: each endpoint owns {@link
 * #POINTS_PER_ENDPOINT} points placed by the hash of its address and port, and a key belongs to the
 * first point at or after its hash. Adding an eleventh endpoint to ten moves about a eleventh of
 * the keys, and only onto the new one. Derived from the endpoint list alone, so every replica
 * builds the same ring.
 */
public final class HashRing {
  // ingress-nginx's chash (resty.chash) gives each weight-1 node 160 points.
  static final int POINTS_PER_ENDPOINT = 160;

  private final long[] points;
  private final Endpoint[] owners;
  private final int endpointCount;

  HashRing(List<Endpoint> endpoints) {
    endpointCount = endpoints.size();
    int n = endpoints.size() * POINTS_PER_ENDPOINT;
    long[] hashes = new long[n];
    int[] ownerIndex = new int[n];
    Integer[] order = new Integer[n];
    for (int e = 0; e < endpoints.size(); e++) {
      String name = BackendEndpoints.name(endpoints.get(e));
      for (int p = 0; p < POINTS_PER_ENDPOINT; p++) {
        int i = e * POINTS_PER_ENDPOINT + p;
        hashes[i] = StableHash.of(name + "#" + p);
        ownerIndex[i] = e;
        order[i] = i;
      }
    }
    // Ties (as good as impossible with 64 bits) are broken by endpoint name order, so that every
    // replica agrees even then.
    Arrays.sort(
        order,
        (a, b) -> {
          int c = Long.compareUnsigned(hashes[a], hashes[b]);
          return c != 0
              ? c
              : BackendEndpoints.name(endpoints.get(ownerIndex[a]))
                  .compareTo(BackendEndpoints.name(endpoints.get(ownerIndex[b])));
        });
    points = new long[n];
    owners = new Endpoint[n];
    for (int i = 0; i < n; i++) {
      points[i] = hashes[order[i]];
      owners[i] = endpoints.get(ownerIndex[order[i]]);
    }
  }

  /** The endpoint owning {@code key}, or null when the ring is empty. */
  public Endpoint locate(CharSequence key) {
    return locate(StableHash.of(key), Set.of());
  }

  /**
   * The endpoint owning {@code key}, walking on past those in {@code skip}; null when every
   * endpoint is skipped.
   */
  public Endpoint locate(CharSequence key, Set<Endpoint> skip) {
    return locate(StableHash.of(key), skip);
  }

  Endpoint locate(long hash, Set<Endpoint> skip) {
    int n = points.length;
    if (n == 0 || skip.size() >= endpointCount) {
      return null;
    }
    int start = firstAtOrAfter(hash);
    for (int i = 0; i < n; i++) {
      Endpoint e = owners[(start + i) % n];
      if (skip.isEmpty() || !skip.contains(e)) {
        return e;
      }
    }
    return null;
  }

  private int firstAtOrAfter(long hash) {
    int lo = 0;
    int hi = points.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (Long.compareUnsigned(points[mid], hash) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo == points.length ? 0 : lo;
  }
}
