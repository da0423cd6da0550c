package dev.weir.dataplane.proxy.policy;

import dev.weir.contract.snapshot.RetryPolicy;
import dev.weir.contract.snapshot.Timeouts;
import dev.weir.dataplane.balance.BackendEndpoints;
import dev.weir.dataplane.balance.BalancedRequest;
import dev.weir.dataplane.balance.EndpointSelector;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaders;
import javax.net.ssl.SSLSession;

/**
 * A request as its route's {@link RequestPolicy request policies} see it: routed, validated, its
 * hop-by-hop headers already removed, not yet sent anywhere. Valid only during {@link
 * RequestPolicy#apply} (or until an {@link AsyncRequestPolicy} decided), on the request's event
 * loop; a policy must not keep it.
 */
public interface ProxiedRequest extends BalancedRequest {
  /** The headers that go upstream, changed in place. */
  @Override
  HttpHeaders headers();

  /**
   * The TLS session of the client's connection (for HTTP/2, of the connection the stream is on):
   * its SNI name, its client certificate. Null over plain HTTP.
   */
  default SSLSession tlsSession() {
    return null;
  }

  /**
   * Whether the client is a proxy trusted to describe its own client in X-Forwarded-* headers (the
   * data plane's {@code --forwarded-headers-trusted-from}); false when none is configured.
   */
  default boolean forwardedHeadersTrusted() {
    return false;
  }

  /**
   * The address the request came from on the wire: the socket's peer, or a PROXY header's source.
   * It differs from {@link #clientAddress()} only behind trusted proxies, where that is the client
   * their X-Forwarded-For names and this is the last proxy.
   */
  default String peerAddress() {
    return clientAddress();
  }

  /** The port of the listener the client connected to. */
  int listenerPort();

  /**
   * Sends this request to another backend of the snapshot it was routed by (a canary) instead of
   * its route's: that backend's endpoints, balancing, timeouts and connect retries. A policy calls
   * it before any that depends on the backend (affinity, route timeouts).
   *
   * @return false, the route's backend staying, when the snapshot has no backend {@code backendId}
   */
  boolean useBackend(String backendId);

  /** The endpoints of the backend the request was routed to (an affinity cookie picks one). */
  BackendEndpoints endpoints();

  /**
   * Chooses this request's endpoint with {@code selector} instead of the backend's own (a canary
   * split, an endpoint pinned by a cookie). The selector is compiled with the policy, once per
   * snapshot, or made for this request; a request whose selector has no endpoint is answered 503,
   * and connect retries ask the same selector.
   */
  void balanceWith(EndpointSelector selector);

  /**
   * Has {@code hook} amend the final response head from the backend before it goes to the client (a
   * session-affinity cookie, CORS headers). Not called for interim (1xx) responses, nor for answers
   * Weir writes itself; a policy that answers locally builds its whole answer.
   */
  void onResponse(ResponseHook hook);

  /**
   * Refuses a request body longer than {@code maxBytes} as it streams: past the limit the upstream
   * connection is closed mid-body, so the backend never sees a complete request, and the client
   * gets 413 if no response started.
   *
   * @return false if the body already read (a whole HTTP/2 request) is longer: answer 413 now
   */
  boolean limitBody(long maxBytes);

  /**
   * Connect, read and send timeouts of this request's upstream attempts, instead of the backend's.
   */
  void upstreamTimeouts(Timeouts timeouts);

  /** The timeouts of this request's upstream attempts: the route's, else the backend's. */
  Timeouts upstreamTimeouts();

  /** The event loop the request runs on; an {@link AsyncRequestPolicy} calls back on it. */
  EventLoop eventLoop();

  /**
   * How many endpoints this request may be tried on after connect failures, the first included,
   * instead of the backend's connect retries + 1; 0 means every endpoint once.
   */
  void upstreamTries(int tries);

  /** Which failures of this request are retried on another endpoint, instead of the backend's. */
  void upstreamRetry(RetryPolicy retry);

  /**
   * Runs {@code action} once when this request's exchange ends, however it ends (answered, failed,
   * the client gone): a count of requests in progress is given back.
   */
  void whenDone(Runnable action);

  /**
   * Sends {@code pathAndQuery} upstream as the request-target instead of the client's (a rewrite);
   * routing, the access log and {@link #target()} keep the client's.
   */
  void upstreamTarget(String pathAndQuery);
}
