package dev.weir.operator.annotations;

import dev.weir.contract.snapshot.Cors;
import java.util.List;
import java.util.Optional;

/**
 * The CORS, access-control and rate-limit annotations of an Ingress, for each of its paths.
 *
 * @param cors {@code enable-cors: "true"} with the {@code cors-*} values
 * @param denySourceRanges {@code denylist-source-range}, canonical CIDRs; empty: none
 * @param allowSourceRanges {@code allowlist-source-range} (or {@code whitelist-source-range});
 *     empty: none
 * @param basicAuth {@code auth-type: basic} with its Secret
 * @param failsClosed a source range or the basic-auth settings are unusable: the paths answer 503
 * @param rateLimit {@code limit-rps}, {@code limit-rpm}, {@code limit-connections} and their
 *     companions; the zone is the Ingress, set by the translator
 */
public record AccessAnnotations(
    Optional<Cors> cors,
    List<String> denySourceRanges,
    List<String> allowSourceRanges,
    Optional<BasicAuthAnnotations> basicAuth,
    boolean failsClosed,
    Optional<RateLimitAnnotations> rateLimit) {
  public static final AccessAnnotations NONE =
      new AccessAnnotations(
          Optional.empty(), List.of(), List.of(), Optional.empty(), false, Optional.empty());

  public AccessAnnotations {
    denySourceRanges = List.copyOf(denySourceRanges);
    allowSourceRanges = List.copyOf(allowSourceRanges);
  }

  /** {@code auth-type: basic}: where the passwords are and how they are shown. */
  public record BasicAuthAnnotations(SecretRef secret, boolean authMap, String realm) {}

  /** The limits, each 0 when unset. */
  public record RateLimitAnnotations(
      int requestsPerSecond,
      int requestsPerMinute,
      int connections,
      int burstMultiplier,
      List<String> allowSourceRanges,
      Optional<Integer> status) {
    public RateLimitAnnotations {
      allowSourceRanges = List.copyOf(allowSourceRanges);
    }
  }
}
