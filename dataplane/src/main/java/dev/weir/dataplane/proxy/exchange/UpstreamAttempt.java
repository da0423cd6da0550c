package dev.weir.dataplane.proxy.exchange;

import dev.weir.contract.snapshot.Endpoint;
import dev.weir.contract.snapshot.RetryCondition;
import dev.weir.contract.snapshot.RetryPolicy;
import dev.weir.contract.snapshot.Timeouts;
import dev.weir.dataplane.balance.BackendEndpoints;
import dev.weir.dataplane.balance.BalancedRequest;
import dev.weir.dataplane.balance.EndpointSelector;
import dev.weir.dataplane.balance.LatencyFeedback;
import dev.weir.dataplane.proxy.LogLimiter;
import dev.weir.dataplane.proxy.upstream.EndpointKey;
import dev.weir.dataplane.proxy.upstream.UpstreamConnection;
import dev.weir.dataplane.proxy.upstream.UpstreamListener;
import dev.weir.dataplane.proxy.upstream.UpstreamPools;
import dev.weir.dataplane.routing.CompiledBackend;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.Future;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upstream side of one exchange: which endpoint of the backend, which pooled connection to it
 * (on the client connection's event loop), and whether a failed attempt is tried again.
 *
 * <p>A failure is retried on another endpoint, up to {@link #maxAttempts} in all and within the
 * {@link #retry} policy's conditions and time budget: a connect failure for every method, since no
 * byte of the request left Weir; a failure after the request was sent only while {@link #mayResend}
 * holds. A pooled connection found closed is retried once on a fresh connection to the same
 * endpoint ({@link #retryOnFreshConnection}). Whatever cannot be retried ends in {@link
 * #unavailable}, which the exchange answers locally.
 *
 * <p>Every attempt's outcome is reported to the backend's endpoints ({@link
 * BackendEndpoints#failed}, {@link BackendEndpoints#succeeded}), which eject an endpoint that keeps
 * failing.
 *
 * <p>{@link Exchange} extends this class rather than holding one, so that a request costs one
 * object; the two share nothing but the fields declared here.
 */
abstract class UpstreamAttempt implements UpstreamListener {
  private static final Logger log = LoggerFactory.getLogger(UpstreamAttempt.class);

  /** The client connection or stream the exchange belongs to. */
  final ClientSide client;

  /** The backend the request was routed to; null when it was not routed (404). */
  CompiledBackend backend;

  /** Chooses the endpoints: the backend's, unless a request policy chose another. */
  EndpointSelector selector;

  /** The backend's timeouts, unless the route has its own. */
  Timeouts timeouts;

  /** How many endpoints may be tried: the backend's connect retries + 1, unless the route says. */
  int maxAttempts;

  /** Which failures are tried again: the backend's, unless the route says. */
  RetryPolicy retry;

  /** When the exchange started, for the retry policy's time budget. */
  long retryClockStart;

  /** The connection in use, or null. */
  UpstreamConnection upstream;

  /** The endpoint of the current or last attempt. */
  Endpoint endpoint;

  /** Endpoints chosen so far, counting retries. */
  int connectAttempts;

  private Set<Endpoint> tried = Set.of();
  // The attempt a LatencyFeedback selector was told of and not yet told the end of, or null.
  private LatencyFeedback feedback;
  private Endpoint measured;
  private long measuredSince;

  UpstreamAttempt(ClientSide client) {
    this.client = client;
  }

  /** Whether the exchange still waits for a connection (false: the client left meanwhile). */
  abstract boolean awaitingConnection();

  /**
   * Whether the request, already written upstream in part or whole, may be sent again: its method
   * is idempotent (or the policy says non-idempotent ones are retried too) and nothing of its body
   * is lost.
   */
  abstract boolean mayResend();

  /** The request as the selector sees it. */
  abstract BalancedRequest balanced();

  /** {@link #upstream} is connected and reads; send the request. */
  abstract void connected();

  /** No connection can be had: the exchange answers {@code answer} itself. */
  abstract void unavailable(HttpResponseStatus answer);

  /**
   * Sends the request's next attempts to {@code other} (the routed backend, a canary's, an error or
   * fallback backend) with its selector, timeouts and connect retries, as a request of its own: no
   * endpoint of it was tried yet.
   */
  final void retarget(CompiledBackend other) {
    backend = other;
    selector = other.selector();
    timeouts = other.timeouts();
    maxAttempts = other.connectRetries() + 1;
    tried = Set.of();
    connectAttempts = 0;
  }

  /** Chooses an endpoint not tried yet and acquires a connection to it. */
  final void connect() {
    connect(false, null);
  }

  /**
   * The reused connection {@code stale} closed before any response: likely a keep-alive connection
   * the backend closed just as it was reused, not a backend failure. Tries the same endpoint again
   * on a new connection.
   */
  final void retryOnFreshConnection(UpstreamConnection stale) {
    log.debug("event=upstream_stale endpoint={}", stale.endpoint);
    connect(true, endpoint);
  }

  private void connect(boolean fresh, Endpoint sameEndpoint) {
    if (sameEndpoint != null) {
      acquire(sameEndpoint, fresh);
      return;
    }
    Endpoint e = selector.select(balanced(), tried);
    if (e == null) {
      unavailable(HttpResponseStatus.BAD_GATEWAY);
    } else {
      connectTo(e);
    }
  }

  /** A new attempt, on {@code e}. */
  private void connectTo(Endpoint e) {
    tried = withTried(e);
    connectAttempts++;
    if (selector instanceof LatencyFeedback f) {
      feedback = f;
      measured = e;
      measuredSince = System.nanoTime();
      f.started(e);
    }
    acquire(e, false);
  }

  private void acquire(Endpoint e, boolean fresh) {
    endpoint = e;
    UpstreamPools pools = client.listener().pools();
    // Only upstream TLS verifies or announces the request's host.
    String host =
        backend.source().protocol().tls() ? balanced().headers().get(HttpHeaderNames.HOST) : null;
    if (!fresh) {
      // A warm pool (nearly every request under load): no promise, no listener.
      UpstreamConnection idle = pools.takeIdle(client.eventLoop(), e, backend.source(), host);
      if (idle != null) {
        use(idle);
        return;
      }
    }
    pools
        .acquire(client.eventLoop(), e, backend.source(), host, timeouts.connectMillis(), fresh)
        .addListener((Future<UpstreamConnection> f) -> acquired(e, f));
  }

  private void acquired(Endpoint e, Future<UpstreamConnection> f) {
    if (!f.isSuccess()) {
      if (awaitingConnection()) {
        acquireFailed(e, f.cause());
      }
      return;
    }
    use(f.getNow());
  }

  /** {@code c} is this attempt's connection, unless the exchange stopped waiting meanwhile. */
  private void use(UpstreamConnection c) {
    if (!awaitingConnection()) {
      client.listener().pools().release(c, true);
      return;
    }
    upstream = c;
    upstream.attach(this);
    upstream.channel.config().setAutoRead(true);
    connected();
  }

  private void acquireFailed(Endpoint e, Throwable cause) {
    if (cause instanceof UpstreamPools.PoolExhaustedException) {
      logFailure("pool_exhausted", e, cause);
      unavailable(HttpResponseStatus.SERVICE_UNAVAILABLE);
      return;
    }
    endMeasure();
    if (cause instanceof UpstreamPools.BackendUnusableException) {
      // Its settings, not an endpoint, are at fault: no other endpoint would do better.
      logFailure("backend_unusable", null, cause);
      unavailable(HttpResponseStatus.BAD_GATEWAY);
      return;
    }
    logFailure(
        cause instanceof UpstreamPools.TlsHandshakeException ? "tls_handshake" : "connect",
        e,
        cause);
    endpointFailed(e);
    // Nothing of the request was written: trying elsewhere is safe whatever its method.
    if (mayTryAgain(
        cause instanceof ConnectTimeoutException ? RetryCondition.TIMEOUT : RetryCondition.ERROR)) {
      connect(false, null);
    } else {
      unavailable(HttpResponseStatus.BAD_GATEWAY);
    }
  }

  /**
   * Whether a failure of kind {@code condition} may be tried on another endpoint, as far as the
   * policy, the tries and the time budget go (whether the request may be sent again is the caller's
   * to know).
   */
  final boolean mayTryAgain(RetryCondition condition) {
    if (connectAttempts >= maxAttempts || !retry.on().contains(condition)) {
      return false;
    }
    long budget = retry.budget();
    return budget == 0 || System.nanoTime() - retryClockStart < budget * 1_000_000L;
  }

  /** An endpoint this request has not tried, or null when none is left. */
  final Endpoint untriedEndpoint() {
    return selector.select(balanced(), tried);
  }

  /**
   * Tries the request on {@code next}, an {@link #untriedEndpoint()}: the attempt before is over
   * and its connection gone.
   */
  final void tryAnotherEndpoint(Endpoint next) {
    connectTo(next);
  }

  /** The attempt on {@code e} failed in a way that counts against the endpoint. */
  final void endpointFailed(Endpoint e) {
    BackendEndpoints endpoints = backend.endpoints();
    if (e != null && endpoints != null) {
      endpoints.failed(e);
    }
  }

  /** The attempt on {@link #endpoint} got a response: its run of failures is over. */
  final void endpointAnswered() {
    BackendEndpoints endpoints = backend.endpoints();
    if (endpoint != null && endpoints != null) {
      endpoints.succeeded(endpoint);
    }
  }

  /** Hands the connection in use back to its pool, or closes it if not {@code reusable}. */
  final void releaseUpstream(boolean reusable) {
    endMeasure();
    UpstreamConnection c = upstream;
    if (c != null) {
      upstream = null;
      client.disarmReadTimer();
      client.listener().pools().release(c, reusable);
    }
  }

  /** Gives up the connection in use: after a failure it can never be reused. */
  final void closeUpstream() {
    endMeasure();
    UpstreamConnection c = upstream;
    if (c != null) {
      upstream = null;
      c.detach();
      c.channel.close();
    }
    client.disarmReadTimer();
  }

  /** The attempt on {@link #endpoint} is over, for a selector that learns from it. */
  final void endMeasure() {
    if (measured != null) {
      feedback.ended(measured, System.nanoTime() - measuredSince);
      measured = null;
    }
  }

  final void logFailure(String reason, Endpoint e, Throwable cause) {
    String backendId = backend == null ? null : backend.id();
    client.listener().metrics().upstreamFailure(backendId, reason);
    long suppressed = LogLimiter.FAILURES.admit(reason + " " + backendId);
    if (suppressed == LogLimiter.SUPPRESS) {
      return;
    }
    log.warn(
        "event=upstream_failure reason={} backend={} endpoint={} attempt={} error={}"
            + " suppressed={}",
        reason,
        backendId,
        e == null ? null : EndpointKey.of(e),
        connectAttempts,
        cause == null
            ? "-"
            : cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ":" + cause.getMessage().replace(' ', '_')),
        suppressed);
  }

  // Most requests connect once: a one-element immutable set then, a HashSet only for retries.
  private Set<Endpoint> withTried(Endpoint e) {
    if (tried.isEmpty()) {
      return Set.of(e);
    }
    Set<Endpoint> more = new HashSet<>(tried);
    more.add(e);
    return more;
  }
}
