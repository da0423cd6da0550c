package dev.weir.dataplane.proxy.policy;

import dev.weir.contract.net.AddressRange;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;

/**
 * ingress-nginx's {@code denylist-source-range} and {@code allowlist-source-range}, as its template
 * writes them ({@code deny} each denied range, then {@code allow} each allowed one and {@code deny
 * all}): a client in a denied range, or outside every allowed range, gets 403. The client is the
 * one Weir resolves ({@link ProxiedRequest#clientAddress()}: PROXY protocol and trusted
 * X-Forwarded-For honoured). ACME HTTP-01 challenges pass, so a protected host can get a
 * certificate.
 */
public final class SourceRangeFilter implements RequestPolicy {
  private final List<AddressRange> deny;
  private final List<AddressRange> allow;

  /**
   * @param deny ranges refused; empty: none
   * @param allow ranges served; empty: every client not denied
   */
  public SourceRangeFilter(List<AddressRange> deny, List<AddressRange> allow) {
    this.deny = List.copyOf(deny);
    this.allow = List.copyOf(allow);
  }

  @Override
  public LocalResponse apply(ProxiedRequest request) {
    if (request.path().startsWith(HttpsRedirect.ACME_CHALLENGE)) {
      return null;
    }
    byte[] client = AddressRange.address(request.clientAddress());
    if (AddressRange.anyContains(deny, client)
        || (!allow.isEmpty() && !AddressRange.anyContains(allow, client))) {
      return LocalResponse.text(HttpResponseStatus.FORBIDDEN);
    }
    return null;
  }

  @Override
  public String toString() {
    return "SourceRangeFilter[deny=" + deny + ", allow=" + allow + "]";
  }
}
