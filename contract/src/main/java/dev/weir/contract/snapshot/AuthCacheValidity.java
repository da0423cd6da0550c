package dev.weir.contract.snapshot;

import java.util.List;

/**
 * How long auth responses with these statuses are cached: one entry of ingress-nginx's {@code
 * auth-cache-duration} ({@code "200 202 401 5m"}), nginx's {@code proxy_cache_valid}.
 *
 * @param statuses the statuses; empty: 200, 301 and 302, as {@code proxy_cache_valid} with a time
 *     only
 * @param millis how long
 */
public record AuthCacheValidity(List<Integer> statuses, long millis) {
  public AuthCacheValidity {
    statuses = statuses == null ? List.of() : List.copyOf(statuses);
  }

  /** Whether a response with {@code status} is cached under this entry. */
  public boolean covers(int status) {
    return statuses.isEmpty()
        ? status == 200 || status == 301 || status == 302
        : statuses.contains(status);
  }
}
