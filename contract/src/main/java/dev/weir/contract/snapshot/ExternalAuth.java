package dev.weir.contract.snapshot;

import java.util.List;
import java.util.Objects;

/**
 * External authentication of a route (ingress-nginx's {@code auth-url} and companions, nginx's
 * {@code auth_request}): each request is first sent, without its body, to an auth service; a 2xx
 * lets it through, 401 and 403 go back to the client, anything else is 500. Templates may use the
 * nginx variables {@link RequestTemplate} knows. Made with {@link #builder(String)}; null
 * components are how absent JSON fields read (schema version 5).
 *
 * @param url the auth service's http or https URL, a {@link RequestTemplate}; null when {@code
 *     unavailable}
 * @param method the sub-request's method; absent: GET (and no {@code X-Original-URI}/{@code
 *     X-Scheme}, as ingress-nginx sets those only with {@code auth-method})
 * @param signin where a 401 is redirected to (302), a {@link RequestTemplate}; absent: the 401 is
 *     the answer
 * @param signinRedirectParam the query parameter of {@code signin} carrying the original URL;
 *     absent: {@code rd}
 * @param requestRedirect the {@code X-Auth-Request-Redirect} value; absent: the request's URI
 * @param responseHeaders headers copied from the auth response onto the upstream request, replacing
 *     the client's (removed when the auth response has none); absent: none
 * @param cacheKey the {@link RequestTemplate} auth responses are cached by; absent: no cache
 * @param cacheValidity which statuses are cached and how long; used with {@code cacheKey}
 * @param alwaysSetCookie the auth response's {@code Set-Cookie} goes on every answer, not only on
 *     2xx and 3xx ones
 * @param keepaliveConnections idle connections kept to the auth service per event loop; absent or
 *     0: a connection per sub-request
 * @param keepaliveRequests sub-requests per kept connection; absent: 1000
 * @param keepaliveTimeoutMillis how long a kept connection may idle; absent: 60 s
 * @param unavailable the Ingress's external-auth settings cannot be applied (an invalid URL): fail
 *     closed, every request is answered 503
 */
public record ExternalAuth(
    String url,
    String method,
    String signin,
    String signinRedirectParam,
    String requestRedirect,
    List<String> responseHeaders,
    String cacheKey,
    List<AuthCacheValidity> cacheValidity,
    Boolean alwaysSetCookie,
    Integer keepaliveConnections,
    Integer keepaliveRequests,
    Long keepaliveTimeoutMillis,
    Boolean unavailable) {
  /** External auth that cannot be applied: the route refuses every request. */
  public static final ExternalAuth UNAVAILABLE =
      new ExternalAuth(
          null, null, null, null, null, null, null, null, null, null, null, null, true);

  public static final String DEFAULT_SIGNIN_REDIRECT_PARAM = "rd";
  public static final int DEFAULT_KEEPALIVE_REQUESTS = 1000;
  public static final long DEFAULT_KEEPALIVE_TIMEOUT_MILLIS = 60_000;

  public ExternalAuth {
    responseHeaders =
        responseHeaders == null || responseHeaders.isEmpty() ? null : List.copyOf(responseHeaders);
    cacheValidity =
        cacheValidity == null || cacheValidity.isEmpty() ? null : List.copyOf(cacheValidity);
    alwaysSetCookie = Boolean.TRUE.equals(alwaysSetCookie) ? Boolean.TRUE : null;
    keepaliveConnections =
        keepaliveConnections == null || keepaliveConnections == 0 ? null : keepaliveConnections;
    unavailable = Boolean.TRUE.equals(unavailable) ? Boolean.TRUE : null;
  }

  /**
   * Why {@code template} cannot be an auth or signin URL (an http or https URL with a host, with
   * only the variables {@link RequestTemplate} knows), or null.
   */
  public static String urlProblem(String template) {
    return ExternalAuthCheck.urlProblem(template);
  }

  public boolean isUnavailable() {
    return Boolean.TRUE.equals(unavailable);
  }

  public String methodOrGet() {
    return method == null ? "GET" : method;
  }

  public String signinRedirectParamOrDefault() {
    return signinRedirectParam == null ? DEFAULT_SIGNIN_REDIRECT_PARAM : signinRedirectParam;
  }

  public List<String> responseHeadersOrNone() {
    return responseHeaders == null ? List.of() : responseHeaders;
  }

  public List<AuthCacheValidity> cacheValidityOrNone() {
    return cacheValidity == null ? List.of() : cacheValidity;
  }

  public boolean setsCookieAlways() {
    return Boolean.TRUE.equals(alwaysSetCookie);
  }

  public int keepaliveConnectionsOrNone() {
    return keepaliveConnections == null ? 0 : keepaliveConnections;
  }

  public int keepaliveRequestsOrDefault() {
    return keepaliveRequests == null ? DEFAULT_KEEPALIVE_REQUESTS : keepaliveRequests;
  }

  public long keepaliveTimeoutMillisOrDefault() {
    return keepaliveTimeoutMillis == null
        ? DEFAULT_KEEPALIVE_TIMEOUT_MILLIS
        : keepaliveTimeoutMillis;
  }

  public static Builder builder(String url) {
    return new Builder(Objects.requireNonNull(url, "url"));
  }

  /** Builds {@link ExternalAuth}. */
  public static final class Builder {
    private final String url;
    private String method;
    private String signin;
    private String signinRedirectParam;
    private String requestRedirect;
    private List<String> responseHeaders;
    private String cacheKey;
    private List<AuthCacheValidity> cacheValidity;
    private boolean alwaysSetCookie;
    private Integer keepaliveConnections;
    private Integer keepaliveRequests;
    private Long keepaliveTimeoutMillis;

    private Builder(String url) {
      this.url = url;
    }

    public Builder method(String value) {
      method = value;
      return this;
    }

    public Builder signin(String value) {
      signin = value;
      return this;
    }

    public Builder signinRedirectParam(String value) {
      signinRedirectParam = value;
      return this;
    }

    public Builder requestRedirect(String value) {
      requestRedirect = value;
      return this;
    }

    public Builder responseHeaders(List<String> value) {
      responseHeaders = value;
      return this;
    }

    public Builder cache(String key, List<AuthCacheValidity> validity) {
      cacheKey = key;
      cacheValidity = validity;
      return this;
    }

    public Builder alwaysSetCookie(boolean value) {
      alwaysSetCookie = value;
      return this;
    }

    public Builder keepalive(Integer connections, Integer requests, Long timeoutMillis) {
      keepaliveConnections = connections;
      keepaliveRequests = requests;
      keepaliveTimeoutMillis = timeoutMillis;
      return this;
    }

    public ExternalAuth build() {
      return new ExternalAuth(
          url,
          method,
          signin,
          signinRedirectParam,
          requestRedirect,
          responseHeaders,
          cacheKey,
          cacheValidity,
          alwaysSetCookie,
          keepaliveConnections,
          keepaliveRequests,
          keepaliveTimeoutMillis,
          null);
    }
  }
}
