package dev.weir.dataplane.proxy.policy;

/**
 * One piece of per-route behaviour, run for each request of its route before the request is proxied
 * (redirects, client certificate checks, auth, CORS, rate limits, rewrites, canary and affinity
 * choices). Compiled once per snapshot with what it needs, and shared by every request of the route
 * on every event loop: an implementation keeps no per-request state, and whatever state it has (a
 * rate limit's counters) is thread-safe without locks.
 *
 * <p>A policy either answers the request itself, or changes what goes upstream through {@link
 * ProxiedRequest} (a header, the endpoint choice, the response head) and lets the next policy run.
 */
@FunctionalInterface
public interface RequestPolicy {
  /**
   * @return the answer to send instead of proxying (the remaining policies do not run), or null to
   *     continue
   */
  LocalResponse apply(ProxiedRequest request);
}
