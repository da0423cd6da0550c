package dev.weir.operator.annotations;

import dev.weir.contract.snapshot.Affinity;
import dev.weir.contract.snapshot.ExternalAuth;
import dev.weir.contract.snapshot.ProxyHeaders;
import dev.weir.contract.snapshot.RetryCondition;
import dev.weir.contract.snapshot.RetryPolicy;
import dev.weir.contract.snapshot.Timeouts;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What an Ingress's annotations set for each of its paths. Empty values were not set (or were
 * invalid): the controller's defaults apply.
 *
 * @param affinity {@code affinity: cookie} and its {@code session-cookie-*} attributes; the cookie
 *     path is null unless {@code session-cookie-path} is set (the matched path applies)
 * @param sslRedirect {@code ssl-redirect}; empty: the controller's default (on)
 * @param forceSslRedirect {@code force-ssl-redirect}: redirect even without a certificate
 * @param maxBodyBytes {@code proxy-body-size}; 0 is unlimited, empty is Weir's default (unlimited)
 * @param connectTimeoutSeconds {@code proxy-connect-timeout}
 * @param readTimeoutSeconds {@code proxy-read-timeout}
 * @param sendTimeoutSeconds {@code proxy-send-timeout}
 * @param upstreamTries {@code proxy-next-upstream-tries}; 0 is every endpoint once
 * @param accessLog {@code enable-access-log}: false leaves the path's requests out of the access
 *     log
 * @param access CORS, source ranges, basic authentication and rate limits
 * @param rewrite {@code use-regex}, {@code rewrite-target} and the redirects
 * @param nextUpstream {@code proxy-next-upstream}: the failures retried; empty list for {@code off}
 * @param nextUpstreamTimeoutSeconds {@code proxy-next-upstream-timeout}; 0 is no limit
 * @param errors {@code custom-http-errors} and {@code default-backend}
 * @param externalAuth {@code auth-url} and its companions; {@link ExternalAuth#UNAVAILABLE} when
 *     they cannot be applied (the paths fail closed)
 * @param proxyHeaders {@code upstream-vhost}, {@code proxy-redirect-from}/{@code -to}, {@code
 *     proxy-cookie-domain} and {@code proxy-cookie-path}; {@link ProxyHeaders#UNAVAILABLE} when
 *     {@code custom-headers} names no ConfigMap Weir may read (the paths fail closed)
 * @param customHeaders the ConfigMap {@code custom-headers} names: its keys and values are the
 *     response headers set, once the translator has read and checked it
 */
public record PathAnnotations(
    Optional<Affinity> affinity,
    Optional<Boolean> sslRedirect,
    boolean forceSslRedirect,
    OptionalLong maxBodyBytes,
    OptionalInt connectTimeoutSeconds,
    OptionalInt readTimeoutSeconds,
    OptionalInt sendTimeoutSeconds,
    OptionalInt upstreamTries,
    boolean accessLog,
    AccessAnnotations access,
    RewriteAnnotations rewrite,
    Optional<List<RetryCondition>> nextUpstream,
    OptionalInt nextUpstreamTimeoutSeconds,
    ErrorAnnotations errors,
    Optional<ExternalAuth> externalAuth,
    Optional<ProxyHeaders> proxyHeaders,
    Optional<ConfigMapRef> customHeaders) {
  /** No path annotation set. */
  public static final PathAnnotations NONE =
      new PathAnnotations(
          Optional.empty(),
          Optional.empty(),
          false,
          OptionalLong.empty(),
          OptionalInt.empty(),
          OptionalInt.empty(),
          OptionalInt.empty(),
          OptionalInt.empty(),
          true,
          AccessAnnotations.NONE,
          RewriteAnnotations.NONE,
          Optional.empty(),
          OptionalInt.empty(),
          ErrorAnnotations.NONE,
          Optional.empty(),
          Optional.empty(),
          Optional.empty());

  /**
   * Whether plain HTTP requests to the path are redirected to HTTPS, as ingress-nginx decides it:
   * always with {@code force-ssl-redirect}, else when the host has a certificate and {@code
   * ssl-redirect} (or, unset, the controller's default) is on.
   */
  public boolean redirectsToHttps(boolean hostHasTls, boolean sslRedirectByDefault) {
    return forceSslRedirect || (hostHasTls && sslRedirect.orElse(sslRedirectByDefault));
  }

  /**
   * {@code base} with the timeouts these annotations set; empty when they set none, so the
   * backend's timeouts apply unchanged.
   */
  public Optional<Timeouts> timeouts(Timeouts base) {
    if (connectTimeoutSeconds.isEmpty()
        && readTimeoutSeconds.isEmpty()
        && sendTimeoutSeconds.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Timeouts(
            millis(connectTimeoutSeconds, base.connectMillis()),
            millis(readTimeoutSeconds, base.readMillis()),
            (Long) millis(sendTimeoutSeconds, base.sendMillis())));
  }

  /**
   * The retry policy {@code proxy-next-upstream} and {@code proxy-next-upstream-timeout} set; empty
   * when neither is, so the backend's applies. One set alone keeps nginx's default for the other.
   */
  public Optional<RetryPolicy> retry() {
    return retry(RetryPolicy.DEFAULT);
  }

  /**
   * The retry policy {@code proxy-next-upstream} and {@code proxy-next-upstream-timeout} set over
   * {@code base} (the controller's); empty when neither is, so the backend's applies. One set alone
   * keeps {@code base}'s value of the other.
   */
  public Optional<RetryPolicy> retry(RetryPolicy base) {
    if (nextUpstream.isEmpty() && nextUpstreamTimeoutSeconds.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new RetryPolicy(
            nextUpstream.orElse(base.on()),
            nextUpstreamTimeoutSeconds.isPresent()
                ? Long.valueOf(nextUpstreamTimeoutSeconds.getAsInt() * 1000L)
                : base.budgetMillis()));
  }

  private static long millis(OptionalInt seconds, long otherwise) {
    return seconds.isPresent() ? seconds.getAsInt() * 1000L : otherwise;
  }
}
