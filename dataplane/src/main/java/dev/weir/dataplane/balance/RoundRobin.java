package dev.weir.dataplane.balance;

import dev.weir.contract.snapshot.Endpoint;
import dev.weir.contract.snapshot.EndpointState;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Round robin over the ready endpoints of a backend. Terminating endpoints are used only when no
 * endpoint is ready: a pod that is shutting down still serves, and sending it traffic beats a 503
 * (the same rule as Kubernetes' own proxies for terminating endpoints).
 */
public final class RoundRobin implements EndpointSelector {
  private final List<Endpoint> candidates;
  private final AtomicInteger next = new AtomicInteger();

  public RoundRobin(List<Endpoint> endpoints) {
    List<Endpoint> ready = new ArrayList<>();
    List<Endpoint> terminating = new ArrayList<>();
    for (Endpoint e : endpoints) {
      if (e.state() == EndpointState.READY) {
        ready.add(e);
      } else if (e.state() == EndpointState.TERMINATING) {
        terminating.add(e);
      }
    }
    this.candidates = List.copyOf(ready.isEmpty() ? terminating : ready);
  }

  @Override
  public Endpoint select(HttpHeaders requestHeaders, Set<Endpoint> tried) {
    int size = candidates.size();
    if (size == 0) {
      return null;
    }
    int start = Math.floorMod(next.getAndIncrement(), size);
    for (int i = 0; i < size; i++) {
      Endpoint e = candidates.get((start + i) % size);
      if (!tried.contains(e)) {
        return e;
      }
    }
    return null;
  }

  @Override
  public boolean hasEndpoints() {
    return !candidates.isEmpty();
  }
}
