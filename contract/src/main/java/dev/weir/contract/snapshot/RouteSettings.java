package dev.weir.contract.snapshot;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * What an Ingress's annotations set for one path: {@link #NONE} for a path without any, which is
 * how most routes read and what a snapshot without them decodes to. Made with {@link #builder()};
 * null components are how absent JSON fields read.
 *
 * @param affinity cookie session affinity; absent: none
 * @param redirectToHttps a request on the plain HTTP listener gets a 308 to the same URL on https
 *     (except ACME HTTP-01 challenges under {@code /.well-known/acme-challenge/})
 * @param maxBodyBytes requests with a larger body get 413 before anything reaches the backend;
 *     absent or 0: unlimited
 * @param timeouts connect, read and send timeouts of this path's requests; absent: the backend's
 * @param upstreamTries how many endpoints a request may be tried on (the first included) after
 *     connection failures, 0 meaning every endpoint once; absent: the backend's connect retries + 1
 * @param accessLog false: the path's requests are not written to the access log (ingress-nginx's
 *     {@code enable-access-log: "false"}); absent: they are (schema version 3)
 * @param cors cross-origin resource sharing; absent: none (schema version 4)
 * @param access source ranges and basic authentication; absent: anyone (schema version 4)
 * @param rateLimit per-client request limits; absent: none (schema version 4)
 * @param rewrite the path's rewrite, forwarded prefix and app root; absent: none (schema version 4)
 * @param redirect every request is answered with this redirect; absent: none (schema version 4)
 * @param retry which failures are retried on another endpoint ({@code proxy-next-upstream} and
 *     {@code proxy-next-upstream-timeout}); absent: the backend's (schema version 5)
 * @param customErrors error pages and a fallback backend; absent: none (schema version 5)
 * @param externalAuth each request is first authorised by an auth service; absent: none (schema
 *     version 5)
 * @param proxyHeaders the Host sent to the pods, response headers set, Location, Refresh and
 *     Set-Cookie rewrites; absent: none (schema version 5)
 * @param keepTrailingSlash with {@code redirectToHttps}: the redirect keeps the request target
 *     exactly as sent ({@code preserve-trailing-slash}); absent: one {@code /} ending the target
 *     (query included) is left out, as ingress-nginx's redirect does by default (schema version 5;
 *     a snapshot that does not need it is read by data planes that predate it, which keep the
 *     target)
 */
public record RouteSettings(
    Affinity affinity,
    Boolean redirectToHttps,
    Long maxBodyBytes,
    Timeouts timeouts,
    Integer upstreamTries,
    Boolean accessLog,
    Cors cors,
    AccessControl access,
    RateLimit rateLimit,
    Rewrite rewrite,
    Redirect redirect,
    RetryPolicy retry,
    CustomErrors customErrors,
    ExternalAuth externalAuth,
    ProxyHeaders proxyHeaders,
    Boolean keepTrailingSlash) {
  public static final RouteSettings NONE =
      new RouteSettings(
          null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
          null);

  public RouteSettings {
    // Normalised so that a settings object read from JSON with explicit defaults equals NONE.
    redirectToHttps = Boolean.TRUE.equals(redirectToHttps) ? Boolean.TRUE : null;
    maxBodyBytes = maxBodyBytes == null || maxBodyBytes == 0 ? null : maxBodyBytes;
    accessLog = Boolean.FALSE.equals(accessLog) ? Boolean.FALSE : null;
    keepTrailingSlash = Boolean.TRUE.equals(keepTrailingSlash) ? Boolean.TRUE : null;
  }

  /** Whether this is {@link #NONE}: the route behaves as a plain Ingress path. */
  @JsonIgnore
  public boolean isNone() {
    return equals(NONE);
  }

  public boolean redirectsToHttps() {
    return Boolean.TRUE.equals(redirectToHttps);
  }

  /** Whether the HTTPS redirect keeps a trailing {@code /} of the target. */
  public boolean keepsTrailingSlash() {
    return Boolean.TRUE.equals(keepTrailingSlash);
  }

  /** Whether the path's requests are written to the access log (unless it is off altogether). */
  public boolean logsAccess() {
    return accessLog == null;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .affinity(affinity)
        .redirectToHttps(redirectsToHttps())
        .maxBodyBytes(maxBodyBytes)
        .timeouts(timeouts)
        .upstreamTries(upstreamTries)
        .accessLog(logsAccess())
        .cors(cors)
        .access(access)
        .rateLimit(rateLimit)
        .rewrite(rewrite)
        .redirect(redirect)
        .retry(retry)
        .customErrors(customErrors)
        .externalAuth(externalAuth)
        .proxyHeaders(proxyHeaders)
        .keepTrailingSlash(keepsTrailingSlash());
  }

  /**
   * Jackson's filter for a route's settings: {@link #NONE} is left out of the JSON, so routes
   * without annotations encode as before these settings existed.
   */
  static final class OmitNone {
    @Override
    public boolean equals(Object value) {
      return value == null || NONE.equals(value);
    }

    @Override
    public int hashCode() {
      return 0;
    }
  }

  /** Builds {@link RouteSettings}. */
  public static final class Builder {
    private Affinity affinity;
    private boolean redirectToHttps;
    private Long maxBodyBytes;
    private Timeouts timeouts;
    private Integer upstreamTries;
    private boolean accessLog = true;
    private Cors cors;
    private AccessControl access;
    private RateLimit rateLimit;
    private Rewrite rewrite;
    private Redirect redirect;
    private RetryPolicy retry;
    private CustomErrors customErrors;
    private ExternalAuth externalAuth;
    private ProxyHeaders proxyHeaders;
    private boolean keepTrailingSlash;

    private Builder() {}

    public Builder affinity(Affinity value) {
      affinity = value;
      return this;
    }

    public Builder redirectToHttps(boolean value) {
      redirectToHttps = value;
      return this;
    }

    public Builder maxBodyBytes(Long value) {
      maxBodyBytes = value;
      return this;
    }

    public Builder timeouts(Timeouts value) {
      timeouts = value;
      return this;
    }

    public Builder upstreamTries(Integer value) {
      upstreamTries = value;
      return this;
    }

    public Builder accessLog(boolean value) {
      accessLog = value;
      return this;
    }

    public Builder cors(Cors value) {
      cors = value;
      return this;
    }

    public Builder access(AccessControl value) {
      access = value;
      return this;
    }

    public Builder rateLimit(RateLimit value) {
      rateLimit = value;
      return this;
    }

    public Builder rewrite(Rewrite value) {
      rewrite = value;
      return this;
    }

    public Builder redirect(Redirect value) {
      redirect = value;
      return this;
    }

    public Builder retry(RetryPolicy value) {
      retry = value;
      return this;
    }

    public Builder customErrors(CustomErrors value) {
      customErrors = value;
      return this;
    }

    public Builder externalAuth(ExternalAuth value) {
      externalAuth = value;
      return this;
    }

    public Builder proxyHeaders(ProxyHeaders value) {
      proxyHeaders = value;
      return this;
    }

    /** See {@code keepTrailingSlash} of {@link RouteSettings}. */
    public Builder keepTrailingSlash(boolean value) {
      keepTrailingSlash = value;
      return this;
    }

    public RouteSettings build() {
      RouteSettings built =
          new RouteSettings(
              affinity,
              redirectToHttps,
              maxBodyBytes,
              timeouts,
              upstreamTries,
              accessLog,
              cors,
              access,
              rateLimit,
              rewrite,
              redirect,
              retry,
              customErrors,
              externalAuth,
              proxyHeaders,
              keepTrailingSlash);
      // One instance for "none", so the data plane can tell a plain route by identity.
      return built.equals(NONE) ? NONE : built;
    }
  }
}
