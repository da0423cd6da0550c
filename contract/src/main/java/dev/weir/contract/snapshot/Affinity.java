package dev.weir.contract.snapshot;

import java.util.Objects;

/**
 * Cookie session affinity of a route: requests carrying the cookie go to the endpoint it maps to,
 * on every replica; others (and ones whose endpoint is gone) are balanced and get a new cookie. The
 * cookie is always HttpOnly. Made with {@link #builder()}; null components are how absent JSON
 * fields read.
 *
 * @param mode {@link AffinityMode}; absent: balanced
 * @param cookieName absent: {@code INGRESSCOOKIE}
 * @param cookiePath the cookie's Path; absent: the route's path
 * @param cookieDomain the cookie's Domain; absent: none (the request's host)
 * @param maxAgeSeconds Max-Age; absent: a session cookie
 * @param expiresSeconds Expires, this many seconds after the response; absent: none
 * @param sameSite absent: no SameSite attribute
 * @param conditionalSameSiteNone leave {@code SameSite=None} out for user agents known to refuse it
 * @param secure always mark the cookie Secure (it is marked Secure on HTTPS anyway)
 * @param changeOnFailure when the endpoint of a cookie fails, issue a cookie for the endpoint the
 *     request was retried on (otherwise the cookie is kept)
 */
public record Affinity(
    AffinityMode mode,
    String cookieName,
    String cookiePath,
    String cookieDomain,
    Long maxAgeSeconds,
    Long expiresSeconds,
    SameSite sameSite,
    Boolean conditionalSameSiteNone,
    Boolean secure,
    Boolean changeOnFailure) {
  public static final String DEFAULT_COOKIE_NAME = "INGRESSCOOKIE";

  public Affinity {
    mode = Objects.requireNonNullElse(mode, AffinityMode.BALANCED);
    cookieName = Objects.requireNonNullElse(cookieName, DEFAULT_COOKIE_NAME);
    conditionalSameSiteNone = Boolean.TRUE.equals(conditionalSameSiteNone);
    secure = Boolean.TRUE.equals(secure);
    changeOnFailure = Boolean.TRUE.equals(changeOnFailure);
  }

  /** A balanced cookie named {@code INGRESSCOOKIE}, every attribute at its default. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds an {@link Affinity}. */
  public static final class Builder {
    private AffinityMode mode = AffinityMode.BALANCED;
    private String cookieName = DEFAULT_COOKIE_NAME;
    private String cookiePath;
    private String cookieDomain;
    private Long maxAgeSeconds;
    private Long expiresSeconds;
    private SameSite sameSite;
    private boolean conditionalSameSiteNone;
    private boolean secure;
    private boolean changeOnFailure;

    private Builder() {}

    public Builder mode(AffinityMode value) {
      mode = value;
      return this;
    }

    public Builder cookieName(String value) {
      cookieName = value;
      return this;
    }

    public Builder cookiePath(String value) {
      cookiePath = value;
      return this;
    }

    public Builder cookieDomain(String value) {
      cookieDomain = value;
      return this;
    }

    public Builder maxAgeSeconds(Long value) {
      maxAgeSeconds = value;
      return this;
    }

    public Builder expiresSeconds(Long value) {
      expiresSeconds = value;
      return this;
    }

    public Builder sameSite(SameSite value) {
      sameSite = value;
      return this;
    }

    public Builder conditionalSameSiteNone(boolean value) {
      conditionalSameSiteNone = value;
      return this;
    }

    public Builder secure(boolean value) {
      secure = value;
      return this;
    }

    public Builder changeOnFailure(boolean value) {
      changeOnFailure = value;
      return this;
    }

    public Affinity build() {
      return new Affinity(
          mode,
          cookieName,
          cookiePath,
          cookieDomain,
          maxAgeSeconds,
          expiresSeconds,
          sameSite,
          conditionalSameSiteNone,
          secure,
          changeOnFailure);
    }
  }
}
