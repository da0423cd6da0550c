package dev.weir.dataplane.proxy.policy;

import dev.weir.contract.net.AddressRange;
import dev.weir.dataplane.ratelimit.RateLimitZone;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;

/**
 * ingress-nginx's {@code limit-rps}, {@code limit-rpm} and {@code limit-connections}: per client
 * address (as Weir resolves it) and per data-plane replica, a request over a limit is answered with
 * the configured status (503 by default, nginx's {@code limit_req_status}); clients in {@code
 * limit-allowlist} are never limited.
 */
public final class RequestRateLimit implements RequestPolicy {
  private final RateLimitZone zone;
  private final List<AddressRange> exempt;
  private final HttpResponseStatus refused;

  public RequestRateLimit(RateLimitZone zone, List<AddressRange> exempt, int status) {
    this.zone = zone;
    this.exempt = List.copyOf(exempt);
    this.refused = HttpResponseStatus.valueOf(status);
  }

  @Override
  public LocalResponse apply(ProxiedRequest request) {
    String client = request.clientAddress();
    if (!exempt.isEmpty() && AddressRange.anyContains(exempt, AddressRange.address(client))) {
      return null;
    }
    if (!zone.tryAcquire(client)) {
      return LocalResponse.text(refused);
    }
    if (zone.limitsConnections()) {
      request.whenDone(() -> zone.release(client));
    }
    return null;
  }

  @Override
  public String toString() {
    return "RequestRateLimit[status=" + refused.code() + "]";
  }
}
