package dev.weir.contract.snapshot;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a route changes in the headers between the client and its pods, as ingress-nginx's upstream
 * annotations do (schema version 5). Null components are absent: unchanged.
 *
 * @param host the Host header sent to the pods instead of the client's ({@code upstream-vhost},
 *     nginx's {@code proxy_set_header Host})
 * @param responseHeaders set on every response of the route, replacing the pod's of the same name
 *     ({@code custom-headers}, nginx's {@code more_set_headers}); absent or empty: none
 * @param unavailable true: the route answers 503 without proxying (ingress-nginx denies the
 *     location when {@code custom-headers}' ConfigMap is missing or not allowed)
 * @param redirect rewrites the Location and Refresh headers of the pods' responses ({@code
 *     proxy-redirect-from}/{@code -to}, nginx's {@code proxy_redirect})
 * @param cookieDomain rewrites the Domain attribute of the pods' Set-Cookie headers ({@code
 *     proxy-cookie-domain}, nginx's {@code proxy_cookie_domain})
 * @param cookiePath rewrites the Path attribute of the pods' Set-Cookie headers ({@code
 *     proxy-cookie-path}, nginx's {@code proxy_cookie_path})
 */
public record ProxyHeaders(
    String host,
    Map<String, String> responseHeaders,
    Boolean unavailable,
    HeaderRewrite redirect,
    HeaderRewrite cookieDomain,
    HeaderRewrite cookiePath) {
  /** A route answering 503: what a denied {@code custom-headers} becomes. */
  public static final ProxyHeaders UNAVAILABLE =
      new ProxyHeaders(null, null, true, null, null, null);

  public ProxyHeaders {
    // Sorted, so equal settings encode equally whatever order the ConfigMap listed its keys in.
    responseHeaders =
        responseHeaders == null || responseHeaders.isEmpty()
            ? null
            : Collections.unmodifiableSortedMap(new TreeMap<>(responseHeaders));
    unavailable = Boolean.TRUE.equals(unavailable) ? Boolean.TRUE : null;
  }

  @JsonIgnore
  public boolean isUnavailable() {
    return Boolean.TRUE.equals(unavailable);
  }

  /** The response headers to set, empty for none. */
  @JsonIgnore
  public Map<String, String> setResponseHeaders() {
    return Objects.requireNonNullElse(responseHeaders, Map.of());
  }

  /** Whether anything of the pods' responses is changed. */
  @JsonIgnore
  public boolean changesResponses() {
    return responseHeaders != null
        || redirect != null
        || cookieDomain != null
        || cookiePath != null;
  }
}
