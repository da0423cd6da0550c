package dev.weir.dataplane.proxy.policy;

import dev.weir.dataplane.balance.EndpointSelector;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;

/** A request as policies see it, without a connection behind it. */
final class TestRequest implements ProxiedRequest {
  final HttpHeaders headers = new DefaultHttpHeaders();
  String host = "shop.example.com";
  String clientAddress = "192.0.2.7";
  boolean https = true;
  int listenerPort = 443;
  EndpointSelector selector;
  ResponseHook hook;

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
    return "/cart";
  }

  @Override
  public String target() {
    return "/cart?id=1";
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
  public boolean https() {
    return https;
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
    this.hook = hook;
  }
}
