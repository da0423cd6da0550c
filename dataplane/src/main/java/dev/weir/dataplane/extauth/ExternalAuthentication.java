package dev.weir.dataplane.extauth;

import dev.weir.contract.snapshot.ExternalAuth;
import dev.weir.contract.snapshot.RequestTemplate;
import dev.weir.dataplane.extauth.AuthClient.Keepalive;
import dev.weir.dataplane.proxy.LogLimiter;
import dev.weir.dataplane.proxy.policy.AsyncRequestPolicy;
import dev.weir.dataplane.proxy.policy.HttpsRedirect;
import dev.weir.dataplane.proxy.policy.LocalResponse;
import dev.weir.dataplane.proxy.policy.ProxiedRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.Future;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ingress-nginx's external authentication ({@code auth-url}; nginx's {@code auth_request}): each
 * request is first sent, without its body, to the auth service, with the headers ingress-nginx's
 * auth location sets (X-Original-URL, X-Original-Method, X-Sent-From, X-Real-IP, X-Forwarded-For,
 * X-Auth-Request-Redirect, Host of the auth URL; X-Original-URI and X-Scheme only with {@code
 * auth-method}) and the client's own (Cookie, Authorization...).
 *
 * <p>A 2xx lets the request through, with the {@code auth-response-headers} copied from the auth
 * response over the client's (removed when the auth response has none) and its {@code Set-Cookie}
 * added to the answer; 401 (with its {@code WWW-Authenticate}) and 403 are the answer, a 401
 * becomes a 302 to {@code auth-signin} with the original URL in {@code rd}; anything else, or an
 * auth service that cannot be reached in the route's timeouts, is 500, as nginx answers. ACME
 * HTTP-01 challenges pass without asking.
 */
public final class ExternalAuthentication implements AsyncRequestPolicy {
  private static final Logger log = LoggerFactory.getLogger(ExternalAuthentication.class);
  // The statuses nginx's add_header applies to without "always".
  private static final Set<Integer> COOKIE_STATUSES =
      Set.of(200, 201, 204, 206, 301, 302, 303, 304, 307, 308);
  private static final byte[] UNAUTHORIZED =
      "401 Unauthorized\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] FORBIDDEN = "403 Forbidden\n".getBytes(StandardCharsets.US_ASCII);

  private final ExternalAuth settings;
  private final AuthClient client;
  private final RequestTemplate url;
  // The URL taken apart once when it has no variables; else per request.
  private final AuthService fixedService;
  private final HttpMethod method;
  private final RequestTemplate signin;
  private final RequestTemplate cacheKey;
  private final AuthCache cache;
  private final Keepalive keepalive;

  public ExternalAuthentication(ExternalAuth settings, AuthClient client) {
    this.settings = settings;
    this.client = client;
    this.url = RequestTemplate.parse(settings.url());
    this.fixedService = url.isConstant() ? AuthService.parse(settings.url()) : null;
    this.method = HttpMethod.valueOf(settings.methodOrGet());
    this.signin =
        settings.signin() == null
            ? null
            : RequestTemplate.parse(
                signinUrl(settings.signin(), settings.signinRedirectParamOrDefault()));
    this.cacheKey = settings.cacheKey() == null ? null : RequestTemplate.parse(settings.cacheKey());
    this.cache = cacheKey == null ? null : new AuthCache(settings.cacheValidityOrNone());
    this.keepalive =
        settings.keepaliveConnectionsOrNone() == 0
            ? Keepalive.NONE
            : new Keepalive(
                settings.keepaliveConnectionsOrNone(),
                settings.keepaliveRequestsOrDefault(),
                settings.keepaliveTimeoutMillisOrDefault());
  }

  /**
   * ingress-nginx's buildAuthSignURL: the original URL goes in {@code param}, unless the signin URL
   * already gives that parameter a value.
   */
  static String signinUrl(String signin, String param) {
    String original = param + "=$pass_access_scheme://$http_host$escaped_request_uri";
    int q = signin.indexOf('?');
    if (q < 0 || q == signin.length() - 1) {
      return (q < 0 ? signin + "?" : signin) + original;
    }
    List<String> given = new QueryStringDecoder(signin).parameters().get(param);
    if (given != null && given.stream().anyMatch(v -> !v.isEmpty())) {
      return signin;
    }
    return signin + "&" + original;
  }

  @Override
  public void decide(ProxiedRequest request, Decision decision) {
    if (request.path().startsWith(HttpsRedirect.ACME_CHALLENGE)) {
      decision.decided(null);
      return;
    }
    String key = cacheKey == null ? null : RequestVariables.evaluate(cacheKey, request);
    if (key != null) {
      AuthResponse cached = cache.get(key, System.nanoTime());
      if (cached != null) {
        decision.decided(answer(cached, request));
        return;
      }
    }
    AuthService service;
    try {
      service =
          fixedService != null
              ? fixedService
              : AuthService.parse(RequestVariables.evaluate(url, request));
    } catch (IllegalArgumentException e) {
      failed(request, "invalid_url", e);
      decision.decided(LocalResponse.text(HttpResponseStatus.INTERNAL_SERVER_ERROR));
      return;
    }
    client
        .send(
            request.eventLoop(),
            service,
            method,
            subRequestHeaders(request, service),
            request.upstreamTimeouts(),
            keepalive)
        .addListener(
            (Future<AuthResponse> f) -> {
              if (!f.isSuccess()) {
                failed(request, "unreachable", f.cause());
                decision.decided(LocalResponse.text(HttpResponseStatus.INTERNAL_SERVER_ERROR));
                return;
              }
              AuthResponse response = f.getNow();
              if (key != null) {
                cache.offer(key, response, System.nanoTime());
              }
              decision.decided(answer(response, request));
            });
  }

  /** The client's headers as the edge policies left them, and ingress-nginx's auth location's. */
  private HttpHeaders subRequestHeaders(ProxiedRequest request, AuthService service) {
    HttpHeaders h = new DefaultHttpHeaders().add(request.headers());
    // No body goes to the auth service, so nothing that frames or announces one.
    h.remove(HttpHeaderNames.CONTENT_LENGTH);
    h.remove(HttpHeaderNames.TRANSFER_ENCODING);
    h.remove(HttpHeaderNames.EXPECT);
    h.remove(HttpHeaderNames.TRAILER);
    h.remove("x-forwarded-proto");
    String requestUri = request.target();
    h.set(HttpHeaderNames.HOST, service.host());
    h.set(
        "x-original-url",
        (request.https() ? "https" : "http")
            + "://"
            + RequestVariables.httpHost(request)
            + requestUri);
    h.set("x-original-method", request.method().name());
    h.set("x-sent-from", "nginx-ingress-controller");
    h.set("x-real-ip", request.clientAddress());
    h.set("x-forwarded-for", request.clientAddress());
    h.set(
        "x-auth-request-redirect",
        settings.requestRedirect() != null ? settings.requestRedirect() : requestUri);
    if (settings.method() != null) {
      h.set("x-original-uri", requestUri);
      h.set("x-scheme", RequestVariables.passAccessScheme(request));
    }
    return h;
  }

  /** What the auth service's {@code response} means for {@code request}: null lets it through. */
  private LocalResponse answer(AuthResponse response, ProxiedRequest request) {
    int status = response.status();
    List<String> cookies = response.headers().getAll(HttpHeaderNames.SET_COOKIE);
    if (status >= 200 && status < 300) {
      for (String name : settings.responseHeadersOrNone()) {
        List<String> values = response.headers().getAll(name);
        if (values.isEmpty()) {
          request.headers().remove(name);
        } else {
          request.headers().set(name, String.join(", ", values));
        }
      }
      if (!cookies.isEmpty()) {
        boolean always = settings.setsCookieAlways();
        request.onResponse(
            r -> {
              if (always || COOKIE_STATUSES.contains(r.status().code())) {
                r.headers().add(HttpHeaderNames.SET_COOKIE, cookies);
              }
            });
      }
      return null;
    }
    HttpHeaders headers = new DefaultHttpHeaders();
    if (status == 401 && signin != null) {
      headers
          .set(HttpHeaderNames.LOCATION, RequestVariables.evaluate(signin, request))
          .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
          .add(HttpHeaderNames.SET_COOKIE, cookies);
      return LocalResponse.of(
          HttpResponseStatus.FOUND, headers, "302 Found\n".getBytes(StandardCharsets.US_ASCII));
    }
    if (settings.setsCookieAlways()) {
      headers.add(HttpHeaderNames.SET_COOKIE, cookies);
    }
    headers.set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    if (status == 401) {
      headers.add(
          HttpHeaderNames.WWW_AUTHENTICATE,
          response.headers().getAll(HttpHeaderNames.WWW_AUTHENTICATE));
      return LocalResponse.of(HttpResponseStatus.UNAUTHORIZED, headers, UNAUTHORIZED);
    }
    if (status == 403) {
      return LocalResponse.of(HttpResponseStatus.FORBIDDEN, headers, FORBIDDEN);
    }
    failed(request, "unexpected_status_" + status, null);
    return headers.contains(HttpHeaderNames.SET_COOKIE)
        ? LocalResponse.of(
            HttpResponseStatus.INTERNAL_SERVER_ERROR,
            headers,
            "500 Internal Server Error\n".getBytes(StandardCharsets.US_ASCII))
        : LocalResponse.text(HttpResponseStatus.INTERNAL_SERVER_ERROR);
  }

  private void failed(ProxiedRequest request, String reason, Throwable cause) {
    long suppressed = LogLimiter.FAILURES.admit("auth " + reason + " " + settings.url());
    if (suppressed == LogLimiter.SUPPRESS) {
      return;
    }
    log.warn(
        "event=auth_failure reason={} auth_url={} host={} error={} suppressed={}",
        reason,
        settings.url(),
        request.host(),
        cause == null
            ? "-"
            : cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ":" + cause.getMessage().replace(' ', '_')),
        suppressed);
  }

  @Override
  public String toString() {
    return "ExternalAuthentication[" + settings.url() + "]";
  }
}
