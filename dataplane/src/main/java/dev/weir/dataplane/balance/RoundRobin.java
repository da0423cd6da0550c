package dev.weir.dataplane.balance;

import dev.weir.contract.snapshot.Endpoint;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** Round robin over a backend's {@link BackendEndpoints#candidates() candidates}. */
public final class RoundRobin implements EndpointSelector {
  private final List<Endpoint> candidates;
  private final AtomicInteger next = new AtomicInteger();

  public RoundRobin(List<Endpoint> endpoints) {
    this(new BackendEndpoints("", endpoints));
  }

  public RoundRobin(BackendEndpoints endpoints) {
    this.candidates = endpoints.candidates();
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
