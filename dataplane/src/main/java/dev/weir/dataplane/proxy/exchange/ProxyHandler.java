package dev.weir.dataplane.proxy.exchange;

import dev.weir.contract.snapshot.Endpoint;
import dev.weir.dataplane.proxy.Deadline;
import dev.weir.dataplane.proxy.Drainable;
import dev.weir.dataplane.proxy.ListenerContext;
import dev.weir.dataplane.proxy.LogLimiter;
import dev.weir.dataplane.proxy.http.ClientAddress;
import dev.weir.dataplane.proxy.http.ForwardingHeaders;
import dev.weir.dataplane.proxy.http.LocalResponses;
import dev.weir.dataplane.proxy.http.RequestHeaderTimeout;
import dev.weir.dataplane.proxy.http.RequestValidator;
import dev.weir.dataplane.proxy.http.ValidatedRequest;
import dev.weir.dataplane.proxy.listener.HttpPipelines;
import dev.weir.dataplane.proxy.upstream.EndpointKey;
import dev.weir.dataplane.proxy.upstream.UpstreamConnection;
import dev.weir.dataplane.proxy.upstream.UpstreamHandler;
import dev.weir.dataplane.proxy.upstream.UpstreamListener;
import dev.weir.dataplane.proxy.upstream.UpstreamPools;
import dev.weir.dataplane.routing.CompiledBackend;
import dev.weir.dataplane.routing.CompiledSnapshot;
import dev.weir.dataplane.routing.RoutingTable;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proxies the requests of one client connection (HTTP/1.1) or one stream (HTTP/2) to backends, one
 * exchange at a time: route, pick an endpoint, take a pooled upstream connection on this event
 * loop, then stream the request body up and the response down.
 *
 * <p>The client channel does not auto-read: a {@code FlowControlHandler} before this handler
 * delivers one message per {@code read()}, and this handler asks for the next one only when the
 * upstream connection can take it. The response side toggles the upstream connection's auto-read on
 * the client channel's writability. So neither body is ever held in memory beyond one read.
 *
 * <p>Nothing of the body is read before an upstream connection is established, which is what makes
 * a connect failure retryable: no byte of the request has been consumed yet.
 */
public final class ProxyHandler extends ChannelInboundHandlerAdapter
    implements UpstreamListener, Drainable {
  private static final Logger log = LoggerFactory.getLogger(ProxyHandler.class);

  private enum State {
    /** Waiting for a request head. */
    IDLE,
    /** Head received; getting an upstream connection. The body waits in the client socket. */
    CONNECTING,
    /** Relaying the request body upstream. */
    STREAMING,
    /** Request fully sent; waiting for the response to end. */
    SENT,
    /** Answered locally before the request body was read; dropping the rest of it. */
    DISCARDING,
    /** Switched to a byte relay (WebSocket); this handler is gone from the pipeline. */
    UPGRADED,
    CLOSED
  }

  private final ListenerContext listener;
  private final boolean http2;
  private ChannelHandlerContext ctx;
  private boolean readPending;
  private boolean draining;

  // The current exchange.
  private State state = State.IDLE;
  private long startNanos;
  private String virtualHost;
  private CompiledBackend backend;
  private HttpRequest upstreamHead;
  private boolean idempotent;
  private boolean headRequest;
  private boolean clientKeepAlive;
  private boolean clientHttp10;
  private boolean websocket;
  private boolean requestBodyExpected;
  // Request body the client sent while no upstream connection was ready: at most one message.
  private HttpContent pendingContent;
  private Set<Endpoint> tried;
  private Endpoint endpoint;
  private int connectAttempts;
  private UpstreamConnection upstream;
  private boolean awaitingUpstreamWritable;
  private boolean requestComplete;
  private long bodyBytesSent;
  private boolean responseReceived;
  private boolean interimResponse;
  private boolean responseStarted;
  private boolean responseComplete;
  private boolean upstreamKeepAlive;
  private boolean closeAfterResponse;
  private int status;
  private long upstreamSentNanos;
  // Armed and disarmed a few times per request without scheduling a task each time; see Deadline.
  private final Deadline readDeadline = new Deadline(this::readTimedOut);

  public ProxyHandler(ListenerContext listener, boolean http2) {
    this.listener = listener;
    this.http2 = http2;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    if (!http2) {
      ctx.channel().attr(Drainable.KEY).set(this);
    }
    if (ctx.channel().isActive()) {
      readNext();
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    readNext();
    ctx.fireChannelActive();
  }

  private void readNext() {
    if (!readPending && state != State.CLOSED && ctx.channel().isActive()) {
      readPending = true;
      ctx.read();
    }
  }

  // A read cycle may end without the message asked for (FlowControlHandler counts a read() as
  // answered by the end of the cycle): ask again, or the connection would stall.
  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (readPending) {
      readPending = false;
      if (state == State.IDLE || state == State.DISCARDING) {
        readNext();
      } else if (state == State.STREAMING && upstream != null) {
        requestMore();
      }
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    readPending = false;
    if (msg instanceof ValidatedRequest request) {
      if (state == State.IDLE) {
        startExchange(request);
      } else {
        ReferenceCountUtil.release(request.request());
      }
    } else if (msg instanceof HttpContent content) {
      requestContent(content);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  // ---------------------------------------------------------------- request side

  private void startExchange(ValidatedRequest validated) {
    HttpRequest request = validated.request();
    startNanos = System.nanoTime();
    CompiledSnapshot snapshot = listener.snapshot().get();
    RoutingTable.Match<CompiledBackend> match =
        snapshot.routes().match(validated.host(), validated.target().path());
    HttpHeaders headers = request.headers();
    idempotent = isIdempotent(request.method());
    headRequest = HttpMethod.HEAD.equals(request.method());
    clientHttp10 = !http2 && request.protocolVersion().equals(HttpVersion.HTTP_1_0);
    clientKeepAlive = http2 || HttpUtil.isKeepAlive(request);
    websocket = !http2 && ForwardingHeaders.isWebSocketUpgrade(headers);
    tried = Set.of();
    if (request instanceof FullHttpRequest full) {
      requestBodyExpected = false;
      pendingContent = new DefaultLastHttpContent(full.content(), full.trailingHeaders());
    } else if (http2) {
      requestBodyExpected = true;
    } else {
      requestBodyExpected =
          HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;
    }

    if (match == null) {
      virtualHost = snapshot.routes().virtualHostOf(validated.host());
      respondLocally(HttpResponseStatus.NOT_FOUND);
      return;
    }
    virtualHost = match.virtualHost();
    backend = match.backend();
    if (!backend.selector().hasEndpoints()) {
      long suppressed = LogLimiter.FAILURES.admit("no_endpoints " + backend.id());
      if (suppressed != LogLimiter.SUPPRESS) {
        log.warn(
            "event=upstream_failure reason=no_endpoints backend={} host={} suppressed={}",
            backend.id(),
            virtualHost,
            suppressed);
      }
      respondLocally(HttpResponseStatus.SERVICE_UNAVAILABLE);
      return;
    }
    upstreamHead = upstreamRequest(validated);
    state = State.CONNECTING;
    connect(false, null);
  }

  private HttpRequest upstreamRequest(ValidatedRequest validated) {
    HttpRequest request = validated.request();
    // The client's request object is not used after this, so its headers are rewritten in place
    // rather than copied.
    HttpHeaders headers = request.headers();
    ForwardingHeaders.removeHopByHop(headers, websocket);
    if (http2) {
      ForwardingHeaders.removeHttp2Extensions(headers);
    }
    // Re-frame the body for HTTP/1.1 upstream: keep a known length, else chunk it.
    if (requestBodyExpected && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    if (validated.host() == null) {
      headers.set(HttpHeaderNames.HOST, ClientAddress.reachedAuthority(ctx.channel()));
    }
    ForwardingHeaders.setForwarded(
        headers,
        ClientAddress.of(ctx.channel()),
        listener.https(),
        validated.host(),
        ClientAddress.listenerPort(ctx.channel()));
    ForwardingHeaders.ensureRequestId(headers);
    return new DefaultHttpRequest(
        HttpVersion.HTTP_1_1, request.method(), validated.target().originForm(), headers);
  }

  private void requestContent(HttpContent content) {
    if (content.decoderResult().isFailure()) {
      // A framing error inside the body: what was forwarded can never become a valid request.
      content.release();
      abort(HttpResponseStatus.BAD_REQUEST, "invalid_request_body");
      return;
    }
    boolean last = content instanceof LastHttpContent;
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
          readNext();
        }
      }
      default -> content.release();
    }
  }

  private void streamContent(HttpContent content) {
    if (upstream == null) {
      // The response already ended early and the connection is on its way to close.
      content.release();
      return;
    }
    bodyBytesSent += content.content().readableBytes();
    upstream.channel.writeAndFlush(content);
    if (content instanceof LastHttpContent) {
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
      readNext();
    } else {
      awaitingUpstreamWritable = true;
    }
  }

  // ---------------------------------------------------------------- upstream connection

  private void connect(boolean fresh, Endpoint sameEndpoint) {
    Endpoint e = sameEndpoint;
    if (e == null) {
      e = backend.selector().select(upstreamHead.headers(), tried);
      if (e == null) {
        respondLocally(HttpResponseStatus.BAD_GATEWAY);
        return;
      }
      tried = withTried(e);
      connectAttempts++;
    }
    endpoint = e;
    Endpoint target = e;
    listener
        .pools()
        .acquire(ctx.channel().eventLoop(), e, backend.timeouts().connectMillis(), fresh)
        .addListener((Future<UpstreamConnection> f) -> connected(target, f));
  }

  private void connected(Endpoint e, Future<UpstreamConnection> f) {
    if (state != State.CONNECTING) {
      // The client left while we were connecting.
      if (f.isSuccess()) {
        listener.pools().release(f.getNow(), true);
      }
      return;
    }
    if (!f.isSuccess()) {
      Throwable cause = f.cause();
      if (cause instanceof UpstreamPools.PoolExhaustedException) {
        logFailure("pool_exhausted", e, cause);
        respondLocally(HttpResponseStatus.SERVICE_UNAVAILABLE);
        return;
      }
      logFailure("connect", e, cause);
      if (idempotent && bodyBytesSent == 0 && connectAttempts <= backend.connectRetries()) {
        connect(false, null);
      } else {
        respondLocally(HttpResponseStatus.BAD_GATEWAY);
      }
      return;
    }
    upstream = f.getNow();
    upstream.attach(this);
    upstream.channel.config().setAutoRead(true);
    sendHead();
  }

  private void sendHead() {
    Channel up = upstream.channel;
    upstreamSentNanos = System.nanoTime();
    up.write(upstreamHead);
    if (pendingContent != null) {
      HttpContent content = pendingContent;
      pendingContent = null;
      state = State.STREAMING;
      streamContent(content);
    } else if (requestComplete) {
      // A retry after the (empty) body was already read from the client.
      up.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
      state = State.SENT;
      armReadTimer();
    } else {
      up.flush();
      state = State.STREAMING;
      requestMore();
    }
  }

  @Override
  public void upstreamWritabilityChanged(UpstreamConnection c) {
    if (c.channel.isWritable() && awaitingUpstreamWritable) {
      awaitingUpstreamWritable = false;
      readNext();
    }
  }

  @Override
  public void upstreamClosed(UpstreamConnection c, Throwable cause) {
    if (c != upstream) {
      return;
    }
    upstream = null;
    cancelReadTimer();
    if (responseComplete) {
      return;
    }
    if (!responseReceived && c.reused && bodyBytesSent == 0 && idempotent) {
      // Likely a keep-alive connection the backend closed just as we reused it: not a backend
      // failure, so try again on a new connection to the same endpoint. Only for idempotent
      // methods: the backend may have read the request and acted on it before closing, and a
      // non-idempotent one must not be repeated behind the client's back (RFC 9110 §9.2.2).
      log.debug("event=upstream_stale endpoint={}", c.endpoint);
      state = State.CONNECTING;
      connect(true, endpoint);
      return;
    }
    logFailure(responseStarted ? "closed_mid_response" : "closed_before_response", endpoint, cause);
    if (responseStarted) {
      cut();
    } else {
      respondLocally(HttpResponseStatus.BAD_GATEWAY);
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
    if (msg instanceof HttpResponse response) {
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
    if (code == 101 && websocket) {
      switchToRelay(response);
      return;
    }
    if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
      // 100 Continue and friends: pass on, the final response follows.
      interimResponse = true;
      if (!clientHttp10 && code != 101) {
        ForwardingHeaders.removeHopByHop(response.headers(), false);
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        ctx.writeAndFlush(response);
      }
      armReadTimer();
      return;
    }
    responseStarted = true;
    status = code;
    listener.metrics().upstreamLatency(backend.id(), System.nanoTime() - upstreamSentNanos);
    upstreamKeepAlive = HttpUtil.isKeepAlive(response);
    HttpHeaders headers = response.headers();
    ForwardingHeaders.removeHopByHop(headers, false);
    response.setProtocolVersion(HttpVersion.HTTP_1_1);
    if (!http2) {
      boolean bodyless = headRequest || code == 204 || code == 304;
      if (!bodyless && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
        if (clientHttp10) {
          closeAfterResponse = true;
        } else {
          headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
      }
      // An early response (before the whole request body arrived) ends the connection: the rest
      // of the body can no longer be told apart from a next request.
      closeAfterResponse |= !clientKeepAlive || draining || !requestComplete;
      if (closeAfterResponse) {
        headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      } else if (clientHttp10) {
        headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      }
    }
    ctx.writeAndFlush(response);
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
    if (content instanceof LastHttpContent) {
      responseComplete = true;
      cancelReadTimer();
      record();
      ChannelFuture written = ctx.writeAndFlush(content);
      releaseUpstream(requestComplete && upstreamKeepAlive);
      written.addListener(f -> responseWritten());
    } else {
      ctx.writeAndFlush(content);
      applyResponseBackpressure();
    }
  }

  private void applyResponseBackpressure() {
    if (upstream == null) {
      return;
    }
    if (ctx.channel().isWritable()) {
      armReadTimer();
    } else {
      // The client is slower than the backend: stop reading it until the client catches up.
      upstream.channel.config().setAutoRead(false);
      cancelReadTimer();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable() && upstream != null && responseStarted && !responseComplete) {
      upstream.channel.config().setAutoRead(true);
      armReadTimer();
    }
    ctx.fireChannelWritabilityChanged();
  }

  private void responseWritten() {
    if (state == State.CLOSED || state == State.UPGRADED) {
      return;
    }
    if (closeAfterResponse || (http2 && !requestComplete)) {
      close();
      return;
    }
    if (requestComplete) {
      endExchange();
    }
    // else: DISCARDING the rest of a body after a local answer; maybeFinish() ends it.
  }

  private void maybeFinish() {
    if (responseComplete
        && requestComplete
        && state != State.CLOSED
        && state != State.UPGRADED
        && !closeAfterResponse) {
      endExchange();
    }
  }

  private void endExchange() {
    if (state == State.IDLE) {
      return;
    }
    state = State.IDLE;
    backend = null;
    virtualHost = null;
    upstreamHead = null;
    tried = null;
    endpoint = null;
    connectAttempts = 0;
    awaitingUpstreamWritable = false;
    requestComplete = false;
    bodyBytesSent = 0;
    responseReceived = false;
    interimResponse = false;
    responseStarted = false;
    responseComplete = false;
    upstreamKeepAlive = false;
    closeAfterResponse = false;
    status = 0;
    websocket = false;
    if (http2) {
      return;
    }
    if (draining) {
      close();
    } else {
      readNext();
    }
  }

  private void releaseUpstream(boolean reusable) {
    UpstreamConnection c = upstream;
    if (c != null) {
      upstream = null;
      cancelReadTimer();
      listener.pools().release(c, reusable);
    }
  }

  // ---------------------------------------------------------------- failures

  /** Answers from Weir itself: routing misses, upstream failures before a response started. */
  private void respondLocally(HttpResponseStatus answer) {
    releaseUpstream(false);
    responseStarted = true;
    responseComplete = true;
    status = answer.code();
    record();
    if (pendingContent != null) {
      requestComplete |= pendingContent instanceof LastHttpContent;
      pendingContent.release();
      pendingContent = null;
    }
    if (!requestBodyExpected) {
      // Without a body only the empty end of the request is still to be read.
      closeAfterResponse = !clientKeepAlive || draining;
    } else {
      closeAfterResponse = !http2 && !requestComplete || !clientKeepAlive || draining;
    }
    if (!requestComplete && !closeAfterResponse) {
      state = State.DISCARDING;
      readNext();
    } else {
      state = State.SENT;
    }
    ctx.writeAndFlush(LocalResponses.text(ctx.alloc(), answer, closeAfterResponse && !http2))
        .addListener(f -> responseWritten());
  }

  /** Gives up the current upstream connection: it can never be reused after a failure. */
  private void closeUpstream() {
    UpstreamConnection c = upstream;
    if (c != null) {
      upstream = null;
      c.detach();
      c.channel.close();
    }
    cancelReadTimer();
  }

  private void failUpstream(String reason, Throwable cause) {
    logFailure(reason, endpoint, cause);
    closeUpstream();
    if (responseStarted) {
      cut();
    } else {
      respondLocally(HttpResponseStatus.BAD_GATEWAY);
    }
  }

  /** The request itself turned out broken mid-body. */
  private void abort(HttpResponseStatus answer, String reason) {
    long suppressed = LogLimiter.FAILURES.admit("refused " + answer.code() + " " + reason);
    if (suppressed != LogLimiter.SUPPRESS) {
      log.info(
          "event=request_refused status={} reason={} client={} suppressed={}",
          answer.code(),
          reason,
          ClientAddress.of(ctx.channel()),
          suppressed);
    }
    closeUpstream();
    if (responseStarted) {
      cut();
    } else {
      requestComplete = true;
      closeAfterResponse = true;
      responseStarted = true;
      responseComplete = true;
      status = answer.code();
      record();
      ctx.writeAndFlush(LocalResponses.text(ctx.alloc(), answer, !http2))
          .addListener(f -> responseWritten());
    }
  }

  /** A response already under way cannot be turned into an error: cut the client off. */
  private void cut() {
    record();
    close();
  }

  private void armReadTimer() {
    if (backend == null || responseComplete) {
      cancelReadTimer();
      return;
    }
    readDeadline.arm(
        ctx.channel().eventLoop(), backend.timeouts().readMillis(), TimeUnit.MILLISECONDS);
  }

  /** Disarms the read timeout; a pending task stays and finds nothing to do. */
  private void cancelReadTimer() {
    readDeadline.disarm();
  }

  /** Disarms and cancels: the exchange or the connection is over. */
  private void stopReadTimer() {
    readDeadline.stop();
  }

  private void readTimedOut() {
    if (upstream == null || responseComplete) {
      return;
    }
    long suppressed = LogLimiter.FAILURES.admit("read_timeout " + backend.id());
    if (suppressed != LogLimiter.SUPPRESS) {
      log.warn(
          "event=upstream_failure reason=read_timeout backend={} endpoint={} timeout_ms={}"
              + " response_started={} suppressed={}",
          backend.id(),
          EndpointKey.of(endpoint),
          backend.timeouts().readMillis(),
          responseStarted,
          suppressed);
    }
    UpstreamConnection c = upstream;
    upstream = null;
    c.detach();
    c.channel.close();
    if (responseStarted) {
      cut();
    } else {
      respondLocally(HttpResponseStatus.GATEWAY_TIMEOUT);
    }
  }

  private void logFailure(String reason, Endpoint e, Throwable cause) {
    String backendId = backend == null ? null : backend.id();
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

  private void record() {
    if (status != 0) {
      listener
          .metrics()
          .route(virtualHost, backend == null ? null : backend.id())
          .completed(status, System.nanoTime() - startNanos);
      status = 0;
    }
  }

  // ---------------------------------------------------------------- WebSocket

  /**
   * The backend accepted the upgrade: from now on both connections carry WebSocket frames, which
   * Weir relays as bytes. The upstream connection leaves the pool for good.
   */
  private void switchToRelay(HttpResponse response) {
    stopReadTimer();
    status = 101;
    responseStarted = true;
    responseComplete = true;
    record();
    state = State.UPGRADED;
    UpstreamConnection c = upstream;
    upstream = null;
    c.detach();
    Channel up = c.channel;
    Channel down = ctx.channel();
    ForwardingHeaders.removeHopByHop(response.headers(), true);
    // The response encoder runs synchronously within write(), so the 101 is bytes before the
    // HTTP handlers are removed below.
    down.writeAndFlush(response);

    up.pipeline().remove(UpstreamHandler.class);
    up.pipeline().addLast("relay", new ByteRelay(down));
    up.pipeline().remove("http-codec");

    down.attr(Drainable.KEY).set(null);
    down.pipeline().addLast("relay", new ByteRelay(up));
    down.pipeline().remove(RequestValidator.class);
    down.pipeline().remove(this);
    down.pipeline().remove(HttpPipelines.RESPONSE_ENCODER);
    down.pipeline().remove(HttpPipelines.REQUEST_DECODER);
    down.pipeline().remove(RequestHeaderTimeout.BYTES);
    down.pipeline().remove(RequestHeaderTimeout.HEADS);
    down.config().setAutoRead(true);
    up.config().setAutoRead(true);
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public void drain() {
    draining = true;
    if (state == State.IDLE) {
      close();
    }
  }

  @Override
  public void idle() {
    if (state == State.IDLE) {
      close();
    }
  }

  private void close() {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (state != State.UPGRADED) {
      if (status != 0 && responseStarted) {
        record();
      }
      state = State.CLOSED;
      stopReadTimer();
      UpstreamConnection c = upstream;
      if (c != null) {
        upstream = null;
        listener.pools().release(c, false);
      }
      if (pendingContent != null) {
        pendingContent.release();
        pendingContent = null;
      }
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug(
        "event=client_error client={} error={}",
        ClientAddress.of(ctx.channel()),
        cause.getClass().getSimpleName());
    close();
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

  private static boolean isIdempotent(HttpMethod method) {
    return HttpMethod.GET.equals(method)
        || HttpMethod.HEAD.equals(method)
        || HttpMethod.OPTIONS.equals(method)
        || HttpMethod.TRACE.equals(method)
        || HttpMethod.PUT.equals(method)
        || HttpMethod.DELETE.equals(method);
  }
}
