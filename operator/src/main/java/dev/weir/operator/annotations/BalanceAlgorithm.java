package dev.weir.operator.annotations;

/**
 * ingress-nginx's {@code load-balance} algorithms that Weir implements. The others it accepts
 * ({@code chash}, {@code chashsubset}, {@code sticky_*}) are internal names ingress-nginx derives
 * from {@code upstream-hash-by} and {@code affinity}, which are read as such.
 */
public enum BalanceAlgorithm {
  /** Endpoints in turn ({@code round_robin}, the default). */
  ROUND_ROBIN,
  /** Peak EWMA ({@code ewma}): prefers the endpoint with the lowest latency-weighted load. */
  EWMA
}
