package dev.weir.dataplane.proxy.policy;

/**
 * A request policy that has to ask someone else before it can decide (external authentication asks
 * an auth service). It runs after a route's {@link RequestPolicy synchronous policies}, as nginx's
 * {@code auth_request} runs last in the access phase; the request waits meanwhile with its body
 * unread, so a client's body is held back by TCP or HTTP/2 flow control rather than buffered.
 *
 * <p>Like a {@link RequestPolicy} it is compiled once per snapshot and shared by every request of
 * its route on every event loop. It is called on the request's event loop and must call {@link
 * Decision#decided} exactly once, on that event loop; until then it may change the request through
 * {@link ProxiedRequest}, and not after.
 */
@FunctionalInterface
public interface AsyncRequestPolicy {
  void decide(ProxiedRequest request, Decision decision);

  /** Where the policy's decision goes. */
  @FunctionalInterface
  interface Decision {
    /**
     * @param answer the answer to send instead of proxying, or null to proxy the request
     */
    void decided(LocalResponse answer);
  }
}
