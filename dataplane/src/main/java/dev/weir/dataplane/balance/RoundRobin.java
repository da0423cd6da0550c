package dev.weir.dataplane.balance;

import dev.weir.contract.snapshot.Endpoint;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Round robin over a backend's {@link BackendEndpoints#eligible() eligible} endpoints.
 *
 * <p>A retry does not take a turn: it picks at random among the endpoints this request has not
 * tried. Walking on from the failed endpoint, or advancing the shared cursor, would hand the next
 * request the endpoint after a dead one (or the dead one itself), and with one dead of three give
 * its neighbour twice the traffic of the other.
 */
public final class RoundRobin implements EndpointSelector {
  private final BackendEndpoints endpoints;
  private final AtomicInteger next = new AtomicInteger();

  public RoundRobin(List<Endpoint> endpoints) {
    this(new BackendEndpoints("", endpoints));
  }

  public RoundRobin(BackendEndpoints endpoints) {
    this.endpoints = endpoints;
  }

  @Override
  public Endpoint select(HttpHeaders requestHeaders, Set<Endpoint> tried) {
    if (!tried.isEmpty()) {
      return endpoints.randomExcept(tried);
    }
    List<Endpoint> eligible = endpoints.eligible();
    int size = eligible.size();
    if (size == 0) {
      return null;
    }
    return eligible.get(Math.floorMod(next.getAndIncrement(), size));
  }

  @Override
  public boolean hasEndpoints() {
    return !endpoints.candidates().isEmpty();
  }
}
