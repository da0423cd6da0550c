package dev.weir.operator.annotations;

import dev.weir.contract.snapshot.Hsts;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Weir's per-host HSTS annotations ({@code weir.dev/hsts}, {@code -max-age}, {@code
 * -include-subdomains}, {@code -preload}); ingress-nginx has HSTS only in its ConfigMap. Each set
 * value overrides the controller's.
 */
public record HstsAnnotations(
    Optional<Boolean> enabled,
    OptionalLong maxAgeSeconds,
    Optional<Boolean> includeSubDomains,
    Optional<Boolean> preload) {
  /** None set: the host gets the controller's HSTS. */
  public static final HstsAnnotations NONE =
      new HstsAnnotations(
          Optional.empty(), OptionalLong.empty(), Optional.empty(), Optional.empty());

  /**
   * The host's HSTS header given the controller's ({@code controller} empty: HSTS off by default):
   * none when disabled, else the controller's values (ingress-nginx's defaults when it has none)
   * with these overriding them.
   */
  public Optional<Hsts> over(Optional<Hsts> controller) {
    if (!enabled.orElse(controller.isPresent())) {
      return Optional.empty();
    }
    Hsts base = controller.orElse(Hsts.DEFAULT);
    return Optional.of(
        new Hsts(
            maxAgeSeconds.orElse(base.maxAgeSeconds()),
            includeSubDomains.orElse(base.includeSubDomains()),
            preload.orElse(base.preload())));
  }
}
