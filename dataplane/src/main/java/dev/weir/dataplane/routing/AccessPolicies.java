package dev.weir.dataplane.routing;

import dev.weir.contract.net.AddressRange;
import dev.weir.contract.snapshot.AccessControl;
import dev.weir.contract.snapshot.RouteSettings;
import dev.weir.dataplane.access.PasswordFile;
import dev.weir.dataplane.proxy.policy.BasicAuthentication;
import dev.weir.dataplane.proxy.policy.CrossOriginSharing;
import dev.weir.dataplane.proxy.policy.RequestPolicy;
import dev.weir.dataplane.proxy.policy.RequestRateLimit;
import dev.weir.dataplane.proxy.policy.SourceRangeFilter;
import dev.weir.dataplane.proxy.policy.Unavailable;
import dev.weir.dataplane.ratelimit.RateLimitZones;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A route's CORS, rate limits and access control as policies, in nginx's phase order: the CORS
 * preflight answer (rewrite phase), then {@code limit_conn}/{@code limit_req} (pre-access), then
 * {@code deny}/{@code allow} and {@code auth_basic} (access, {@code satisfy all}).
 */
final class AccessPolicies {
  private AccessPolicies() {}

  static List<RequestPolicy> compile(RouteSettings settings, RateLimitZones zones) {
    List<RequestPolicy> policies = new ArrayList<>(4);
    if (settings.cors() != null) {
      policies.add(new CrossOriginSharing(settings.cors()));
    }
    if (settings.rateLimit() != null) {
      policies.add(
          new RequestRateLimit(
              zones.zone(settings.rateLimit()),
              AddressRange.parseAll(settings.rateLimit().allowSourceRanges()),
              settings.rateLimit().status()));
    }
    AccessControl access = settings.access();
    if (access != null) {
      if (access.isUnavailable()) {
        policies.add(Unavailable.INSTANCE);
        return policies;
      }
      List<String> deny = Objects.requireNonNullElse(access.denySourceRanges(), List.of());
      List<String> allow = Objects.requireNonNullElse(access.allowSourceRanges(), List.of());
      if (!deny.isEmpty() || !allow.isEmpty()) {
        policies.add(
            new SourceRangeFilter(AddressRange.parseAll(deny), AddressRange.parseAll(allow)));
      }
      if (access.basicAuth() != null) {
        policies.add(
            new BasicAuthentication(
                access.basicAuth().realm(),
                PasswordFile.parse(access.basicAuth().users().reveal())));
      }
    }
    return policies;
  }
}
