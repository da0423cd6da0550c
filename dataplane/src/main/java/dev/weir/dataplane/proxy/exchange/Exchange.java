package dev.weir.dataplane.proxy.exchange;

import dev.weir.contract.snapshot.Endpoint;
import dev.weir.contract.snapshot.RetryCondition;
import dev.weir.contract.snapshot.RetryPolicy;
import dev.weir.contract.snapshot.Timeouts;
import dev.weir.dataplane.accesslog.AccessLog;
import dev.weir.dataplane.accesslog.AccessLogEntry;
import dev.weir.dataplane.balance.BackendEndpoints;
import dev.weir.dataplane.balance.BalancedRequest;
import dev.weir.dataplane.balance.EndpointSelector;
import dev.weir.dataplane.proxy.LogLimiter;
import dev.weir.dataplane.proxy.http.ClientAddress;
import dev.weir.dataplane.proxy.http.HopByHopHeaders;
import dev.weir.dataplane.proxy.http.TrustedProxies;
import dev.weir.dataplane.proxy.http.ValidatedRequest;
import dev.weir.dataplane.proxy.policy.AsyncRequestPolicy;
import dev.weir.dataplane.proxy.policy.LocalResponse;
import dev.weir.dataplane.proxy.policy.ProxiedRequest;
import dev.weir.dataplane.proxy.policy.RequestPolicy;
import dev.weir.dataplane.proxy.policy.ResponseHook;
import dev.weir.dataplane.proxy.upstream.EndpointKey;
import dev.weir.dataplane.proxy.upstream.UpstreamConnection;
import dev.weir.dataplane.routing.CompiledBackend;
import dev.weir.dataplane.routing.CompiledRoute;
import dev.weir.dataplane.routing.CompiledSnapshot;
import dev.weir.dataplane.routing.ErrorPages;
import dev.weir.dataplane.routing.RoutingTable;
import dev.weir.dataplane.tls.HandshakeRecorder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request and its response, from the request head to the response's last byte: route, take an
 * upstream connection ({@link UpstreamAttempt}), stream the request body up and the response down,
 * or answer locally. Created by {@link ExchangeHandler} for each request head; everything here
 * belongs to this request alone, so nothing is reset between the requests of a connection, and a
 * callback of an exchange that is over finds it over instead of acting on the next one.
 *
 * <p>Nothing of the body is read before an upstream connection is established, which is what makes
 * a connect failure retryable: no byte of the request has been consumed yet.
 */
final class Exchange extends UpstreamAttempt implements ProxiedRequest {
  private static final Logger log = LoggerFactory.getLogger(Exchange.class);
  private static final AsciiString REQUEST_ID = AsciiString.cached("x-request-id");
  private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");

  private enum State {
    /** Head received: routing, then getting an upstream connection. The body waits. */
    CONNECTING,
    /** Relaying the request body upstream. */
    STREAMING,
    /** Request fully sent (or answered locally); waiting for the response to end. */
    SENT,
    /** Answered locally before the request body was read; dropping the rest of it. */
    DISCARDING,
    /** Over; the connection may carry the next exchange. */
    DONE,
    /** Switched to a byte relay (WebSocket); the connection is no longer HTTP. */
    UPGRADED,
    /** The client connection is closing or closed. */
    CLOSED
  }

  private final long startNanos = System.nanoTime();
  private final boolean idempotent;
  private final boolean headRequest;
  private final boolean clientHttp10;
  private final boolean clientKeepAlive;
  private final boolean websocket;
  private final boolean requestBodyExpected;
  private State state = State.CONNECTING;
  private ValidatedRequest request;
  private String virtualHost;
  // The matched route: its Ingress and access-log switch are read when the request is recorded.
  private CompiledRoute route;
  // The snapshot the request was routed by: a policy choosing another backend finds it here.
  private CompiledSnapshot routedBy;
  // The client behind trusted proxies, else the peer; resolved once, before a policy rewrites
  // X-Forwarded-For.
  private String clientAddress;
  // Set by a request policy, else null: most requests have no hook.
  private ResponseHook responseHook;
  private Runnable whenDone;
  private HttpRequest upstreamHead;
  // A rewrite's request-target for upstream; null: the client's.
  private String upstreamTarget;
  // Request body the client sent while no upstream connection was ready: at most one message.
  private HttpContent pendingContent;
  private boolean awaitingUpstreamWritable;
  private boolean requestComplete;
  private long bodyBytesSent;
  // The body as sent, kept while a failure after sending it could still be retried; null: none.
  private ReplayableBody replayable;
  // A route's body limit (Long.MAX_VALUE: none), and what of the body was read against it.
  private long bodyLimit = Long.MAX_VALUE;
  private long bodyBytesRead;
  // Runs out when a write to the upstream stays stalled for the send timeout.
  private ScheduledFuture<?> sendTimer;
  private boolean responseReceived;
  private boolean interimResponse;
  private boolean responseStarted;
  private boolean responseComplete;
  private boolean upstreamKeepAlive;
  // The upstream connection passes a framed body on as bytes (an HTTP/1.1 client), and this
  // response is relayed so: head written as bytes past the response encoder, body as received.
  private boolean relayOffered;
  private boolean relay;
  private boolean closeAfterResponse;
  // The table the request was routed with: its error backend is looked up there.
  private RoutingTable<CompiledBackend> routes;
  // The status an error page replaces (custom errors), 0 until one is fetched: one per request.
  private int replacedStatus;
  // The status to record in the metrics, 0 once recorded.
  private int status;
  private long upstreamSentNanos;
  // For the access log: body bytes each way, and the backend's answer.
  private long requestBodyBytes;
  private long responseBodyBytes;
  private int upstreamStatus;
  private long upstreamNanos = -1;

  Exchange(ClientSide client, HttpRequest request) {
    super(client);
    boolean http2 = client.http2();
    idempotent = isIdempotent(request.method());
    headRequest = HttpMethod.HEAD.equals(request.method());
    clientHttp10 = !http2 && request.protocolVersion().equals(HttpVersion.HTTP_1_0);
    clientKeepAlive = http2 || HttpUtil.isKeepAlive(request);
    websocket = !http2 && HopByHopHeaders.isWebSocketUpgrade(request.headers());
    if (request instanceof FullHttpRequest full) {
      requestBodyExpected = false;
      pendingContent = new DefaultLastHttpContent(full.content(), full.trailingHeaders());
      requestBodyBytes = full.content().readableBytes();
    } else if (http2) {
      requestBodyExpected = true;
    } else {
      requestBodyExpected =
          HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;
    }
  }

  // ---------------------------------------------------------------- request side

  /**
   * Routes the request, prepares its head for upstream, runs its route's request policies, then
   * connects; or answers it locally (no route, a policy's answer, no endpoint).
   */
  void start(ValidatedRequest validated) {
    request = validated;
    clientAddress();
    CompiledSnapshot snapshot = client.listener().snapshot().get();
    routes = snapshot.routes();
    RoutingTable.Match<CompiledBackend> match =
        routes.match(validated.host(), validated.target().path());
    if (match == null) {
      virtualHost = snapshot.routes().virtualHostOf(validated.host());
      RequestPolicy redirect = routes.hostRedirect(validated.host());
      LocalResponse answer = redirect == null ? null : redirect.apply(this);
      respondLocally(answer != null ? answer : LocalResponse.text(HttpResponseStatus.NOT_FOUND));
      return;
    }
    route = match.route();
    routedBy = snapshot;
    virtualHost = route.virtualHost();
    retarget(match.backend());
    retry = backend.source().retry();
    retryClockStart = startNanos;
    prepareUpstreamHeaders();
    LocalResponse answer = route.policies().apply(this);
    if (answer != null) {
      respondLocally(answer);
      return;
    }
    AsyncRequestPolicy deciding = route.policies().deciding();
    if (deciding != null) {
      // Still CONNECTING: no body is read until the decision, so the client's body waits in its
      // connection's flow control.
      deciding.decide(this, this::decided);
      return;
    }
    proxy();
  }

  /** An asynchronous policy's decision: answer, or proxy unless the client left meanwhile. */
  private void decided(LocalResponse answer) {
    if (state != State.CONNECTING) {
      return;
    }
    if (answer != null) {
      respondLocally(answer);
    } else {
      proxy();
    }
  }

  /** The policies let the request through: choose an endpoint and connect. */
  private void proxy() {
    if (!selector.hasEndpoints() && route.errorPages() != null) {
      // ingress-nginx routes a location whose Service has no endpoints to its default-backend.
      CompiledBackend fallback = errorBackend(route.errorPages(), false);
      if (fallback != null) {
        retarget(fallback);
      }
    }
    if (!selector.hasEndpoints()) {
      client.listener().metrics().upstreamFailure(backend.id(), "no_endpoints");
      long suppressed = LogLimiter.FAILURES.admit("no_endpoints " + backend.id());
      if (suppressed != LogLimiter.SUPPRESS) {
        log.warn(
            "event=upstream_failure reason=no_endpoints backend={} host={} suppressed={}",
            backend.id(),
            virtualHost,
            suppressed);
      }
      failLocally(HttpResponseStatus.SERVICE_UNAVAILABLE);
      return;
    }
    upstreamHead =
        new DefaultHttpRequest(
            HttpVersion.HTTP_1_1,
            request.request().method(),
            upstreamTarget != null ? upstreamTarget : request.target().originForm(),
            request.request().headers());
    connect();
  }

  /** Everything of the upstream head that is not a route's choice: framing and hop-by-hop. */
  private void prepareUpstreamHeaders() {
    // The client's request object is not used after this, so its headers are rewritten in place
    // rather than copied.
    HttpHeaders headers = request.request().headers();
    HopByHopHeaders.remove(headers, websocket);
    if (client.http2()) {
      HopByHopHeaders.removeHttp2Extensions(headers);
    }
    // Re-frame the body for HTTP/1.1 upstream: keep a known length, else chunk it.
    if (requestBodyExpected && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    if (request.host() == null) {
      headers.set(HttpHeaderNames.HOST, ClientAddress.reachedAuthority(client.connection()));
    }
  }

  // ---------------------------------------------------------------- as policies see it

  @Override
  public HttpMethod method() {
    return request.request().method();
  }

  @Override
  public String host() {
    return request.host();
  }

  @Override
  public String path() {
    return request.target().path();
  }

  @Override
  public String target() {
    return request.target().originForm();
  }

  @Override
  public HttpHeaders headers() {
    return request.request().headers();
  }

  @Override
  public void upstreamTarget(String pathAndQuery) {
    upstreamTarget = pathAndQuery;
  }

  @Override
  public String clientAddress() {
    if (clientAddress == null) {
      TrustedProxies trusted = client.listener().trustedProxies();
      String behind =
          trusted.isEmpty() || request == null
              ? null
              : trusted.clientBehind(
                  ClientAddress.inetOf(client.connection()),
                  request.request().headers().getAll(X_FORWARDED_FOR));
      clientAddress = behind != null ? behind : ClientAddress.of(client.connection());
    }
    return clientAddress;
  }

  @Override
  public String peerAddress() {
    return ClientAddress.of(client.connection());
  }

  @Override
  public boolean https() {
    return client.listener().https();
  }

  @Override
  public SSLSession tlsSession() {
    SslHandler tls = client.connection().pipeline().get(SslHandler.class);
    return tls == null ? null : tls.engine().getSession();
  }

  @Override
  public boolean forwardedHeadersTrusted() {
    TrustedProxies trusted = client.listener().trustedProxies();
    return !trusted.isEmpty() && trusted.trusts(ClientAddress.inetOf(client.connection()));
  }

  @Override
  public int listenerPort() {
    return ClientAddress.listenerPort(client.connection());
  }

  @Override
  public void balanceWith(EndpointSelector chosen) {
    selector = chosen;
  }

  @Override
  public void whenDone(Runnable action) {
    Runnable before = whenDone;
    whenDone =
        before == null
            ? action
            : () -> {
              before.run();
              action.run();
            };
  }

  private void done() {
    Runnable action = whenDone;
    whenDone = null;
    if (action != null) {
      action.run();
    }
  }

  @Override
  public void onResponse(ResponseHook hook) {
    responseHook = responseHook == null ? hook : ResponseHook.both(responseHook, hook);
  }

  @Override
  public boolean useBackend(String backendId) {
    CompiledBackend other = routedBy.backends().get(backendId);
    if (other == null) {
      return false;
    }
    retarget(other);
    return true;
  }

  @Override
  public BackendEndpoints endpoints() {
    return backend.endpoints();
  }

  @Override
  public boolean limitBody(long maxBytes) {
    bodyLimit = maxBytes;
    return pendingContent == null || pendingContent.content().readableBytes() <= maxBytes;
  }

  @Override
  public void upstreamTimeouts(Timeouts routeTimeouts) {
    timeouts = routeTimeouts;
  }

  @Override
  public Timeouts upstreamTimeouts() {
    return timeouts;
  }

  @Override
  public EventLoop eventLoop() {
    return client.eventLoop();
  }

  @Override
  public void upstreamTries(int tries) {
    maxAttempts = tries == 0 ? Integer.MAX_VALUE : tries;
  }

  @Override
  public void upstreamRetry(RetryPolicy policy) {
    retry = policy;
  }

  void requestContent(HttpContent content) {
    if (content.decoderResult().isFailure()) {
      // A framing error inside the body: what was forwarded can never become a valid request.
      content.release();
      abort(HttpResponseStatus.BAD_REQUEST, "invalid_request_body");
      return;
    }
    boolean last = content instanceof LastHttpContent;
    requestBodyBytes += content.content().readableBytes();
    if (bodyLimit != Long.MAX_VALUE
        && (state == State.CONNECTING || state == State.STREAMING)
        && (bodyBytesRead += content.content().readableBytes()) > bodyLimit) {
      // Closing the upstream connection mid-body: the backend never sees a complete request.
      content.release();
      abort(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "body_too_large");
      return;
    }
    switch (state) {
      case STREAMING -> streamContent(content);
      case CONNECTING -> {
        // Asked for before a stale pooled connection failed; it goes out with the retry. No
        // read is issued while connecting, so there is never more than this one.
        pendingContent = content;
      }
      case DISCARDING -> {
        content.release();
        if (last) {
          requestComplete = true;
          maybeFinish();
        } else {
          client.readNext();
        }
      }
      default -> content.release();
    }
  }

  /** The read cycle ended without the message asked for: ask again if this exchange reads. */
  void readCycleEnded() {
    if (state == State.DISCARDING) {
      client.readNext();
    } else if (state == State.STREAMING && upstream != null) {
      requestMore();
    }
  }

  private void streamContent(HttpContent content) {
    if (upstream == null) {
      // The response already ended early and the connection is on its way to close.
      content.release();
      return;
    }
    bodyBytesSent += content.content().readableBytes();
    if (replayable != null) {
      replayable.keep(content, client.alloc());
    }
    boolean last = content instanceof LastHttpContent;
    upstream.writeContent(content);
    upstream.flush();
    if (last) {
      requestComplete = true;
      state = State.SENT;
      if (!responseStarted) {
        armReadTimer();
      }
      maybeFinish();
    } else {
      requestMore();
    }
  }

  private void requestMore() {
    if (upstream.channel.isWritable()) {
      client.readNext();
    } else {
      awaitingUpstreamWritable = true;
      sendTimer =
          client
              .eventLoop()
              .schedule(this::sendTimedOut, timeouts.sendMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** The upstream took nothing of the request body for the send timeout (nginx's send timeout). */
  private void sendTimedOut() {
    if (!awaitingUpstreamWritable || upstream == null || state != State.STREAMING) {
      return;
    }
    logFailure("send_timeout", endpoint, null);
    endpointFailed(endpoint);
    closeUpstream();
    if (responseStarted) {
      cut();
    } else {
      respondLocally(HttpResponseStatus.GATEWAY_TIMEOUT);
    }
  }

  private void cancelSendTimer() {
    if (sendTimer != null) {
      sendTimer.cancel(false);
      sendTimer = null;
    }
  }

  // ---------------------------------------------------------------- upstream connection

  @Override
  boolean awaitingConnection() {
    return state == State.CONNECTING;
  }

  @Override
  boolean mayResend() {
    // No body byte sent, or all of it sent and kept: nothing of it is lost by sending it again.
    return resendable()
        && (bodyBytesSent == 0 || requestComplete && replayable != null && replayable.whole());
  }

  private boolean resendable() {
    return idempotent || retry.on().contains(RetryCondition.NON_IDEMPOTENT);
  }

  /** The body is not sent again from here on: its buffers go. */
  private void dropReplay() {
    if (replayable != null) {
      replayable.release();
      replayable = null;
    }
  }

  /**
   * Sends the request to another endpoint after the attempt before failed with {@code condition}
   * before any response reached the client, if the policy and the request allow it.
   *
   * @return false: nothing was done, the caller answers the failure
   */
  private boolean resendElsewhere(RetryCondition condition) {
    if (responseStarted || !mayResend() || !mayTryAgain(condition)) {
      return false;
    }
    Endpoint next = untriedEndpoint();
    if (next == null) {
      return false;
    }
    cancelSendTimer();
    awaitingUpstreamWritable = false;
    closeUpstream();
    state = State.CONNECTING;
    responseReceived = false;
    interimResponse = false;
    tryAnotherEndpoint(next);
    return true;
  }

  @Override
  BalancedRequest balanced() {
    return this;
  }

  @Override
  void unavailable(HttpResponseStatus answer) {
    failLocally(answer);
  }

  @Override
  void connected() {
    upstreamSentNanos = System.nanoTime();
    relayOffered = upstream.expectResponse(headRequest, !client.http2() && !clientHttp10);
    upstream.writeHead(upstreamHead);
    if (replayable == null
        && requestBodyExpected
        && bodyBytesSent == 0
        && maxAttempts > 1
        && !retry.on().isEmpty()
        && resendable()) {
      // Only requests that could be resent keep their body; the buffers are referenced, not
      // copied, and let go of when the response starts.
      replayable = new ReplayableBody();
    }
    if (pendingContent != null) {
      HttpContent content = pendingContent;
      pendingContent = null;
      state = State.STREAMING;
      streamContent(content);
    } else if (requestComplete) {
      // A retry after the body (empty, or kept whole) was already read from the client.
      upstream.writeContent(
          replayable != null && bodyBytesSent > 0
              ? replayable.replay()
              : LastHttpContent.EMPTY_LAST_CONTENT);
      upstream.flush();
      state = State.SENT;
      armReadTimer();
    } else {
      upstream.flush();
      state = State.STREAMING;
      requestMore();
    }
  }

  @Override
  public void upstreamWritabilityChanged(UpstreamConnection c) {
    if (c.channel.isWritable() && awaitingUpstreamWritable) {
      awaitingUpstreamWritable = false;
      cancelSendTimer();
      client.readNext();
    }
  }

  @Override
  public void upstreamClosed(UpstreamConnection c, Throwable cause) {
    if (c != upstream) {
      return;
    }
    upstream = null;
    client.disarmReadTimer();
    if (responseComplete) {
      return;
    }
    if (!responseReceived && c.reused() && bodyBytesSent == 0 && idempotent) {
      // Only for idempotent methods: the backend may have read the request and acted on it before
      // closing, and a non-idempotent one must not be repeated behind the client's back (RFC 9110
      // §9.2.2).
      state = State.CONNECTING;
      retryOnFreshConnection(c);
      return;
    }
    logFailure(responseStarted ? "closed_mid_response" : "closed_before_response", endpoint, cause);
    // A kept-alive connection closing as it is reused is the keep-alive race, not the endpoint's
    // failure; a fresh one reset, or one cut mid-response, is.
    if (!c.reused() || responseStarted) {
      endpointFailed(endpoint);
    }
    if (resendElsewhere(RetryCondition.ERROR)) {
      return;
    }
    if (responseStarted) {
      cut();
    } else {
      failLocally(HttpResponseStatus.BAD_GATEWAY);
    }
  }

  // ---------------------------------------------------------------- response side

  @Override
  public void upstreamRead(UpstreamConnection c, Object msg) {
    if (c != upstream || state == State.CLOSED) {
      ReferenceCountUtil.release(msg);
      return;
    }
    responseReceived = true;
    if (msg instanceof ByteBuf bytes && relay && responseStarted) {
      client.relay(bytes);
      applyResponseBackpressure();
    } else if (msg instanceof HttpResponse response) {
      responseHead(response);
    } else if (msg instanceof HttpContent content) {
      responseContent(content);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  private void responseHead(HttpResponse response) {
    if (response.decoderResult().isFailure()) {
      ReferenceCountUtil.release(response);
      failUpstream("invalid_response", response.decoderResult().cause());
      return;
    }
    int code = response.status().code();
    RetryCondition retryStatus = RetryCondition.ofStatus(code);
    if (retryStatus != null && retry.on().contains(retryStatus)) {
      // nginx counts the 5xx a route retries as failures of the endpoint, never 403, 404, 429.
      if (code >= 500) {
        endpointFailed(endpoint);
      }
      if (resendElsewhere(retryStatus)) {
        ReferenceCountUtil.release(response);
        logFailure("http_" + code, endpoint, null);
        return;
      }
    } else {
      endpointAnswered();
    }
    if (code == 101) {
      if (websocket) {
        switchToRelay(response);
      } else {
        // The backend left HTTP for a protocol nobody asked for: nothing it sends can be relayed.
        ReferenceCountUtil.release(response);
        failUpstream("unrequested_protocol_switch", null);
      }
      return;
    }
    if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
      // 100 Continue and friends: pass on, the final response follows. From HTTP/1.1 an empty
      // end follows the head; from HTTP/2 the head comes whole.
      interimResponse = !(response instanceof LastHttpContent);
      if (!clientHttp10) {
        client.write(ResponseHeads.interim(response));
      }
      ReferenceCountUtil.release(response);
      armReadTimer();
      return;
    }
    if (replacesAnswer(code)) {
      // Its body is left unread, so the connection cannot serve another request.
      ReferenceCountUtil.release(response);
      closeUpstream();
      fetchErrorPage(code);
      return;
    }
    if (replacedStatus != 0 && response.status().codeClass() == HttpStatusClass.SUCCESS) {
      // An error page tells the client what happened, not that the page was found: the replaced
      // status is kept (ingress-nginx's custom-error-pages image answers with X-Code's status).
      code = replacedStatus;
      response.setStatus(HttpResponseStatus.valueOf(code));
    }
    responseStarted = true;
    dropReplay();
    status = code;
    upstreamStatus = code;
    upstreamNanos = System.nanoTime() - upstreamSentNanos;
    client.listener().metrics().upstreamLatency(backend.id(), upstreamNanos);
    upstreamKeepAlive = HttpUtil.isKeepAlive(response);
    relay =
        relayOffered
            && !(response instanceof LastHttpContent)
            && (headRequest
                || code == 204
                || code == 304
                || response.headers().contains(HttpHeaderNames.CONTENT_LENGTH)
                || response.headers().contains(HttpHeaderNames.TRANSFER_ENCODING));
    // An early response (before the whole request body arrived) ends the connection: the rest
    // of the body can no longer be told apart from a next request.
    closeAfterResponse =
        ResponseHeads.forClient(
            response,
            responseHook,
            client.http2(),
            headRequest,
            clientHttp10,
            !clientKeepAlive || client.draining() || !requestComplete);
    if (response instanceof LastHttpContent) {
      // An HTTP/2 backend's response without body or trailers (gRPC's Trailers-Only) is one
      // message; an HTTP/1.1 backend's never is.
      endResponse(response);
      return;
    }
    if (relay) {
      client.relay(ResponseHeads.encode(response, client.alloc()));
    } else {
      client.write(response);
    }
    applyResponseBackpressure();
  }

  private void responseContent(HttpContent content) {
    if (interimResponse) {
      content.release();
      if (content instanceof LastHttpContent) {
        interimResponse = false;
      }
      return;
    }
    if (content.decoderResult().isFailure()) {
      Throwable cause = content.decoderResult().cause();
      content.release();
      failUpstream("invalid_response_body", cause);
      return;
    }
    if (!responseStarted) {
      content.release();
      return;
    }
    responseBodyBytes += content.content().readableBytes();
    if (content instanceof LastHttpContent) {
      endResponse(content);
    } else {
      client.write(content);
      applyResponseBackpressure();
    }
  }

  /** {@code last} ends the response (with its trailers, if any): pass it on and let go. */
  private void endResponse(HttpObject last) {
    responseComplete = true;
    client.disarmReadTimer();
    ChannelFuture written;
    if (relay) {
      // The bytes relayed were counted by the decoder, framing aside.
      responseBodyBytes = upstream.responseContentBytes();
      record();
      written = client.relayLast(((LastHttpContent) last).content());
    } else {
      record();
      written = client.writeLast(last);
    }
    releaseUpstream(requestComplete && upstreamKeepAlive);
    written.addListener(f -> responseWritten());
  }

  private void applyResponseBackpressure() {
    if (upstream == null) {
      return;
    }
    if (client.isWritable()) {
      armReadTimer();
    } else {
      // The client is slower than the backend: stop reading it until the client catches up.
      upstream.channel.config().setAutoRead(false);
      client.disarmReadTimer();
    }
  }

  void clientWritabilityChanged() {
    if (client.isWritable() && upstream != null && responseStarted && !responseComplete) {
      upstream.channel.config().setAutoRead(true);
      armReadTimer();
    }
  }

  private void responseWritten() {
    if (state == State.DONE || state == State.CLOSED || state == State.UPGRADED) {
      return;
    }
    if (closeAfterResponse || (client.http2() && !requestComplete)) {
      client.close();
      return;
    }
    if (requestComplete) {
      end();
    }
    // else: DISCARDING the rest of a body after a local answer; maybeFinish() ends it.
  }

  private void maybeFinish() {
    if (responseComplete
        && requestComplete
        && state != State.DONE
        && state != State.CLOSED
        && state != State.UPGRADED
        && !closeAfterResponse) {
      end();
    }
  }

  private void end() {
    dropReplay();
    state = State.DONE;
    client.exchangeEnded(this);
  }

  // ---------------------------------------------------------------- failures

  /** Answers from Weir itself: upstream failures before a response started. */
  private void respondLocally(HttpResponseStatus answer) {
    respondLocally(LocalResponse.text(answer));
  }

  /** Answers from Weir itself: routing misses, policies, upstream failures before a response. */
  private void respondLocally(LocalResponse answer) {
    dropReplay();
    releaseUpstream(false);
    responseStarted = true;
    responseComplete = true;
    status = answer.status().code();
    responseBodyBytes = answer.bodyLength();
    record();
    if (pendingContent != null) {
      requestComplete |= pendingContent instanceof LastHttpContent;
      pendingContent.release();
      pendingContent = null;
    }
    if (!requestBodyExpected) {
      // Without a body only the empty end of the request is still to be read.
      closeAfterResponse = !clientKeepAlive || client.draining();
    } else {
      closeAfterResponse =
          !client.http2() && !requestComplete || !clientKeepAlive || client.draining();
    }
    boolean discard = !requestComplete && !closeAfterResponse;
    state = discard ? State.DISCARDING : State.SENT;
    client
        .writeLast(answer.toResponse(client.alloc(), closeAfterResponse && !client.http2()))
        .addListener(f -> responseWritten());
    // Only after the answer is written: reading on may deliver the end of this request and the
    // next pipelined one at once, and that one's answer must follow this one.
    if (discard) {
      client.readNext();
    }
  }

  private void failUpstream(String reason, Throwable cause) {
    logFailure(reason, endpoint, cause);
    endpointFailed(endpoint);
    closeUpstream();
    if (responseStarted) {
      cut();
    } else {
      failLocally(HttpResponseStatus.BAD_GATEWAY);
    }
  }

  /**
   * Weir's own answer to a failure of the route's backend (502, 503, 504): replaced by an error
   * page when the route's custom errors list it, as nginx's error_page catches the errors it
   * generates.
   */
  private void failLocally(HttpResponseStatus answer) {
    if (!fetchErrorPage(answer.code())) {
      respondLocally(answer);
    }
  }

  /**
   * Asks the error backend for the page replacing {@code status}, if the route's custom errors list
   * it and the request is one that can be asked again (its body, if any, fully read): as nginx's
   * {@code error_page status = @custom_...}, once per request, the request's method on {@code /}
   * without a body, and the error backend's answer relayed with the replaced status when it answers
   * 2xx (its own status otherwise).
   *
   * @return false if nothing is replaced: the caller answers as it would have
   */
  private boolean fetchErrorPage(int status) {
    if (!replacesAnswer(status)) {
      return false;
    }
    ErrorPages pages = route.errorPages();
    replacedStatus = status;
    // The error backend gets no body.
    dropReplay();
    if (pendingContent != null) {
      // A whole HTTP/2 request's body: the error backend gets none.
      requestComplete |= pendingContent instanceof LastHttpContent;
      pendingContent.release();
      pendingContent = null;
    }
    CompiledBackend errors = errorBackend(pages, true);
    if (errors == null) {
      // ingress-nginx's own default backend (no --default-backend-service) answers 404.
      respondLocally(HttpResponseStatus.NOT_FOUND);
      return true;
    }
    HttpRequest head = request.request();
    HttpHeaders headers = head.headers().copy();
    headers.remove(HttpHeaderNames.CONTENT_LENGTH);
    headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
    if (!HttpMethod.GET.equals(head.method()) && !HttpMethod.HEAD.equals(head.method())) {
      headers.set(HttpHeaderNames.CONTENT_LENGTH, 0);
    }
    pages.describe(
        headers,
        status,
        request.target().originForm(),
        headers.get(HttpHeaderNames.ACCEPT),
        clientAddress());
    upstreamHead = new DefaultHttpRequest(HttpVersion.HTTP_1_1, head.method(), "/", headers);
    retarget(errors);
    state = State.CONNECTING;
    responseReceived = false;
    interimResponse = false;
    bodyBytesSent = 0;
    connect();
    return true;
  }

  /**
   * Whether an answer with {@code status} is replaced by an error page: the route lists it, no page
   * replaced an answer yet, and the request's body (if it has one) was read whole. A bodiless
   * request's end may still be unread: it then goes to the error backend as its request's end.
   */
  private boolean replacesAnswer(int status) {
    ErrorPages pages = route == null ? null : route.errorPages();
    return pages != null
        && replacedStatus == 0
        && pages.replaces(status)
        && state != State.CLOSED
        && (requestComplete || !requestBodyExpected);
  }

  /**
   * The route's error backend as of the routing table: the Ingress's default-backend while it has
   * endpoints (ingress-nginx uses a custom default backend only then), else, for error pages
   * ({@code orDefault}), the snapshot's default backend; null if there is none.
   */
  private CompiledBackend errorBackend(ErrorPages pages, boolean orDefault) {
    CompiledBackend own = pages.backendId() == null ? null : routes.backend(pages.backendId());
    if (own != null && own.selector().hasEndpoints()) {
      return own;
    }
    return orDefault ? routes.defaultBackend() : null;
  }

  /** The request itself turned out broken mid-body. */
  private void abort(HttpResponseStatus answer, String reason) {
    long suppressed = LogLimiter.FAILURES.admit("refused " + answer.code() + " " + reason);
    if (suppressed != LogLimiter.SUPPRESS) {
      log.info(
          "event=request_refused status={} reason={} client={} suppressed={}",
          answer.code(),
          reason,
          ClientAddress.of(client.connection()),
          suppressed);
    }
    closeUpstream();
    dropReplay();
    if (responseStarted) {
      cut();
    } else {
      // Not connecting any more: a connection acquired meanwhile goes back to its pool.
      state = State.SENT;
      requestComplete = true;
      closeAfterResponse = true;
      responseStarted = true;
      responseComplete = true;
      status = answer.code();
      responseBodyBytes = LocalResponse.text(answer).bodyLength();
      record();
      client
          .writeLast(LocalResponse.text(answer).toResponse(client.alloc(), !client.http2()))
          .addListener(f -> responseWritten());
    }
  }

  /** A response already under way cannot be turned into an error: cut the client off. */
  private void cut() {
    dropReplay();
    record();
    client.reset();
  }

  private void armReadTimer() {
    if (backend == null || responseComplete) {
      client.disarmReadTimer();
      return;
    }
    client.armReadTimer(timeouts.readMillis());
  }

  void readTimedOut() {
    if (upstream == null || responseComplete) {
      return;
    }
    client.listener().metrics().upstreamFailure(backend.id(), "read_timeout");
    long suppressed = LogLimiter.FAILURES.admit("read_timeout " + backend.id());
    if (suppressed != LogLimiter.SUPPRESS) {
      log.warn(
          "event=upstream_failure reason=read_timeout backend={} endpoint={} timeout_ms={}"
              + " response_started={} suppressed={}",
          backend.id(),
          EndpointKey.of(endpoint),
          timeouts.readMillis(),
          responseStarted,
          suppressed);
    }
    endpointFailed(endpoint);
    if (resendElsewhere(RetryCondition.TIMEOUT)) {
      return;
    }
    closeUpstream();
    if (responseStarted) {
      cut();
    } else {
      failLocally(HttpResponseStatus.GATEWAY_TIMEOUT);
    }
  }

  private void record() {
    done();
    if (status != 0) {
      long nanos = System.nanoTime() - startNanos;
      client
          .listener()
          .metrics()
          .route(virtualHost, backend == null ? null : backend.id())
          .completed(status, nanos, requestBodyBytes, responseBodyBytes);
      AccessLog accessLog = client.listener().accessLog();
      if (accessLog.enabled() && (route == null || route.accessLog())) {
        accessLog.record(accessLogEntry(status, nanos));
      }
      status = 0;
    }
  }

  private AccessLogEntry accessLogEntry(int answered, long nanos) {
    Channel connection = client.connection();
    SSLSession tls = tlsSession();
    HttpRequest head = request == null ? null : request.request();
    return new AccessLogEntry(
        System.currentTimeMillis(),
        clientAddress(),
        request == null ? null : request.host(),
        head == null ? null : head.method().name(),
        request == null ? null : request.target().path(),
        client.http2() ? "HTTP/2" : head == null ? null : head.protocolVersion().text(),
        answered,
        requestBodyBytes,
        responseBodyBytes,
        nanos,
        endpoint == null ? null : EndpointKey.of(endpoint).toString(),
        upstreamStatus,
        upstreamNanos,
        virtualHost,
        route == null ? null : route.ingress(),
        backend == null ? null : backend.id(),
        head == null ? null : head.headers().get(REQUEST_ID),
        tls == null ? null : tls.getProtocol(),
        Boolean.TRUE.equals(connection.attr(HandshakeRecorder.RESUMED).get()));
  }

  // ---------------------------------------------------------------- WebSocket

  private void switchToRelay(HttpResponse response) {
    dropReplay();
    status = 101;
    responseStarted = true;
    responseComplete = true;
    record();
    state = State.UPGRADED;
    endMeasure();
    UpstreamConnection c = upstream;
    upstream = null;
    c.detach();
    client.upgraded();
    WebSocketUpgrade.relay(client.connection(), c, response);
  }

  // ---------------------------------------------------------------- lifecycle

  /** The client connection is being closed: nothing of this exchange is written any more. */
  void connectionClosing() {
    if (state != State.UPGRADED) {
      state = State.CLOSED;
    }
  }

  /** The client connection closed: give back what this exchange holds. */
  void clientClosed() {
    done();
    if (status != 0 && responseStarted) {
      record();
    }
    state = State.CLOSED;
    cancelSendTimer();
    dropReplay();
    endMeasure();
    UpstreamConnection c = upstream;
    if (c != null) {
      upstream = null;
      client.listener().pools().release(c, false);
    }
    if (pendingContent != null) {
      pendingContent.release();
      pendingContent = null;
    }
  }

  private static boolean isIdempotent(HttpMethod method) {
    return HttpMethod.GET.equals(method)
        || HttpMethod.HEAD.equals(method)
        || HttpMethod.OPTIONS.equals(method)
        || HttpMethod.TRACE.equals(method)
        || HttpMethod.PUT.equals(method)
        || HttpMethod.DELETE.equals(method);
  }
}
