package dev.weir.dataplane.routing;

import dev.weir.dataplane.proxy.policy.RequestPolicies;

/**
 * What a request is routed to, compiled once per snapshot: a virtual host's path rule, its default
 * backend, or the snapshot's default backend. The backend is named, not held, and resolved per
 * request through the routing table: a backend whose endpoints change recompiles no route.
 *
 * @param virtualHost the virtual host's name, normalised; null for the snapshot's default backend
 * @param backendId the backend requests go to, unless a policy chooses otherwise
 * @param policies what runs for each request before it is proxied
 */
public record CompiledRoute(String virtualHost, String backendId, RequestPolicies policies) {

  /**
   * A route as the snapshot describes it today: every route carries the same edge policies, then
   * its host's ({@code hostPolicies}: client-certificate authentication). When routes carry
   * settings (annotations), they are compiled here, per rule, into policies after these.
   */
  static CompiledRoute compile(String virtualHost, String backendId, RequestPolicies hostPolicies) {
    return new CompiledRoute(virtualHost, backendId, RequestPolicies.EDGE.then(hostPolicies));
  }
}
