package dev.weir.dataplane.proxy.policy;

import dev.weir.contract.snapshot.Endpoint;
import dev.weir.contract.snapshot.RetryPolicy;
import dev.weir.contract.snapshot.Timeouts;
import dev.weir.dataplane.balance.BackendEndpoints;
import dev.weir.dataplane.balance.EndpointSelector;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;

/** A request as policies see it, without a connection behind it. */
final class TestRequest implements ProxiedRequest {
  final HttpHeaders headers = new DefaultHttpHeaders();
  String host = "shop.example.com";
  String clientAddress = "192.0.2.7";
  // null: the client itself is the peer
  String peerAddress;
  boolean https = true;
  boolean forwardedHeadersTrusted;
  int listenerPort = 443;
  String path = "/cart";
  String target = "/cart?id=1";
  BackendEndpoints endpoints =
      new BackendEndpoints(
          "shop/web:80", List.of(Endpoint.ready("10.0.0.1", 80), Endpoint.ready("10.0.0.2", 80)));
  // The body already read, as a whole HTTP/2 request has it; 0: none yet.
  long bodyRead;
  EndpointSelector selector;
  ResponseHook hook;
  long bodyLimit = Long.MAX_VALUE;
  Timeouts timeouts;
  Integer tries;
  RetryPolicy retry;
  Runnable whenDone;
  String upstreamTarget;
  // The backend a policy chose instead of the route's; null: none.
  String usedBackend;

  @Override
  public HttpMethod method() {
    return HttpMethod.GET;
  }

  @Override
  public String host() {
    return host;
  }

  @Override
  public String path() {
    return path;
  }

  @Override
  public String target() {
    return target;
  }

  @Override
  public HttpHeaders headers() {
    return headers;
  }

  @Override
  public String clientAddress() {
    return clientAddress;
  }

  @Override
  public String peerAddress() {
    return peerAddress != null ? peerAddress : clientAddress;
  }

  @Override
  public boolean https() {
    return https;
  }

  @Override
  public boolean forwardedHeadersTrusted() {
    return forwardedHeadersTrusted;
  }

  @Override
  public int listenerPort() {
    return listenerPort;
  }

  @Override
  public void balanceWith(EndpointSelector selector) {
    this.selector = selector;
  }

  @Override
  public void onResponse(ResponseHook hook) {
    this.hook = this.hook == null ? hook : ResponseHook.both(this.hook, hook);
  }

  @Override
  public boolean useBackend(String backendId) {
    usedBackend = backendId;
    return true;
  }

  @Override
  public BackendEndpoints endpoints() {
    return endpoints;
  }

  @Override
  public boolean limitBody(long maxBytes) {
    bodyLimit = maxBytes;
    return bodyRead <= maxBytes;
  }

  @Override
  public void upstreamTimeouts(Timeouts value) {
    timeouts = value;
  }

  @Override
  public Timeouts upstreamTimeouts() {
    return timeouts == null ? Timeouts.DEFAULTS : timeouts;
  }

  @Override
  public EventLoop eventLoop() {
    throw new UnsupportedOperationException("a test request runs on no event loop");
  }

  @Override
  public void upstreamTries(int value) {
    tries = value;
  }

  @Override
  public void upstreamRetry(RetryPolicy value) {
    retry = value;
  }

  @Override
  public void whenDone(Runnable action) {
    whenDone = action;
  }

  @Override
  public void upstreamTarget(String pathAndQuery) {
    upstreamTarget = pathAndQuery;
  }
}
