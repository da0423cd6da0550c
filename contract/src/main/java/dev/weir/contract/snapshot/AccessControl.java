package dev.weir.contract.snapshot;

import java.util.List;

/**
 * Who may use a route: ingress-nginx's {@code denylist-source-range}, {@code
 * allowlist-source-range} (403 for a refused client) and basic authentication (401). Requests under
 * {@code /.well-known/acme-challenge/} are exempt, so certificates can be issued for a protected
 * host.
 *
 * @param denySourceRanges client address ranges refused (CIDR or address); absent: none
 * @param allowSourceRanges when present, only clients in these ranges are served
 * @param basicAuth absent: none
 * @param unavailable the access rules the Ingress wrote cannot be applied (an invalid list, a
 *     missing or unusable password Secret): fail closed, every request is answered 503
 */
public record AccessControl(
    List<String> denySourceRanges,
    List<String> allowSourceRanges,
    BasicAuth basicAuth,
    Boolean unavailable) {
  /** Access rules that cannot be applied: the route refuses every request. */
  public static final AccessControl UNAVAILABLE = new AccessControl(null, null, null, true);

  public AccessControl {
    denySourceRanges = denySourceRanges == null ? null : List.copyOf(denySourceRanges);
    allowSourceRanges = allowSourceRanges == null ? null : List.copyOf(allowSourceRanges);
    unavailable = Boolean.TRUE.equals(unavailable) ? Boolean.TRUE : null;
  }

  public boolean isUnavailable() {
    return Boolean.TRUE.equals(unavailable);
  }
}
