package dev.weir.dataplane.proxy.policy;

import java.util.List;

/**
 * A route's request policies, in the order they run: compiled once per snapshot per route,
 * immutable, shared by every request of the route. A route without policies holds {@link #NONE},
 * which costs a request nothing: no allocation, and no iteration. A route may end with one {@link
 * AsyncRequestPolicy} ({@link #deciding()}), which runs after the others; routes without one pay a
 * null check.
 */
public final class RequestPolicies {
  public static final RequestPolicies NONE = new RequestPolicies(new RequestPolicy[0]);

  /**
   * What every proxied request gets today, whatever its route: the forwarding headers that describe
   * the client, then a request id.
   */
  public static final RequestPolicies EDGE =
      new RequestPolicies(new RequestPolicy[] {ForwardedHeaders.INSTANCE, RequestId.INSTANCE});

  private final RequestPolicy[] policies;
  private final AsyncRequestPolicy deciding;

  private RequestPolicies(RequestPolicy[] policies) {
    this(policies, null);
  }

  private RequestPolicies(RequestPolicy[] policies, AsyncRequestPolicy deciding) {
    this.policies = policies;
    this.deciding = deciding;
  }

  /** These policies, then {@code last}, which decides asynchronously. */
  public RequestPolicies thenDecide(AsyncRequestPolicy last) {
    return new RequestPolicies(policies, last);
  }

  /** The policy that decides last and asynchronously, or null (most routes). */
  public AsyncRequestPolicy deciding() {
    return deciding;
  }

  public static RequestPolicies of(List<RequestPolicy> policies) {
    return policies.isEmpty() ? NONE : new RequestPolicies(policies.toArray(new RequestPolicy[0]));
  }

  /** These policies, then {@code more}'s (a host's, then a rule's). */
  public RequestPolicies then(RequestPolicies more) {
    if (more.isEmpty() && deciding == null) {
      return more.deciding == null ? this : thenDecide(more.deciding);
    }
    if (isEmpty() && deciding == null) {
      return more;
    }
    RequestPolicy[] both = new RequestPolicy[policies.length + more.policies.length];
    System.arraycopy(policies, 0, both, 0, policies.length);
    System.arraycopy(more.policies, 0, both, policies.length, more.policies.length);
    if (deciding != null && more.deciding != null) {
      throw new IllegalArgumentException("a route decides asynchronously at most once");
    }
    return new RequestPolicies(both, deciding != null ? deciding : more.deciding);
  }

  public boolean isEmpty() {
    return policies.length == 0 && deciding == null;
  }

  public List<RequestPolicy> asList() {
    return List.of(policies);
  }

  /**
   * Runs the policies in order until one answers.
   *
   * @return that answer, or null: proxy the request as the policies left it
   */
  public LocalResponse apply(ProxiedRequest request) {
    for (RequestPolicy policy : policies) {
      LocalResponse answer = policy.apply(request);
      if (answer != null) {
        return answer;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "RequestPolicies" + asList() + (deciding == null ? "" : " then " + deciding);
  }
}
