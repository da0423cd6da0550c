package dev.weir.operator.annotations;

import static dev.weir.operator.annotations.IngressAnnotationParser.PASSTHROUGH;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Affinity;
import dev.weir.contract.snapshot.AffinityMode;
import dev.weir.contract.snapshot.ClientVerify;
import dev.weir.contract.snapshot.Cors;
import dev.weir.contract.snapshot.ExternalAuth;
import dev.weir.contract.snapshot.HashKey;
import dev.weir.contract.snapshot.SameSite;
import dev.weir.contract.snapshot.UpstreamProtocol;
import dev.weir.operator.annotations.AnnotationProblem.Kind;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IngressAnnotationsTest {
  private static final String NGINX = AnnotationNames.NGINX_PREFIX;
  private static final String WEIR = AnnotationNames.WEIR_PREFIX;
  private static final String NS = "shop";
  private static final String DEFAULT = " the default applies";

  // What each annotation needs set beside it to take effect.
  private static final Map<String, String> COOKIE = Map.of("affinity", "cookie");
  private static final Map<String, String> PROXY_SSL =
      Map.of("backend-protocol", "HTTPS", "proxy-ssl-secret", "ca");
  private static final Map<String, String> AUTH_TLS = Map.of("auth-tls-secret", "ca");
  private static final Map<String, String> CORS = Map.of("enable-cors", "true");
  private static final Map<String, String> BASIC =
      Map.of("auth-type", "basic", "auth-secret", "users");
  private static final Map<String, String> RPS = Map.of("limit-rps", "5");
  private static final Map<String, String> REWRITE = Map.of("rewrite-target", "/$1");
  private static final Map<String, String> PERMANENT =
      Map.of("permanent-redirect", "https://x.com");
  private static final Map<String, String> TEMPORAL = Map.of("temporal-redirect", "https://x.com");
  private static final Map<String, String> CANARY = Map.of("canary", "true");
  private static final Map<String, String> BY_HEADER =
      Map.of("canary", "true", "canary-by-header", "X-Canary");
  private static final Map<String, String> AUTH = Map.of("auth-url", "http://auth.test/check");
  private static final Map<String, String> AUTH_CACHE =
      Map.of("auth-url", "http://auth.test/check", "auth-cache-key", "$http_authorization");
  private static final Map<String, String> AUTH_KEEPALIVE =
      Map.of("auth-url", "http://auth.test/check", "auth-keepalive", "2");

  /** One annotation's setting, read back as text ("-" for none). */
  private static final Map<String, Function<IngressAnnotations, Object>> READ_BACK =
      Map.ofEntries(
          Map.entry("affinity", a -> a.path().affinity().map(x -> "cookie")),
          Map.entry("affinity-mode", a -> affinity(a).mode()),
          Map.entry("session-cookie-name", a -> affinity(a).cookieName()),
          Map.entry("session-cookie-path", a -> affinity(a).cookiePath()),
          Map.entry("session-cookie-domain", a -> affinity(a).cookieDomain()),
          Map.entry("session-cookie-max-age", a -> affinity(a).maxAgeSeconds()),
          Map.entry("session-cookie-expires", a -> affinity(a).expiresSeconds()),
          Map.entry("session-cookie-samesite", a -> affinity(a).sameSite()),
          Map.entry(
              "session-cookie-conditional-samesite-none",
              a -> affinity(a).conditionalSameSiteNone()),
          Map.entry("session-cookie-secure", a -> affinity(a).secure()),
          Map.entry("session-cookie-change-on-failure", a -> affinity(a).changeOnFailure()),
          Map.entry("ssl-redirect", a -> a.path().sslRedirect()),
          Map.entry("force-ssl-redirect", a -> a.path().forceSslRedirect()),
          Map.entry("proxy-body-size", a -> a.path().maxBodyBytes()),
          Map.entry("proxy-connect-timeout", a -> a.path().connectTimeoutSeconds()),
          Map.entry("proxy-read-timeout", a -> a.path().readTimeoutSeconds()),
          Map.entry("proxy-send-timeout", a -> a.path().sendTimeoutSeconds()),
          Map.entry("proxy-next-upstream-tries", a -> a.path().upstreamTries()),
          Map.entry("proxy-next-upstream", a -> a.path().nextUpstream()),
          Map.entry("proxy-next-upstream-timeout", a -> a.path().nextUpstreamTimeoutSeconds()),
          Map.entry("enable-access-log", a -> a.path().accessLog()),
          Map.entry("use-regex", a -> a.path().rewrite().useRegex()),
          Map.entry("rewrite-target", a -> a.path().rewrite().target()),
          Map.entry("x-forwarded-prefix", a -> a.path().rewrite().forwardedPrefix()),
          Map.entry("app-root", a -> a.path().rewrite().appRoot()),
          Map.entry("permanent-redirect", a -> a.path().rewrite().redirect()),
          Map.entry("permanent-redirect-code", a -> a.path().rewrite().redirect()),
          Map.entry("temporal-redirect", a -> a.path().rewrite().redirect()),
          Map.entry("temporal-redirect-code", a -> a.path().rewrite().redirect()),
          Map.entry("backend-protocol", a -> a.backend().protocol()),
          Map.entry(
              "proxy-ssl-secret",
              a -> a.backend().tls().map(t -> t.failsClosed() ? "fails closed" : t.secret().get())),
          Map.entry("proxy-ssl-verify", a -> a.backend().tls().get().verify()),
          Map.entry("proxy-ssl-verify-depth", a -> a.backend().tls().get().verifyDepth()),
          Map.entry("proxy-ssl-name", a -> a.backend().tls().get().serverName()),
          Map.entry("proxy-ssl-server-name", a -> a.backend().tls().get().sendServerName()),
          Map.entry("load-balance", a -> a.backend().loadBalance()),
          Map.entry("upstream-hash-by", a -> a.backend().hashBy()),
          Map.entry("service-upstream", a -> a.backend().serviceUpstream()),
          Map.entry("server-alias", a -> a.host().names().aliases()),
          Map.entry("from-to-www-redirect", a -> a.host().names().fromToWwwRedirect()),
          Map.entry("preserve-trailing-slash", a -> a.path().rewrite().preserveTrailingSlash()),
          Map.entry("ssl-passthrough", a -> a.host().sslPassthrough()),
          Map.entry(
              "auth-tls-secret",
              a ->
                  a.host()
                      .clientAuth()
                      .map(c -> c.failsClosed() ? "fails closed" : c.caSecret().get())),
          Map.entry("auth-tls-verify-client", a -> a.host().clientAuth().get().verify()),
          Map.entry("auth-tls-verify-depth", a -> a.host().clientAuth().get().verifyDepth()),
          Map.entry(
              "auth-tls-pass-certificate-to-upstream",
              a -> a.host().clientAuth().get().passCertificateToUpstream()),
          Map.entry("hsts", a -> a.host().hsts().enabled()),
          Map.entry("hsts-max-age", a -> a.host().hsts().maxAgeSeconds()),
          Map.entry("hsts-include-subdomains", a -> a.host().hsts().includeSubDomains()),
          Map.entry("hsts-preload", a -> a.host().hsts().preload()),
          Map.entry("enable-cors", a -> a.path().access().cors().isPresent()),
          Map.entry("cors-allow-origin", a -> cors(a).allowOrigins()),
          Map.entry("cors-allow-methods", a -> cors(a).allowMethods()),
          Map.entry("cors-allow-headers", a -> cors(a).allowHeaders()),
          Map.entry("cors-expose-headers", a -> cors(a).exposeHeaders()),
          Map.entry("cors-allow-credentials", a -> cors(a).allowCredentials()),
          Map.entry("cors-max-age", a -> cors(a).maxAgeSeconds()),
          Map.entry("allowlist-source-range", IngressAnnotationsTest::allowed),
          Map.entry("whitelist-source-range", IngressAnnotationsTest::allowed),
          Map.entry(
              "denylist-source-range",
              a ->
                  a.path().access().failsClosed()
                      ? "fails closed"
                      : a.path().access().denySourceRanges()),
          Map.entry(
              "auth-type",
              a ->
                  a.path().access().failsClosed()
                      ? "fails closed"
                      : a.path().access().basicAuth().map(b -> "basic")),
          Map.entry(
              "auth-secret",
              a ->
                  a.path().access().failsClosed()
                      ? "fails closed"
                      : a.path().access().basicAuth().get().secret()),
          Map.entry(
              "auth-secret-type",
              a ->
                  a.path().access().failsClosed()
                      ? "fails closed"
                      : a.path().access().basicAuth().get().authMap() ? "auth-map" : "auth-file"),
          Map.entry("auth-realm", a -> a.path().access().basicAuth().get().realm()),
          Map.entry("auth-url", a -> externalAuth(a, ExternalAuth::url)),
          Map.entry("auth-method", a -> externalAuth(a, ExternalAuth::method)),
          Map.entry("auth-signin", a -> externalAuth(a, ExternalAuth::signin)),
          Map.entry(
              "auth-signin-redirect-param",
              a -> externalAuth(a, ExternalAuth::signinRedirectParam)),
          Map.entry("auth-request-redirect", a -> externalAuth(a, ExternalAuth::requestRedirect)),
          Map.entry("auth-response-headers", a -> externalAuth(a, ExternalAuth::responseHeaders)),
          Map.entry("auth-cache-key", a -> externalAuth(a, ExternalAuth::cacheKey)),
          Map.entry("auth-cache-duration", a -> externalAuth(a, ExternalAuth::cacheValidity)),
          Map.entry("auth-always-set-cookie", a -> externalAuth(a, ExternalAuth::alwaysSetCookie)),
          Map.entry("auth-keepalive", a -> externalAuth(a, ExternalAuth::keepaliveConnections)),
          Map.entry(
              "auth-keepalive-requests", a -> externalAuth(a, ExternalAuth::keepaliveRequests)),
          Map.entry(
              "auth-keepalive-timeout", a -> externalAuth(a, ExternalAuth::keepaliveTimeoutMillis)),
          Map.entry(
              "limit-rps", a -> a.path().access().rateLimit().map(r -> r.requestsPerSecond())),
          Map.entry(
              "limit-rpm", a -> a.path().access().rateLimit().map(r -> r.requestsPerMinute())),
          Map.entry(
              "limit-connections", a -> a.path().access().rateLimit().map(r -> r.connections())),
          Map.entry(
              "limit-burst-multiplier",
              a -> a.path().access().rateLimit().map(r -> r.burstMultiplier())),
          Map.entry(
              "limit-allowlist",
              a -> a.path().access().rateLimit().map(r -> r.allowSourceRanges())),
          Map.entry(
              "limit-whitelist",
              a -> a.path().access().rateLimit().map(r -> r.allowSourceRanges())),
          Map.entry(
              "limit-req-status-code", a -> a.path().access().rateLimit().map(r -> r.status())),
          Map.entry("canary", a -> a.canary().enabled()),
          Map.entry("canary-by-header", a -> a.canary().header()),
          Map.entry("canary-by-header-value", a -> a.canary().headerValue()),
          Map.entry("canary-by-header-pattern", a -> a.canary().headerPattern()),
          Map.entry("canary-by-cookie", a -> a.canary().cookie()),
          Map.entry("canary-weight", a -> a.canary().weight()),
          Map.entry("canary-weight-total", a -> a.canary().weightTotal()),
          Map.entry("custom-http-errors", a -> a.path().errors().codes()),
          Map.entry("default-backend", a -> a.path().errors().defaultBackend()),
          Map.entry("upstream-vhost", a -> a.path().proxyHeaders().map(h -> h.host())),
          Map.entry("proxy-cookie-domain", a -> a.path().proxyHeaders().map(h -> h.cookieDomain())),
          Map.entry("proxy-cookie-path", a -> a.path().proxyHeaders().map(h -> h.cookiePath())),
          Map.entry("proxy-redirect-from", a -> a.path().proxyHeaders().map(h -> h.redirect())),
          Map.entry("proxy-redirect-to", a -> a.path().proxyHeaders().map(h -> h.redirect())),
          Map.entry("proxy-http-version", a -> a.path().proxyHeaders()),
          Map.entry(
              "custom-headers",
              a ->
                  a.path().proxyHeaders().isPresent()
                      ? "fails closed"
                      : a.path().customHeaders().map(ConfigMapRef::toString)));

  private static Cors cors(IngressAnnotations a) {
    return a.path().access().cors().orElseThrow();
  }

  private static Object allowed(IngressAnnotations a) {
    return a.path().access().failsClosed() ? "fails closed" : a.path().access().allowSourceRanges();
  }

  static Stream<Arguments> values() {
    return Stream.of(
        row("affinity", "cookie", "cookie"),
        row("affinity", " cookie ", "cookie"),
        invalid("affinity", "Cookie", "-", "must be one of cookie"),
        invalid("affinity", "", "-", "is empty"),
        row("affinity-mode", "balanced", "BALANCED", COOKIE),
        row("affinity-mode", "persistent", "PERSISTENT", COOKIE),
        invalid(
            "affinity-mode",
            "Persistent",
            "BALANCED",
            "must be one of balanced, persistent",
            COOKIE),
        row("session-cookie-name", "SESSION", "SESSION", COOKIE),
        row("session-cookie-name", "app_1-x.y~z", "app_1-x.y~z", COOKIE),
        invalid(
            "session-cookie-name",
            "my/cookie",
            "INGRESSCOOKIE",
            "is not a cookie name (letters, digits, '-', '.', '_' and '~')",
            COOKIE),
        invalid(
            "session-cookie-name",
            "a b",
            "INGRESSCOOKIE",
            "is not a cookie name (letters, digits, '-', '.', '_' and '~')",
            COOKIE),
        row("session-cookie-path", "/app", "/app", COOKIE),
        row("session-cookie-path", "/app/v1.2", "/app/v1.2", COOKIE),
        invalid(
            "session-cookie-path",
            "app",
            "-",
            "is not a cookie path ('/' then letters, digits and -._~/:,?&=)",
            COOKIE),
        invalid(
            "session-cookie-path",
            "/a;b",
            "-",
            "is not a cookie path ('/' then letters, digits and -._~/:,?&=)",
            COOKIE),
        row("session-cookie-domain", "example.com", "example.com", COOKIE),
        row("session-cookie-domain", ".example.com", ".example.com", COOKIE),
        invalid("session-cookie-domain", "exa mple.com", "-", "is not a domain name", COOKIE),
        invalid("session-cookie-domain", "a.com;secure", "-", "is not a domain name", COOKIE),
        row("session-cookie-max-age", "3600", "3600", COOKIE),
        row("session-cookie-max-age", "0", "0", COOKIE),
        invalid(
            "session-cookie-max-age",
            "-1",
            "-",
            "is not a number of seconds (digits only)",
            COOKIE),
        invalid(
            "session-cookie-max-age",
            "1h",
            "-",
            "is not a number of seconds (digits only)",
            COOKIE),
        invalid("session-cookie-max-age", "99999999999999999999", "-", "is too large", COOKIE),
        row("session-cookie-expires", "172800", "172800", COOKIE),
        invalid(
            "session-cookie-expires",
            "1.5",
            "-",
            "is not a number of seconds (digits only)",
            COOKIE),
        row("session-cookie-samesite", "Lax", "LAX", COOKIE),
        row("session-cookie-samesite", "none", "NONE", COOKIE),
        row("session-cookie-samesite", "STRICT", "STRICT", COOKIE),
        invalid(
            "session-cookie-samesite", "Relaxed", "-", "must be one of Lax, None, Strict", COOKIE),
        row("session-cookie-conditional-samesite-none", "true", "true", COOKIE),
        invalid(
            "session-cookie-conditional-samesite-none",
            "yes",
            "false",
            "is not a boolean (true or false)",
            COOKIE),
        row("session-cookie-secure", "1", "true", COOKIE),
        row("session-cookie-secure", "False", "false", COOKIE),
        row("session-cookie-change-on-failure", "true", "true", COOKIE),
        invalid(
            "session-cookie-change-on-failure",
            "on",
            "false",
            "is not a boolean (true or false)",
            COOKIE),
        row("ssl-redirect", "false", "false"),
        row("ssl-redirect", "True", "true"),
        invalid("ssl-redirect", "off", "-", "is not a boolean (true or false)"),
        row("force-ssl-redirect", "true", "true"),
        invalid("force-ssl-redirect", "on", "false", "is not a boolean (true or false)"),
        row("proxy-body-size", "8m", "8388608"),
        row("proxy-body-size", "1024", "1024"),
        row("proxy-body-size", "0", "0"),
        invalid(
            "proxy-body-size", "1.5m", "-", "is not a size (bytes, or a number with k, m or g)"),
        invalid(
            "proxy-body-size", "10mb", "-", "is not a size (bytes, or a number with k, m or g)"),
        row("proxy-connect-timeout", "10", "10"),
        invalid("proxy-connect-timeout", "0", "-", "must be at least 1"),
        invalid("proxy-connect-timeout", "5s", "-", "is not an integer"),
        row("proxy-read-timeout", "3600", "3600"),
        invalid("proxy-read-timeout", "-1", "-", "must be at least 1"),
        row("proxy-send-timeout", "120", "120"),
        invalid("proxy-send-timeout", "1.5", "-", "is not an integer"),
        row("proxy-next-upstream-tries", "3", "3"),
        row("proxy-next-upstream-tries", "0", "0"),
        invalid("proxy-next-upstream-tries", "-1", "-", "must be at least 0"),
        row("proxy-next-upstream", "error timeout", "[ERROR, TIMEOUT]"),
        row(
            "proxy-next-upstream",
            "error timeout http_502 http_503",
            "[ERROR, TIMEOUT, HTTP_502, HTTP_503]"),
        row("proxy-next-upstream", " http_504  non_idempotent ", "[HTTP_504, NON_IDEMPOTENT]"),
        row(
            "proxy-next-upstream",
            "http_500 http_403 http_404 http_429",
            "[HTTP_500, HTTP_403, HTTP_404, HTTP_429]"),
        row("proxy-next-upstream", "off", "[]"),
        invalid(
            "proxy-next-upstream",
            "error invalid_header",
            "-",
            "lists \"invalid_header\": Weir answers an invalid response head with 502 and never"
                + " retries it"),
        invalid(
            "proxy-next-upstream",
            "error http_501",
            "-",
            "lists \"http_501\", which is not one of error, timeout, http_500, http_502, http_503,"
                + " http_504, http_403, http_404, http_429, non_idempotent, off"),
        row("proxy-next-upstream-timeout", "10", "10"),
        row("proxy-next-upstream-timeout", "0", "0"),
        invalid("proxy-next-upstream-timeout", "5s", "-", "is not an integer"),
        row("enable-access-log", "false", "false"),
        row("enable-access-log", "FALSE", "false"),
        row("enable-access-log", "true", "true"),
        row("enable-access-log", "0", "false"),
        invalid("enable-access-log", "off", "true", "is not a boolean (true or false)"),
        row("use-regex", "true", "true"),
        row("use-regex", "false", "false"),
        invalid("use-regex", "yes", "false", "is not a boolean (true or false)"),
        row("rewrite-target", "/$2", "/$2"),
        row("rewrite-target", "/new/backend/$1", "/new/backend/$1"),
        row("rewrite-target", "https://other.example.com/$1", "https://other.example.com/$1"),
        invalid(
            "rewrite-target", "/a?b=1", "-", "is not a path or URL (letters, digits and -._~/:$)"),
        invalid(
            "rewrite-target",
            "/$host/$1",
            "-",
            "uses an nginx variable; only the captures $0 to $9 are substituted"),
        row("x-forwarded-prefix", "/something", "/something", REWRITE),
        row("x-forwarded-prefix", " /some thing ", "/something", REWRITE),
        invalid(
            "x-forwarded-prefix",
            "/a;b",
            "-",
            "is not a path (letters, digits and -._~/:$)",
            REWRITE),
        row("app-root", "/app1", "/app1"),
        invalid("app-root", "app1", "-", "must be a path starting with '/'"),
        invalid(
            "app-root", "/app$1", "-", "uses an nginx variable, which Weir does not substitute"),
        row(
            "permanent-redirect",
            "https://www.google.com",
            "Redirect[location=https://www.google.com, code=301]"),
        row("permanent-redirect", "/elsewhere", "Redirect[location=/elsewhere, code=301]"),
        invalid(
            "permanent-redirect",
            "https://x.com/a b",
            "-",
            "is not a URL (letters, digits and -._~/:,?&=)"),
        row(
            "permanent-redirect-code",
            "308",
            "Redirect[location=https://x.com, code=308]",
            PERMANENT),
        invalid(
            "permanent-redirect-code",
            "309",
            "Redirect[location=https://x.com, code=301]",
            "must be between 300 and 308",
            PERMANENT),
        row(
            "temporal-redirect",
            "https://x.com/a?b=c",
            "Redirect[location=https://x.com/a?b=c, code=302]"),
        invalid("temporal-redirect", "/relative", "-", "must be an http or https URL"),
        row(
            "temporal-redirect-code",
            "307",
            "Redirect[location=https://x.com, code=307]",
            TEMPORAL),
        invalid(
            "temporal-redirect-code",
            "308",
            "Redirect[location=https://x.com, code=302]",
            "must be between 300 and 307",
            TEMPORAL),
        row("preserve-trailing-slash", "true", "true"),
        row("preserve-trailing-slash", "false", "false"),
        invalid("preserve-trailing-slash", "yes", "false", "is not a boolean (true or false)"),
        row("service-upstream", "true", "true"),
        row("service-upstream", "false", "false"),
        invalid("service-upstream", "on", "false", "is not a boolean (true or false)"),
        row("from-to-www-redirect", "true", "true"),
        row("from-to-www-redirect", "false", "false"),
        invalid("from-to-www-redirect", "1x", "false", "is not a boolean (true or false)"),
        // ingress-nginx's alias parser: split at commas, trimmed, empty names skipped, repeats
        // dropped, sorted; Weir also lower-cases (nginx compares server names case-insensitively).
        row("server-alias", "b.example.com, a.example.com", "[a.example.com, b.example.com]"),
        row("server-alias", " A.example.com,,a.example.com, ", "[a.example.com]"),
        row("server-alias", "*.example.com", "[*.example.com]"),
        invalid("server-alias", "", "[]", "is empty"),
        invalid(
            "server-alias",
            "~^www\\d+\\.example\\.com$,a.example.com",
            "[a.example.com]",
            "names ~^www\\d+\\.example\\.com$, which Weir cannot match (an exact host name or a"
                + " leading '*.' wildcard, no regular expression), so they are left out"),
        invalid(
            "server-alias",
            ".example.com, example.*, *",
            "[]",
            "names .example.com, example.*, *, which Weir cannot match (an exact host name or a"
                + " leading '*.' wildcard, no regular expression), so they are left out"),
        row("backend-protocol", "HTTPS", "HTTPS"),
        row("backend-protocol", "grpc", "GRPC"),
        row("backend-protocol", " GRPCS ", "GRPCS"),
        row("backend-protocol", "http", "HTTP"),
        invalid(
            "backend-protocol",
            "FCGI",
            "HTTP",
            "is not supported by Weir (it takes GRPC, GRPCS, HTTP, HTTPS)"),
        invalid(
            "backend-protocol",
            "auto_http",
            "HTTP",
            "is not supported by Weir (it takes GRPC, GRPCS, HTTP, HTTPS)"),
        invalid("backend-protocol", "h2c", "HTTP", "must be one of GRPC, GRPCS, HTTP, HTTPS"),
        row("proxy-ssl-secret", "ca", "shop/ca", Map.of("backend-protocol", "HTTPS")),
        row("proxy-ssl-secret", "shop/ca", "shop/ca", Map.of("backend-protocol", "GRPCS")),
        row("proxy-ssl-verify", "on", "true", PROXY_SSL),
        row("proxy-ssl-verify", "off", "false", PROXY_SSL),
        invalid("proxy-ssl-verify", "ON", "false", "must be one of off, on", PROXY_SSL),
        invalid("proxy-ssl-verify", "true", "false", "must be one of off, on", PROXY_SSL),
        row("proxy-ssl-verify-depth", "2", "2", PROXY_SSL),
        row("proxy-ssl-verify-depth", "0", "1", PROXY_SSL),
        invalid("proxy-ssl-verify-depth", "-1", "1", "must be at least 0", PROXY_SSL),
        row("proxy-ssl-name", "pod.internal", "pod.internal", PROXY_SSL),
        invalid("proxy-ssl-name", "*.internal", "-", "is not a host name", PROXY_SSL),
        invalid("proxy-ssl-name", "$host", "-", "is not a host name", PROXY_SSL),
        row("proxy-ssl-server-name", "on", "true", PROXY_SSL),
        invalid("proxy-ssl-server-name", "yes", "false", "must be one of off, on", PROXY_SSL),
        row("load-balance", "ewma", "EWMA"),
        row("load-balance", "round_robin", "ROUND_ROBIN"),
        invalid("load-balance", "EWMA", "ROUND_ROBIN", "must be one of ewma, round_robin"),
        invalid(
            "load-balance",
            "chash",
            "ROUND_ROBIN",
            "is not supported by Weir (it takes ewma, round_robin)"),
        row("upstream-hash-by", "$request_uri", HashKey.parse("$request_uri").toString()),
        row(
            "upstream-hash-by",
            "${cookie_session}-$remote_addr",
            HashKey.parse("${cookie_session}-$remote_addr").toString()),
        invalid(
            "upstream-hash-by",
            "request_uri",
            "-",
            "has no variable: every request would hash the same"),
        invalid(
            "upstream-hash-by",
            "$server_name",
            "-",
            "'$server_name' is not a variable Weir can hash on"),
        row("ssl-passthrough", "false", "false"),
        invalid("ssl-passthrough", "yes", "false", "is not a boolean (true or false)"),
        row("auth-tls-secret", "ca", "shop/ca"),
        row("auth-tls-secret", "shop/client-ca.v2", "shop/client-ca.v2"),
        row("auth-tls-verify-client", "on", "ON", AUTH_TLS),
        row("auth-tls-verify-client", "off", "OFF", AUTH_TLS),
        row("auth-tls-verify-client", "optional", "OPTIONAL", AUTH_TLS),
        row("auth-tls-verify-client", "optional_no_ca", "OPTIONAL_NO_CA", AUTH_TLS),
        invalid(
            "auth-tls-verify-client",
            "On",
            "ON",
            "must be one of off, on, optional, optional_no_ca",
            AUTH_TLS),
        row("auth-tls-verify-depth", "3", "3", AUTH_TLS),
        row("auth-tls-verify-depth", "0", "1", AUTH_TLS),
        invalid("auth-tls-verify-depth", "x", "1", "is not an integer", AUTH_TLS),
        row("auth-tls-pass-certificate-to-upstream", "true", "true", AUTH_TLS),
        invalid(
            "auth-tls-pass-certificate-to-upstream",
            "yes",
            "false",
            "is not a boolean (true or false)",
            AUTH_TLS),
        row("hsts", "false", "false"),
        row("hsts", "true", "true"),
        invalid("hsts", "on", "-", "is not a boolean (true or false)"),
        row("hsts-max-age", "0", "0"),
        row("hsts-max-age", "63072000", "63072000"),
        invalid("hsts-max-age", "-1", "-", "must be at least 0"),
        row("hsts-include-subdomains", "false", "false"),
        row("hsts-preload", "true", "true"),
        // CORS, as ingress-nginx's cors parser
        row("enable-cors", "true", "true"),
        invalid("enable-cors", "yes", "false", "is not a boolean (true or false)"),
        row(
            "cors-allow-origin",
            "https://a.com, https://*.b.com:8443",
            "[https://a.com, https://*.b.com:8443]",
            CORS),
        row("cors-allow-origin", "https://a.com, *", "[*]", CORS),
        row("cors-allow-origin", "null", "[null]", CORS),
        invalidSkipped(
            "cors-allow-origin", "https://a.com, ftp:/x", "[https://a.com]", "ftp:/x", CORS),
        row("cors-allow-methods", "GET, PUT", "GET, PUT", CORS),
        invalid(
            "cors-allow-methods", "GET;", Cors.DEFAULT_METHODS, "is not a list of methods", CORS),
        row("cors-allow-headers", "X-Custom, Content-Type", "X-Custom, Content-Type", CORS),
        invalid(
            "cors-allow-headers",
            "X-A: b",
            Cors.DEFAULT_HEADERS,
            "is not a list of header names",
            CORS),
        row("cors-expose-headers", "X-Total, *", "X-Total, *", CORS),
        row("cors-allow-credentials", "false", "false", CORS),
        invalid("cors-allow-credentials", "no", "true", "is not a boolean (true or false)", CORS),
        row("cors-max-age", "600", "600", CORS),
        invalid("cors-max-age", "10m", "1728000", "is not an integer", CORS),
        // Source ranges, as ingress-nginx's ipallowlist/ipdenylist: one bad entry denies the paths
        row("allowlist-source-range", "10.0.0.0/8, 192.168.1.7", "[10.0.0.0/8, 192.168.1.7/32]"),
        row("allowlist-source-range", "10.1.2.3/8", "[10.0.0.0/8]"),
        failsClosed(
            "allowlist-source-range", "10.0.0.0/8,", "'' is not an IP address or range (CIDR)"),
        row("whitelist-source-range", "fd00::/8", "[fd00::/8]"),
        row("denylist-source-range", "1.2.3.4", "[1.2.3.4/32]"),
        failsClosed(
            "denylist-source-range", "1.2.3.4/40", "'1.2.3.4/40' has a prefix longer than 32 bits"),
        // Basic auth, as ingress-nginx's auth parser
        row("auth-type", "basic", "basic", Map.of("auth-secret", "users")),
        failsClosed(
            "auth-type",
            "digest",
            "is not supported by Weir (it takes basic)",
            Map.of("auth-secret", "users")),
        failsClosed("auth-type", "basic", "needs auth-secret"),
        row("auth-secret", "users", "shop/users", Map.of("auth-type", "basic")),
        row("auth-secret", "shop/users", "shop/users", Map.of("auth-type", "basic")),
        row("auth-secret-type", "auth-map", "auth-map", BASIC),
        row("auth-secret-type", "auth-file", "auth-file", BASIC),
        failsClosed("auth-secret-type", "htpasswd", "must be one of auth-file, auth-map", BASIC),
        row("auth-realm", "Shop staff", "Shop staff", BASIC),
        invalid("auth-realm", "say \"hi\"", "", "may not hold '\"', '\\' or line breaks", BASIC),
        // External auth, as ingress-nginx's authreq parser: what it denies the location for fails
        // closed, what it only warns about falls back
        row(
            "auth-url",
            "http://oauth2-proxy.auth.svc.cluster.local/oauth2/auth",
            "http://oauth2-proxy.auth.svc.cluster.local/oauth2/auth"),
        row("auth-url", "https://$host/oauth2/auth", "https://$host/oauth2/auth"),
        failsClosed("auth-url", "ftp://auth.test/", "must be an http or https URL"),
        failsClosed(
            "auth-url",
            "http://$upstream_addr/auth",
            "uses the nginx variable $upstream_addr, which Weir does not evaluate"),
        row("auth-method", "POST", "POST", AUTH),
        failsClosed("auth-method", "FETCH", "is not an HTTP method", AUTH),
        row(
            "auth-signin",
            "https://$host/oauth2/start?rd=$escaped_request_uri",
            "https://$host/oauth2/start?rd=$escaped_request_uri",
            AUTH),
        invalid("auth-signin", "/oauth2/start", "-", "must be an http or https URL", AUTH),
        row("auth-signin-redirect-param", "orig", "orig", AUTH),
        invalid("auth-signin-redirect-param", "a b", "-", "is not a query parameter name", AUTH),
        row("auth-request-redirect", "https://x.test/back", "https://x.test/back", AUTH),
        invalid(
            "auth-request-redirect",
            "http://x.test/$uri",
            "-",
            "is not a URL (letters, digits and -._~/:,?&=)",
            AUTH),
        row("auth-response-headers", "X-User, X-Email,", "[X-User, X-Email]", AUTH),
        failsClosed(
            "auth-response-headers", "X-User, X:Y", "lists \"X:Y\", not a header name", AUTH),
        row("auth-cache-key", "$cookie__oauth2_proxy", "$cookie__oauth2_proxy", AUTH),
        invalid(
            "auth-cache-key",
            "$remote_user",
            "-",
            "uses the nginx variable $remote_user, which Weir does not evaluate; auth responses are"
                + " not cached",
            AUTH),
        row(
            "auth-cache-duration",
            "200 202 401 5m",
            "[AuthCacheValidity[statuses=[200, 202, 401], millis=300000]]",
            AUTH_CACHE),
        row(
            "auth-cache-duration",
            "200 1h 30m, 5s",
            "[AuthCacheValidity[statuses=[200], millis=5400000],"
                + " AuthCacheValidity[statuses=[], millis=5000]]",
            AUTH_CACHE),
        failsClosed(
            "auth-cache-duration", "5m 200", "has a status after a time in \"5m 200\"", AUTH_CACHE),
        row("auth-always-set-cookie", "true", "true", AUTH),
        row("auth-keepalive", "10", "10", AUTH),
        invalid("auth-keepalive", "-1", "-", "is negative; no connection is kept", AUTH),
        row("auth-keepalive-requests", "100", "100", AUTH_KEEPALIVE),
        row("auth-keepalive-timeout", "30", "30000", AUTH_KEEPALIVE),
        // Rate limits, as ingress-nginx's ratelimit parser
        row("limit-rps", "5", "5"),
        invalid("limit-rps", "5r/s", "-", "is not an integer"),
        row("limit-rpm", "300", "300"),
        row("limit-connections", "2", "2"),
        row("limit-burst-multiplier", "3", "3", RPS),
        row("limit-allowlist", "10.0.0.0/8", "[10.0.0.0/8]", RPS),
        row("limit-whitelist", "10.0.0.1", "[10.0.0.1/32]", RPS),
        row("limit-req-status-code", "429", "429", RPS),
        invalid("limit-req-status-code", "200", "-", "must be between 400 and 599", RPS),
        row("canary", "true", "true"),
        row("canary", "false", "false"),
        invalid("canary", "yes", "false", "is not a boolean (true or false)"),
        row("canary-by-header", "X-Canary", "X-Canary", CANARY),
        row("canary-by-header", " X-Can ary ", "X-Canary", CANARY),
        invalid("canary-by-header", "X-Canary/1", "-", "is not a header name", CANARY),
        invalid("canary-by-header", "X;Canary", "-", "is not a header name", CANARY),
        row("canary-by-header-value", "beta/2:x", "beta/2:x", BY_HEADER),
        invalid(
            "canary-by-header-value",
            "a,b",
            "-",
            "is not a header value (letters, digits and -._~/:)",
            BY_HEADER),
        row("canary-by-header-pattern", "^beta-[0-9]+$", "^beta-[0-9]+$", BY_HEADER),
        invalid(
            "canary-by-header-pattern",
            "a b",
            "-",
            "is not a regular expression of letters, digits and -._~/:^$[](){}*+?|&=\\",
            BY_HEADER),
        invalid(
            "canary-by-header-pattern",
            "(a",
            "-",
            "is not a regular expression Weir can match in linear time (missing closing ))",
            BY_HEADER),
        row("canary-by-cookie", "use_canary", "use_canary", CANARY),
        invalid("canary-by-cookie", "a=b", "-", "is not a cookie name", CANARY),
        row("canary-weight", "30", "30", CANARY),
        row("canary-weight", "-5", "-5", CANARY),
        invalid("canary-weight", "30%", "0", "is not an integer", CANARY),
        row("canary-weight-total", "1000", "1000", CANARY),
        invalid("canary-weight-total", "1e3", "100", "is not an integer", CANARY),
        // Proxy headers, as ingress-nginx's upstreamvhost and proxy parsers and its template
        row("upstream-vhost", "internal.example.com", "internal.example.com"),
        invalid(
            "upstream-vhost",
            "$host",
            "-",
            "is not a server name (letters, digits and -._~/: only; nginx variables such as $host"
                + " are not expanded)"),
        row(
            "proxy-cookie-domain",
            "localhost example.org",
            "HeaderRewrite[from=localhost, to=example.org]"),
        row("proxy-cookie-domain", "off", "-"),
        invalid(
            "proxy-cookie-domain",
            "localhost",
            "-",
            "is neither \"off\" nor two words: what to replace and its replacement"),
        row("proxy-cookie-path", "/one/ /", "HeaderRewrite[from=/one/, to=/]"),
        row("proxy-http-version", "1.1", "-"),
        // custom-headers, as ingress-nginx's customheaders parser: a ConfigMap of any namespace
        row("custom-headers", "shop/headers", "shop/headers"),
        row("custom-headers", " other/headers ", "other/headers"),
        row("custom-headers", "headers", NS + "/headers"),
        Arguments.of(
            "custom-headers",
            "Shop/Headers",
            "fails closed",
            "\"Shop/Headers\" is not a ConfigMap reference (namespace/name or name, lower-case"
                + " DNS names); the Ingress's paths answer 503",
            Map.of()),
        invalid("proxy-http-version", "2.0", "-", "is neither \"1.0\" nor \"1.1\""),
        row(
            "proxy-redirect-from",
            "http://in.svc/",
            "HeaderRewrite[from=http://in.svc/, to=/]",
            Map.of("proxy-redirect-to", "/")),
        row("proxy-redirect-from", "http://in.svc/", "-"),
        row("proxy-redirect-from", "default", "-", Map.of("proxy-redirect-to", "/")),
        row("proxy-redirect-to", "/", "-", Map.of("proxy-redirect-from", "off")),
        row(
            "proxy-redirect-to",
            "https://a.com/",
            "HeaderRewrite[from=~in, to=https://a.com/]",
            Map.of("proxy-redirect-from", "~in")),
        invalid(
            "proxy-redirect-to",
            "/a b",
            "-",
            "is not one URL prefix (letters, digits and -._~/:,?&= only)",
            Map.of("proxy-redirect-from", "/")),
        // Custom errors, as ingress-nginx's customhttperrors and defaultbackend parsers
        row("custom-http-errors", "404,503", "[404, 503]"),
        row("custom-http-errors", "503, 404, 503", "[404, 503]"),
        row("custom-http-errors", "599,400,", "[400, 599]"),
        invalid(
            "custom-http-errors",
            "404,302",
            "[]",
            "is not a comma-separated list of statuses from 400 to 599"),
        invalid(
            "custom-http-errors",
            "404;500",
            "[]",
            "is not a comma-separated list of statuses from 400 to 599"),
        invalid(
            "custom-http-errors",
            "4040",
            "[]",
            "is not a comma-separated list of statuses from 400 to 599"),
        row("default-backend", "error-pages", "error-pages"),
        invalid(
            "default-backend",
            "shop/error-pages",
            "-",
            "is not a Service name (a DNS-1035 label) of the Ingress's namespace"),
        invalid(
            "default-backend",
            "Errors",
            "-",
            "is not a Service name (a DNS-1035 label) of the Ingress's namespace"));
  }

  /** A setting of the external auth, or "fails closed". */
  private static Object externalAuth(IngressAnnotations a, Function<ExternalAuth, Object> setting) {
    ExternalAuth auth = a.path().externalAuth().orElse(null);
    if (auth == null) {
      return null;
    }
    return auth.isUnavailable() ? "fails closed" : setting.apply(auth);
  }

  private static Arguments failsClosed(String suffix, String value, String reason) {
    return failsClosed(suffix, value, reason, Map.of());
  }

  private static Arguments failsClosed(
      String suffix, String value, String reason, Map<String, String> context) {
    return Arguments.of(
        suffix,
        value,
        "fails closed",
        "\"" + value + "\" " + reason + "; " + AccessAnnotationParser.FAILS_CLOSED,
        context);
  }

  private static Arguments invalidSkipped(
      String suffix, String value, String expected, String origin, Map<String, String> context) {
    return Arguments.of(
        suffix,
        value,
        expected,
        "\""
            + value
            + "\" lists \""
            + origin
            + "\", which is not an origin (scheme://host[:port], *, null); skipped;"
            + DEFAULT,
        context);
  }

  @ParameterizedTest(name = "{0}: \"{1}\" -> {2} {3}")
  @MethodSource("values")
  void eachAnnotationIsReadAsIngressNginxReadsItUnderEitherPrefix(
      String suffix, String value, String expected, String problem, Map<String, String> context) {
    List<String> prefixes =
        IngressAnnotations.WEIR_ONLY.contains(suffix) ? List.of(WEIR) : List.of(NGINX, WEIR);
    for (String prefix : prefixes) {
      Map<String, String> annotations = new HashMap<>();
      context.forEach((k, v) -> annotations.put(NGINX + k, v));
      annotations.put(prefix + suffix, value);
      IngressAnnotations read = IngressAnnotations.read(annotations, NS);
      assertThat(shown(READ_BACK.get(suffix).apply(read))).as(prefix).isEqualTo(expected);
      assertThat(read.problems())
          .as(prefix)
          .containsExactlyElementsOf(
              problem == null
                  ? List.of()
                  : List.of(new AnnotationProblem(prefix + suffix, Kind.INVALID_VALUE, problem)));
    }
  }

  @Test
  void everyAnnotationHasARowAndEverySupportedOneIsRead() {
    assertThat(READ_BACK.keySet())
        .containsExactlyInAnyOrderElementsOf(
            Stream.concat(
                    IngressAnnotations.SUPPORTED.stream(), IngressAnnotations.WEIR_ONLY.stream())
                .toList());
    assertThat(values().map(row -> (String) row.get()[0]).distinct())
        .containsExactlyInAnyOrderElementsOf(READ_BACK.keySet());
    assertThat(AnnotationNames.INGRESS_NGINX).containsAll(IngressAnnotations.SUPPORTED);
    assertThat(AnnotationNames.INGRESS_NGINX)
        .doesNotContainAnyElementsOf(IngressAnnotations.WEIR_ONLY);
  }

  @Test
  void withoutAnnotationsEverythingIsAtItsDefault() {
    IngressAnnotations none = IngressAnnotations.read(null, NS);
    assertThat(none)
        .isEqualTo(
            new IngressAnnotations(
                PathAnnotations.NONE,
                BackendAnnotations.NONE,
                HostAnnotations.NONE,
                CanaryAnnotations.NONE,
                List.of()));
    assertThat(IngressAnnotations.read(Map.of("kubernetes.io/ingress.class", "weir"), NS))
        .isEqualTo(none);
  }

  @Test
  void aCookieAffinityAloneHasIngressNginxsDefaultsAndLeavesThePathToTheTranslator() {
    IngressAnnotations read = IngressAnnotations.read(Map.of(NGINX + "affinity", "cookie"), NS);
    assertThat(read.path().affinity()).contains(Affinity.builder().build());
    Affinity affinity = read.path().affinity().get();
    assertThat(affinity.mode()).isEqualTo(AffinityMode.BALANCED);
    assertThat(affinity.cookieName()).isEqualTo("INGRESSCOOKIE");
    assertThat(affinity.cookiePath()).isNull();
    assertThat(affinity.sameSite()).isNull();
    assertThat(affinity.secure()).isFalse();
  }

  @Test
  void aFullCookieAffinity() {
    Map<String, String> annotations =
        withAnnotations(
            NGINX + "affinity", "cookie",
            NGINX + "affinity-mode", "persistent",
            NGINX + "session-cookie-name", "route",
            NGINX + "session-cookie-path", "/shop",
            NGINX + "session-cookie-domain", "example.com",
            NGINX + "session-cookie-max-age", "3600",
            NGINX + "session-cookie-expires", "7200",
            NGINX + "session-cookie-samesite", "None",
            NGINX + "session-cookie-conditional-samesite-none", "true",
            NGINX + "session-cookie-secure", "true",
            NGINX + "session-cookie-change-on-failure", "true");
    IngressAnnotations read = IngressAnnotations.read(annotations, NS);
    assertThat(read.problems()).isEmpty();
    assertThat(read.path().affinity())
        .contains(
            Affinity.builder()
                .mode(AffinityMode.PERSISTENT)
                .cookieName("route")
                .cookiePath("/shop")
                .cookieDomain("example.com")
                .maxAgeSeconds(3600L)
                .expiresSeconds(7200L)
                .sameSite(SameSite.NONE)
                .conditionalSameSiteNone(true)
                .secure(true)
                .changeOnFailure(true)
                .build());
  }

  @Test
  void reEncryptionAndClientAuthenticationReadTheirSecretsAndSettings() {
    Map<String, String> annotations =
        withAnnotations(
            NGINX + "backend-protocol", "GRPCS",
            NGINX + "proxy-ssl-secret", "shop/upstream-ca",
            NGINX + "proxy-ssl-verify", "on",
            NGINX + "proxy-ssl-verify-depth", "2",
            NGINX + "proxy-ssl-name", "api.internal",
            NGINX + "proxy-ssl-server-name", "on",
            NGINX + "auth-tls-secret", "client-ca",
            NGINX + "auth-tls-verify-client", "optional",
            NGINX + "auth-tls-verify-depth", "2",
            NGINX + "auth-tls-pass-certificate-to-upstream", "true");
    IngressAnnotations read = IngressAnnotations.read(annotations, NS);
    assertThat(read.problems()).isEmpty();
    assertThat(read.backend())
        .isEqualTo(
            new BackendAnnotations(
                UpstreamProtocol.GRPCS,
                Optional.of(
                    new UpstreamTlsAnnotations(
                        Optional.of(new SecretRef(NS, "upstream-ca")),
                        true,
                        2,
                        Optional.of("api.internal"),
                        true)),
                BalanceAlgorithm.ROUND_ROBIN,
                Optional.empty()));
    assertThat(read.host().clientAuth())
        .contains(
            new ClientAuthAnnotations(
                Optional.of(new SecretRef(NS, "client-ca")), ClientVerify.OPTIONAL, 2, true));
  }

  @Test
  void reEncryptionWithoutASecretIsUnverifiedAndClientAuthenticationDefaultsToOn() {
    IngressAnnotations https =
        IngressAnnotations.read(Map.of(NGINX + "backend-protocol", "HTTPS"), NS);
    assertThat(https.backend().tls()).isEmpty();
    assertThat(https.problems()).isEmpty();
    IngressAnnotations auth = IngressAnnotations.read(Map.of(NGINX + "auth-tls-secret", "ca"), NS);
    assertThat(auth.host().clientAuth())
        .contains(
            new ClientAuthAnnotations(
                Optional.of(new SecretRef(NS, "ca")), ClientVerify.ON, 1, false));
  }

  static Stream<Arguments> refusedSecrets() {
    String crossNamespace =
        " is in another namespace than the Ingress (shop), and Secrets of other namespaces are"
            + " refused (ingress-nginx's allow-cross-namespace-resources: false); ";
    String malformed =
        " is not a Secret reference (namespace/name or name, lower-case DNS names); ";
    return Stream.of(
        Arguments.of("other/ca", "\"other/ca\"" + crossNamespace),
        Arguments.of("a/b/c", "\"a/b/c\"" + malformed),
        Arguments.of("/ca", "\"/ca\"" + malformed),
        Arguments.of("shop/", "\"shop/\"" + malformed),
        Arguments.of("Client_CA", "\"Client_CA\"" + malformed));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedSecrets")
  void aRefusedSecretReferenceFailsClosedInsteadOfFallingBackToADefault(
      String value, String reason) {
    IngressAnnotations auth =
        IngressAnnotations.read(
            Map.of(NGINX + "auth-tls-secret", value, NGINX + "auth-tls-verify-depth", "2"), NS);
    assertThat(auth.host().clientAuth().get().failsClosed()).isTrue();
    assertThat(auth.host().clientAuth().get().verifyDepth()).isEqualTo(2);
    assertThat(auth.problems())
        .containsExactly(
            new AnnotationProblem(
                NGINX + "auth-tls-secret",
                Kind.INVALID_VALUE,
                reason + "the host refuses requests"));

    IngressAnnotations upstream =
        IngressAnnotations.read(
            Map.of(NGINX + "backend-protocol", "HTTPS", WEIR + "proxy-ssl-secret", value), NS);
    assertThat(upstream.backend().tls().get().failsClosed()).isTrue();
    assertThat(upstream.problems())
        .containsExactly(
            new AnnotationProblem(
                WEIR + "proxy-ssl-secret",
                Kind.INVALID_VALUE,
                reason + "requests to the backend fail"));
  }

  @Test
  void anEmptySecretAnnotationIsAsIfUnsetAsInIngressNginx() {
    IngressAnnotations read =
        IngressAnnotations.read(
            Map.of(NGINX + "auth-tls-secret", " ", NGINX + "auth-tls-verify-client", "off"), NS);
    assertThat(read.host().clientAuth()).isEmpty();
    assertThat(read.problems())
        .containsExactly(
            new AnnotationProblem(
                NGINX + "auth-tls-secret",
                Kind.INVALID_VALUE,
                "\" \" is empty; the default applies"),
            new AnnotationProblem(
                NGINX + "auth-tls-verify-client",
                Kind.IGNORED,
                "has no effect without auth-tls-secret"));
  }

  @Test
  void weirPrefixWinsOverIngressNginxs() {
    IngressAnnotations read =
        IngressAnnotations.read(
            Map.of(
                NGINX + "affinity",
                "cookie",
                NGINX + "affinity-mode",
                "persistent",
                WEIR + "affinity-mode",
                "balanced",
                NGINX + "proxy-body-size",
                "1m",
                WEIR + "proxy-body-size",
                "0"),
            NS);
    assertThat(read.path().affinity().get().mode()).isEqualTo(AffinityMode.BALANCED);
    assertThat(read.path().maxBodyBytes()).hasValue(0);
    assertThat(read.problems()).isEmpty();
  }

  @Test
  void onAPassthroughIngressEveryOtherAnnotationIsIgnoredAndNotEvenValidated() {
    Map<String, String> annotations =
        withAnnotations(
            NGINX + "ssl-passthrough", "true",
            NGINX + "force-ssl-redirect", "true",
            NGINX + "affinity", "cookie",
            WEIR + "proxy-body-size", "not-a-size",
            NGINX + "auth-tls-secret", "other/ca",
            NGINX + "backend-protocol", "HTTPS",
            WEIR + "hsts", "true",
            NGINX + "configuration-snippet", "return 200;");
    IngressAnnotations read = IngressAnnotations.read(annotations, NS);
    assertThat(read)
        .isEqualTo(
            new IngressAnnotations(
                PathAnnotations.NONE,
                BackendAnnotations.NONE,
                new HostAnnotations(true, Optional.empty(), HstsAnnotations.NONE),
                CanaryAnnotations.NONE,
                read.problems()));
    assertThat(read.problems())
        .containsExactly(
            new AnnotationProblem(NGINX + "affinity", Kind.IGNORED, PASSTHROUGH),
            new AnnotationProblem(NGINX + "auth-tls-secret", Kind.IGNORED, PASSTHROUGH),
            new AnnotationProblem(NGINX + "backend-protocol", Kind.IGNORED, PASSTHROUGH),
            new AnnotationProblem(
                NGINX + "configuration-snippet",
                Kind.UNSUPPORTED,
                "ingress-nginx annotation not supported by Weir; ignored"),
            new AnnotationProblem(NGINX + "force-ssl-redirect", Kind.IGNORED, PASSTHROUGH),
            new AnnotationProblem(WEIR + "hsts", Kind.IGNORED, PASSTHROUGH),
            new AnnotationProblem(WEIR + "proxy-body-size", Kind.IGNORED, PASSTHROUGH));
    assertThat(PASSTHROUGH).isEqualTo("has no effect on a passthrough Ingress");
  }

  static Stream<Arguments> withoutEffect() {
    return Stream.of(
        Arguments.of(
            Map.of("session-cookie-name", "x", "affinity-mode", "persistent"),
            Map.of(
                "session-cookie-name", "has no effect without affinity: cookie",
                "affinity-mode", "has no effect without affinity: cookie")),
        Arguments.of(
            Map.of("affinity", "Cookie", "session-cookie-secure", "true"),
            Map.of("session-cookie-secure", "has no effect without affinity: cookie")),
        Arguments.of(
            Map.of("proxy-ssl-secret", "ca", "proxy-ssl-verify", "on"),
            Map.of(
                "proxy-ssl-secret", "has no effect unless backend-protocol is HTTPS or GRPCS",
                "proxy-ssl-verify", "has no effect unless backend-protocol is HTTPS or GRPCS")),
        Arguments.of(
            Map.of("backend-protocol", "GRPC", "proxy-ssl-name", "a.internal"),
            Map.of("proxy-ssl-name", "has no effect unless backend-protocol is HTTPS or GRPCS")),
        Arguments.of(
            Map.of(
                "backend-protocol",
                "HTTPS",
                "proxy-ssl-verify",
                "on",
                "proxy-ssl-verify-depth",
                "2",
                "proxy-ssl-server-name",
                "on"),
            Map.of(
                "proxy-ssl-verify", "has no effect without proxy-ssl-secret",
                "proxy-ssl-verify-depth", "has no effect without proxy-ssl-secret",
                "proxy-ssl-server-name", "has no effect without proxy-ssl-secret")),
        Arguments.of(
            Map.of(
                "auth-tls-verify-client",
                "on",
                "auth-tls-verify-depth",
                "1",
                "auth-tls-pass-certificate-to-upstream",
                "true"),
            Map.of(
                "auth-tls-verify-client", "has no effect without auth-tls-secret",
                "auth-tls-verify-depth", "has no effect without auth-tls-secret",
                "auth-tls-pass-certificate-to-upstream", "has no effect without auth-tls-secret")),
        Arguments.of(
            Map.of(
                "affinity", "cookie", "upstream-hash-by", "$remote_addr", "load-balance", "ewma"),
            Map.of(
                "upstream-hash-by",
                "has no effect with affinity: cookie (the cookie chooses the endpoint)",
                "load-balance",
                "has no effect with affinity: cookie (the cookie chooses the endpoint)")),
        Arguments.of(
            Map.of("upstream-hash-by", "$remote_addr", "load-balance", "ewma"),
            Map.of("load-balance", "has no effect with upstream-hash-by")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("withoutEffect")
  void annotationsThatIngressNginxWouldNotApplyAreReportedAsIgnored(
      Map<String, String> set, Map<String, String> ignored) {
    Map<String, String> annotations = new HashMap<>();
    set.forEach((k, v) -> annotations.put(NGINX + k, v));
    IngressAnnotations read = IngressAnnotations.read(annotations, NS);
    assertThat(read.problems())
        .filteredOn(p -> p.kind() == Kind.IGNORED)
        .containsExactlyInAnyOrderElementsOf(
            ignored.entrySet().stream()
                .map(e -> new AnnotationProblem(NGINX + e.getKey(), Kind.IGNORED, e.getValue()))
                .toList());
  }

  @Test
  void anInvalidHashKeyLeavesLoadBalanceInForce() {
    IngressAnnotations read =
        IngressAnnotations.read(
            Map.of(NGINX + "upstream-hash-by", "$nope", NGINX + "load-balance", "ewma"), NS);
    assertThat(read.backend().hashBy()).isEmpty();
    assertThat(read.backend().loadBalance()).isEqualTo(BalanceAlgorithm.EWMA);
  }

  @Test
  void unsupportedAndUnknownAnnotationsAreListedAndHstsIsReadOnlyUnderWeirsPrefix() {
    Map<String, String> annotations =
        withAnnotations(
            NGINX + "configuration-snippet", "return 200;",
            WEIR + "affinty", "cookie",
            NGINX + "hsts", "true",
            NGINX + "hsts-max-age", "10",
            WEIR + "hsts-max-age", "20");
    IngressAnnotations read = IngressAnnotations.read(annotations, NS);
    assertThat(read.host().hsts())
        .isEqualTo(
            new HstsAnnotations(
                Optional.empty(), OptionalLong.of(20), Optional.empty(), Optional.empty()));
    assertThat(read.problems())
        .containsExactly(
            new AnnotationProblem(
                NGINX + "configuration-snippet",
                Kind.UNSUPPORTED,
                "ingress-nginx annotation not supported by Weir; ignored"),
            new AnnotationProblem(NGINX + "hsts", Kind.UNKNOWN, "unknown annotation; ignored"),
            new AnnotationProblem(
                NGINX + "hsts-max-age", Kind.UNKNOWN, "unknown annotation; ignored"),
            new AnnotationProblem(WEIR + "affinty", Kind.UNKNOWN, "unknown annotation; ignored"));
  }

  /** Keys and values, alternately. */
  private static Map<String, String> withAnnotations(String... keysAndValues) {
    Map<String, String> annotations = new HashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      annotations.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return annotations;
  }

  private static Affinity affinity(IngressAnnotations read) {
    return read.path().affinity().orElseThrow();
  }

  private static String shown(Object value) {
    if (value instanceof Optional<?> optional) {
      return optional.map(IngressAnnotationsTest::shown).orElse("-");
    }
    if (value instanceof OptionalInt optional) {
      return optional.isPresent() ? String.valueOf(optional.getAsInt()) : "-";
    }
    if (value instanceof OptionalLong optional) {
      return optional.isPresent() ? String.valueOf(optional.getAsLong()) : "-";
    }
    return value == null ? "-" : value.toString();
  }

  private static Arguments row(String suffix, String value, String expected) {
    return row(suffix, value, expected, Map.of());
  }

  private static Arguments row(
      String suffix, String value, String expected, Map<String, String> context) {
    return Arguments.of(suffix, value, expected, null, context);
  }

  private static Arguments invalid(String suffix, String value, String expected, String reason) {
    return invalid(suffix, value, expected, reason, Map.of());
  }

  private static Arguments invalid(
      String suffix, String value, String expected, String reason, Map<String, String> context) {
    return Arguments.of(
        suffix, value, expected, "\"" + value + "\" " + reason + ";" + DEFAULT, context);
  }

  @Test
  void onACanaryIngressOnlyItsRulesAndBalancingApplyAndTheRestIsReported() {
    Map<String, String> annotations =
        withAnnotations(
            NGINX + "canary", "true",
            NGINX + "canary-weight", "20",
            NGINX + "load-balance", "ewma",
            NGINX + "affinity", "cookie",
            NGINX + "rewrite-target", "/",
            NGINX + "backend-protocol", "HTTPS",
            NGINX + "ssl-passthrough", "true",
            WEIR + "hsts", "true");
    IngressAnnotations read = IngressAnnotations.read(annotations, NS);
    assertThat(read.canary().enabled()).isTrue();
    assertThat(read.canary().weight()).isEqualTo(20);
    assertThat(read.path()).isEqualTo(PathAnnotations.NONE);
    assertThat(read.host()).isEqualTo(HostAnnotations.NONE);
    assertThat(read.backend().loadBalance()).isEqualTo(BalanceAlgorithm.EWMA);
    assertThat(read.backend().protocol()).isEqualTo(UpstreamProtocol.HTTP);
    String onCanary = "has no effect on a canary Ingress (the main Ingress's settings apply)";
    assertThat(read.problems())
        .containsExactly(
            new AnnotationProblem(NGINX + "affinity", Kind.IGNORED, onCanary),
            new AnnotationProblem(NGINX + "backend-protocol", Kind.IGNORED, onCanary),
            new AnnotationProblem(NGINX + "rewrite-target", Kind.IGNORED, onCanary),
            new AnnotationProblem(NGINX + "ssl-passthrough", Kind.IGNORED, onCanary),
            new AnnotationProblem(WEIR + "hsts", Kind.IGNORED, onCanary));
  }

  @Test
  void canaryRulesWithoutCanaryAreReportedAndTheIngressIsAMainOne() {
    IngressAnnotations read =
        IngressAnnotations.read(
            Map.of(
                NGINX + "canary-weight", "50",
                NGINX + "canary-by-header", "X-Canary",
                NGINX + "canary", "false"),
            NS);
    assertThat(read.canary()).isEqualTo(CanaryAnnotations.NONE);
    assertThat(read.problems())
        .containsExactly(
            new AnnotationProblem(
                NGINX + "canary-by-header", Kind.IGNORED, "has no effect without canary: \"true\""),
            new AnnotationProblem(
                NGINX + "canary-weight", Kind.IGNORED, "has no effect without canary: \"true\""));
  }

  @Test
  void aHeaderValueWinsOverAPatternAndBothNeedAHeader() {
    IngressAnnotations read =
        IngressAnnotations.read(
            Map.of(
                NGINX + "canary", "true",
                NGINX + "canary-by-header-value", "beta",
                NGINX + "canary-by-header-pattern", "b.*"),
            NS);
    assertThat(read.problems())
        .extracting(AnnotationProblem::reason)
        .containsExactly(
            "has no effect without canary-by-header", "has no effect without canary-by-header");
    read =
        IngressAnnotations.read(
            Map.of(
                NGINX + "canary", "true",
                NGINX + "canary-by-header", "X-Canary",
                NGINX + "canary-by-header-value", "beta",
                NGINX + "canary-by-header-pattern", "b.*"),
            NS);
    assertThat(read.canary().headerPattern()).isEmpty();
    assertThat(read.problems())
        .containsExactly(
            new AnnotationProblem(
                NGINX + "canary-by-header-pattern",
                Kind.IGNORED,
                "has no effect with canary-by-header-value"));
  }

  @Test
  void theBalancerTakesATotalBelow100As100AndClampsTheWeight() {
    CanaryAnnotations read =
        IngressAnnotations.read(
                Map.of(
                    NGINX + "canary", "true",
                    NGINX + "canary-weight", "80",
                    NGINX + "canary-weight-total", "50"),
                NS)
            .canary();
    assertThat(read.canary("b").totalWeight()).isEqualTo(100);
    assertThat(read.canary("b").weight()).isEqualTo(80);
    CanaryAnnotations over =
        new CanaryAnnotations(
            true, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 150, 120);
    assertThat(over.canary("b").weight()).isEqualTo(120);
    assertThat(over.canary("b").totalWeight()).isEqualTo(120);
    CanaryAnnotations negative =
        new CanaryAnnotations(
            true, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), -5, 100);
    assertThat(negative.canary("b").weight()).isZero();
  }
}
