package dev.weir.operator.annotations;

import dev.weir.contract.snapshot.Redirect;
import dev.weir.contract.snapshot.Rewrite;
import java.util.Optional;

/**
 * What an Ingress's path and redirect annotations set for each of its paths, as ingress-nginx reads
 * them (its {@code rewrite} and {@code redirect} annotation groups).
 *
 * @param useRegex {@code use-regex}: the Ingress's paths are regular expressions
 * @param target {@code rewrite-target}
 * @param forwardedPrefix {@code x-forwarded-prefix}; read only with {@code rewrite-target}
 * @param appRoot {@code app-root}
 * @param redirect {@code temporal-redirect}, else {@code permanent-redirect}, with its code
 * @param preserveTrailingSlash {@code preserve-trailing-slash}: the HTTPS redirect keeps a trailing
 *     {@code /} of the target, which ingress-nginx otherwise leaves out
 */
public record RewriteAnnotations(
    boolean useRegex,
    Optional<String> target,
    Optional<String> forwardedPrefix,
    Optional<String> appRoot,
    Optional<Redirect> redirect,
    boolean preserveTrailingSlash) {
  public static final RewriteAnnotations NONE =
      new RewriteAnnotations(
          false, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false);

  /**
   * Whether the path {@code path} (as written) is rewritten: a target other than the path itself,
   * as ingress-nginx's {@code needsRewrite} decides.
   */
  public boolean rewrites(String path) {
    return target.isPresent() && !target.get().equals(path);
  }

  /**
   * Whether ingress-nginx matches the path {@code path} of this Ingress as a regular expression,
   * and with it every path of the host ({@code enforceRegexModifier}).
   */
  public boolean regexPath(String path) {
    return useRegex || rewrites(path);
  }

  /** The route's {@link Rewrite} for the path {@code path}, if anything is rewritten. */
  public Optional<Rewrite> rewrite(String path) {
    String rewritten = rewrites(path) ? target.get() : null;
    if (rewritten == null && appRoot.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Rewrite(
            rewritten,
            rewritten == null ? null : forwardedPrefix.orElse(null),
            appRoot.orElse(null)));
  }
}
