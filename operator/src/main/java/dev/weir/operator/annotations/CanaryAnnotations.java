package dev.weir.operator.annotations;

import dev.weir.contract.snapshot.Canary;
import java.util.Optional;

/**
 * ingress-nginx's canary annotations of one Ingress. A canary Ingress ({@code canary: "true"})
 * serves no route of its own: its backends become the canaries of the routes of the main Ingress
 * with the same host, path and path type.
 *
 * @param enabled {@code canary}
 * @param header {@code canary-by-header}
 * @param headerValue {@code canary-by-header-value}; only with a header
 * @param headerPattern {@code canary-by-header-pattern}; only with a header and without a value
 * @param cookie {@code canary-by-cookie}
 * @param weight {@code canary-weight}; 0 when unset or invalid
 * @param weightTotal {@code canary-weight-total}; 100 when unset or invalid
 */
public record CanaryAnnotations(
    boolean enabled,
    Optional<String> header,
    Optional<String> headerValue,
    Optional<String> headerPattern,
    Optional<String> cookie,
    int weight,
    int weightTotal) {
  /** Not a canary. */
  public static final CanaryAnnotations NONE =
      new CanaryAnnotations(
          false,
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          0,
          Canary.DEFAULT_WEIGHT_TOTAL);

  /**
   * The canary of a route, to backend {@code backend}, as ingress-nginx's balancer applies these
   * values: a total below 100 counts as 100, and a weight above the total sends everything, below 0
   * nothing.
   */
  public Canary canary(String backend) {
    int total = Math.max(weightTotal, Canary.DEFAULT_WEIGHT_TOTAL);
    return Canary.builder(backend)
        .header(header.orElse(null))
        .headerValue(headerValue.orElse(null))
        .headerPattern(headerPattern.orElse(null))
        .cookie(cookie.orElse(null))
        .weight(Math.max(0, Math.min(weight, total)))
        .weightTotal(total)
        .build();
  }
}
