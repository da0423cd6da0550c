package dev.weir.dataplane.balance;

import dev.weir.contract.snapshot.Endpoint;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Set;

/**
 * Chooses the endpoint of a backend that receives a request. One instance per backend per snapshot
 * (or, for an affinity cookie, per request); called from any event loop, so shared implementations
 * are thread-safe without locks.
 *
 * <p>The request headers are passed so that a policy can pin a client to an endpoint (cookie
 * affinity reads its cookie here); round robin ignores them.
 */
public interface EndpointSelector {
  /**
   * The endpoint for a request, or null when none is eligible.
   *
   * @param requestHeaders headers of the request being balanced
   * @param tried endpoints this request already failed to connect to; never chosen again
   */
  Endpoint select(HttpHeaders requestHeaders, Set<Endpoint> tried);

  /**
   * As {@link #select(HttpHeaders, Set)}, for selectors that read more of the request than its
   * headers (a consistent-hash key of the URI or the client address). The proxy calls this one.
   */
  default Endpoint select(BalancedRequest request, Set<Endpoint> tried) {
    return select(request.headers(), tried);
  }

  /** Whether {@link #select} can return anything at all (false: answer 503 without trying). */
  boolean hasEndpoints();
}
