package dev.weir.operator.translate;

import dev.weir.contract.snapshot.PathType;

/**
 * What Ingresses compete for within a host: a canonical path and its type. Ordered as routes are in
 * a snapshot: by path, then Exact before Prefix.
 */
record RouteKey(String path, PathType type) implements Comparable<RouteKey> {
  @Override
  public int compareTo(RouteKey other) {
    int byPath = path.compareTo(other.path);
    return byPath != 0 ? byPath : type.compareTo(other.type);
  }
}
