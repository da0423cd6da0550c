package dev.weir.dataplane.proxy.policy;

import dev.weir.contract.snapshot.Affinity;
import dev.weir.contract.snapshot.AffinityMode;
import dev.weir.contract.snapshot.SameSite;
import dev.weir.dataplane.balance.RequestCookies;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.Date;
import java.util.Map;

/**
 * ingress-nginx's cookie session affinity for one route: requests carrying the cookie go to the
 * endpoint it stands for, others get one chosen for them and a cookie naming it. Each request gets
 * an {@link AffinitySession}, which picks the endpoint and amends the response.
 *
 * <ul>
 *   <li>{@code BALANCED}: the cookie holds a random session key, and the key's place on the
 *       backend's {@link dev.weir.dataplane.balance.HashRing consistent-hash ring} is its endpoint.
 *       The ring is derived from the endpoint list alone, so the key means the same endpoint on
 *       every replica, and adding a pod moves only the sessions the new pod takes over.
 *   <li>{@code PERSISTENT}: the cookie holds the endpoint's digest; the session stays on that pod
 *       while it exists, whatever is added. A new session goes to a random endpoint.
 * </ul>
 *
 * <p>A cookie that is garbage, or names an endpoint that left, is served elsewhere and replaced.
 */
public final class CookieAffinity implements RequestPolicy {
  private final Affinity affinity;
  private final boolean balanced;
  // Everything of Set-Cookie after the value that does not depend on the request.
  private final String domainPath;
  private final String sameSite;
  // By backend id; empty unless the route has a canary (see BackendTags).
  private final Map<String, String> backendTags;

  /**
   * @param routePath the cookie's Path when the affinity names none: the path of the Ingress rule
   */
  public CookieAffinity(Affinity affinity, String routePath) {
    this(affinity, routePath, Map.of());
  }

  /**
   * @param backendTags on a route with a canary ({@link CanarySplit#backendTags}): the cookie's
   *     value carries the tag of the backend it was issued for; empty: it carries none
   */
  public CookieAffinity(Affinity affinity, String routePath, Map<String, String> backendTags) {
    this.backendTags = Map.copyOf(backendTags);
    this.affinity = affinity;
    this.balanced = affinity.mode() == AffinityMode.BALANCED;
    StringBuilder attributes = new StringBuilder();
    if (affinity.maxAgeSeconds() != null) {
      attributes.append("; Max-Age=").append(affinity.maxAgeSeconds());
    }
    if (affinity.cookieDomain() != null && !affinity.cookieDomain().isEmpty()) {
      attributes.append("; Domain=").append(affinity.cookieDomain());
    }
    attributes
        .append("; Path=")
        .append(affinity.cookiePath() != null ? affinity.cookiePath() : routePath);
    this.domainPath = attributes.toString();
    this.sameSite = affinity.sameSite() == null ? null : affinity.sameSite().attribute();
  }

  @Override
  public LocalResponse apply(ProxiedRequest request) {
    AffinitySession session =
        new AffinitySession(
            this,
            request.endpoints(),
            RequestCookies.value(request.headers(), affinity.cookieName()),
            request.https(),
            request.headers().get(HttpHeaderNames.USER_AGENT));
    request.balanceWith(session);
    request.onResponse(session);
    return null;
  }

  boolean balanced() {
    return balanced;
  }

  /** The tag of {@code backendId} cookies carry, or null when they carry none. */
  String tagOf(String backendId) {
    return backendTags.isEmpty() ? null : backendTags.get(backendId);
  }

  boolean tagged() {
    return !backendTags.isEmpty();
  }

  boolean changeOnFailure() {
    return affinity.changeOnFailure();
  }

  /** The Set-Cookie value for a session {@code value}, in ingress-nginx's attribute order. */
  String setCookie(String value, boolean https, String userAgent, long nowMillis) {
    StringBuilder cookie = new StringBuilder(96).append(affinity.cookieName()).append('=');
    cookie.append(value);
    if (affinity.expiresSeconds() != null) {
      cookie
          .append("; Expires=")
          .append(DateFormatter.format(new Date(nowMillis + affinity.expiresSeconds() * 1000)));
    }
    cookie.append(domainPath);
    if (affinity.secure() || https) {
      cookie.append("; Secure");
    }
    cookie.append("; HttpOnly");
    if (sameSite != null
        && !(affinity.conditionalSameSiteNone()
            && affinity.sameSite() == SameSite.NONE
            && !sameSiteNoneCompatible(userAgent))) {
      cookie.append("; SameSite=").append(sameSite);
    }
    return cookie.toString();
  }

  /**
   * ingress-nginx's list of user agents that reject {@code SameSite=None} cookies or treat them as
   * Strict (Chrome 40 to 69, iOS 12, Safari on macOS 10.14): they get no SameSite attribute.
   */
  static boolean sameSiteNoneCompatible(String userAgent) {
    if (userAgent == null) {
      return true;
    }
    if (userAgent.contains("Chrome/4")
        || userAgent.contains("Chrome/5")
        || userAgent.contains("Chrome/6")
        || userAgent.contains("CPU iPhone OS 12")
        || userAgent.contains("iPad; CPU OS 12")) {
      return false;
    }
    return !(userAgent.contains("Macintosh")
        && userAgent.contains("Intel Mac OS X 10_14")
        && userAgent.contains("Safari")
        && !userAgent.contains("Chrome"));
  }

  @Override
  public String toString() {
    return "CookieAffinity[" + affinity.mode() + " " + affinity.cookieName() + "]";
  }
}
