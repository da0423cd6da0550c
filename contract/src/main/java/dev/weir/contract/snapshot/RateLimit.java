package dev.weir.contract.snapshot;

import java.util.List;
import java.util.Objects;

/**
 * Request rate limits of a route, per client address and per data-plane replica (ingress-nginx's
 * {@code limit-rps}, {@code limit-rpm}, {@code limit-connections}): nginx's {@code limit_req} with
 * {@code burst} and {@code nodelay}, and {@code limit_conn}. The routes of one Ingress share their
 * counters ({@code zone}), as ingress-nginx's zones are per Ingress.
 *
 * @param zone what shares the counters: the owning Ingress ({@code namespace/name}), or for a
 *     snapshot not made from Ingresses any name
 * @param requestsPerSecond absent or 0: no per-second limit
 * @param requestsPerMinute absent or 0: no per-minute limit
 * @param connections concurrent requests per client; absent or 0: no limit
 * @param burstMultiplier the burst is the rate times this; absent: 5
 * @param allowSourceRanges clients never limited (CIDR or address); absent: none
 * @param status the answer to a refused request; absent: 503, as nginx's default {@code
 *     limit_req_status}
 */
public record RateLimit(
    String zone,
    Integer requestsPerSecond,
    Integer requestsPerMinute,
    Integer connections,
    Integer burstMultiplier,
    List<String> allowSourceRanges,
    Integer status) {
  public static final int DEFAULT_BURST_MULTIPLIER = 5;
  public static final int DEFAULT_STATUS = 503;

  public RateLimit {
    Objects.requireNonNull(zone, "zone");
    requestsPerSecond = positive(requestsPerSecond);
    requestsPerMinute = positive(requestsPerMinute);
    connections = positive(connections);
    burstMultiplier = Objects.requireNonNullElse(burstMultiplier, DEFAULT_BURST_MULTIPLIER);
    allowSourceRanges = allowSourceRanges == null ? List.of() : List.copyOf(allowSourceRanges);
    status = Objects.requireNonNullElse(status, DEFAULT_STATUS);
  }

  private static Integer positive(Integer value) {
    return value == null || value <= 0 ? null : value;
  }
}
