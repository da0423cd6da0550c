package dev.weir.dataplane.proxy.policy;

import dev.weir.contract.snapshot.Endpoint;
import dev.weir.dataplane.balance.BackendEndpoints;
import dev.weir.dataplane.balance.EndpointSelector;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import java.util.Objects;
import java.util.Set;

/**
 * One request's side of {@link CookieAffinity}: chooses its endpoint from the cookie the client
 * sent (or a new session), and sets the cookie on the response when the session is new or moved.
 * Made per request and used on its event loop only.
 */
final class AffinitySession implements EndpointSelector, ResponseHook {
  // As long as a request id, and made the same way: 128 random bits in hex.
  private static final int KEY_HEX_DIGITS = 32;
  // A new balanced key is drawn again when it lands on an endpoint that just failed; bounded, as
  // with ingress-nginx's MAX_UPSTREAM_CHECKS_COUNT.
  private static final int NEW_KEY_DRAWS = 20;

  private final CookieAffinity affinity;
  private final BackendEndpoints endpoints;
  private final String cookie;
  private final boolean https;
  private final String userAgent;
  // The tag of this request's backend on a canary route, else null.
  private final String tag;
  // The client's cookie is for another backend, or untagged: its value is issued again, tagged.
  private final boolean retag;
  // The cookie value to set on the response; null: the client's cookie stays.
  private String issue;

  AffinitySession(
      CookieAffinity affinity,
      BackendEndpoints endpoints,
      String cookie,
      boolean https,
      String userAgent) {
    this.affinity = affinity;
    this.endpoints = endpoints;
    this.tag = affinity.tagOf(endpoints.backendId());
    // A cookie of a canary route that is not tagged for this backend (issued before the route had
    // a canary, or for its other backend) still names the session, and is issued again tagged.
    boolean tagged = cookie != null && affinity.tagged();
    this.retag = tagged && !Objects.equals(tag, BackendTags.tagOf(cookie));
    if (tagged) {
      cookie = BackendTags.valueOf(cookie);
    }
    this.cookie = cookie;
    this.https = https;
    this.userAgent = userAgent;
  }

  @Override
  public Endpoint select(HttpHeaders requestHeaders, Set<Endpoint> tried) {
    if (tried.isEmpty()) {
      Endpoint pinned = fromCookie();
      return pinned != null ? pinned : newSession(tried);
    }
    // A retry after a connect failure: a session being created, or one allowed to move, moves
    // with the request; otherwise this request goes elsewhere and the cookie stays for the next.
    if (issue != null || affinity.changeOnFailure()) {
      return newSession(tried);
    }
    return affinity.balanced() ? endpoints.locate(cookie, tried) : endpoints.randomExcept(tried);
  }

  private Endpoint fromCookie() {
    if (cookie == null) {
      return null;
    }
    // An ejected endpoint is treated as one that left: the session moves (and a balanced key
    // walks on along the ring, where it would land if the endpoint were gone).
    Endpoint pinned;
    if (affinity.balanced()) {
      pinned = isKey(cookie) ? endpoints.locate(cookie, Set.of()) : null;
    } else {
      pinned = endpoints.byDigest(cookie);
      if (pinned != null && endpoints.isEjected(pinned)) {
        pinned = null;
      }
    }
    if (pinned != null && retag) {
      issue = cookie;
    }
    return pinned;
  }

  private Endpoint newSession(Set<Endpoint> tried) {
    if (!affinity.balanced()) {
      Endpoint e = endpoints.randomExcept(tried);
      issue = e == null ? null : endpoints.digest(e);
      return e;
    }
    String key = null;
    for (int i = 0; i < NEW_KEY_DRAWS; i++) {
      key = newKey();
      Endpoint e = endpoints.locate(key, Set.of());
      if (e == null || !tried.contains(e)) {
        issue = e == null ? null : key;
        return e;
      }
    }
    Endpoint e = endpoints.locate(key, tried);
    issue = e == null ? null : key;
    return e;
  }

  @Override
  public boolean hasEndpoints() {
    return !endpoints.candidates().isEmpty();
  }

  @Override
  public void amend(HttpResponse response) {
    if (issue != null) {
      response
          .headers()
          .add(
              HttpHeaderNames.SET_COOKIE,
              affinity.setCookie(
                  tag == null ? issue : issue + BackendTags.SEPARATOR + tag,
                  https,
                  userAgent,
                  System.currentTimeMillis()));
    }
  }

  static boolean isKey(String value) {
    if (value.length() != KEY_HEX_DIGITS) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  private static String newKey() {
    return RequestId.newRequestId();
  }
}
