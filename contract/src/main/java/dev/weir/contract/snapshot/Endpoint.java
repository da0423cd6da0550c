package dev.weir.contract.snapshot;

import java.util.Objects;

/** One pod endpoint of a backend: an IPv4 or IPv6 address (never a host name) and a port. */
public record Endpoint(String address, int port, EndpointState state) {
  public Endpoint {
    state = Objects.requireNonNullElse(state, EndpointState.READY);
  }

  public static Endpoint ready(String address, int port) {
    return new Endpoint(address, port, EndpointState.READY);
  }
}
