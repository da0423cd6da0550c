package dev.weir.dataplane.proxy.upstream;

import dev.weir.contract.snapshot.Endpoint;

/** What upstream connections are pooled by: an endpoint's address and port, not its state. */
public record EndpointKey(String address, int port) {
  public static EndpointKey of(Endpoint e) {
    return new EndpointKey(e.address(), e.port());
  }

  @Override
  public String toString() {
    return address.indexOf(':') >= 0 ? "[" + address + "]:" + port : address + ":" + port;
  }
}
