package dev.weir.operator.annotations;

import static dev.weir.operator.annotations.AnnotationStatus.DIFFERENCE;
import static dev.weir.operator.annotations.AnnotationStatus.IDENTICAL;
import static dev.weir.operator.annotations.AnnotationStatus.IGNORED;
import static dev.weir.operator.annotations.AnnotationStatus.REFUSED;
import static dev.weir.operator.annotations.AnnotationStatus.UNSUPPORTED;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Weir's status for every ingress-nginx annotation suffix (and Weir's own), with a one-sentence
 * note: the table {@code weir audit} reports from and docs/annotations.md describes at length. One
 * line per annotation; {@code AnnotationCatalogTest} fails when an annotation the parser reads has
 * no entry here, or an entry claims support the parser does not have.
 */
public final class AnnotationCatalog {
  /**
   * One annotation.
   *
   * @param suffix the name after the prefix ({@code proxy-body-size})
   * @param status what Weir does with it
   * @param note the difference, the reason it is ignored or unsupported, or what it does
   * @param weirOnly read only under {@code weir.dev/}: ingress-nginx has no such annotation
   * @param valuesOnly the difference is only in the default or in which values are accepted: a
   *     value Weir accepts behaves as in ingress-nginx (a refused one is reported as invalid, an
   *     absent one relying on a different default is reported by the audit)
   */
  public record Entry(
      String suffix, AnnotationStatus status, String note, boolean weirOnly, boolean valuesOnly) {
    public Entry {
      Objects.requireNonNull(suffix, "suffix");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(note, "note");
    }
  }

  private static final String SNIPPET =
      "raw nginx configuration is never executed (the injection path of ingress-nginx's worst CVEs)";
  private static final String PER_BACKEND =
      "applied per backend (Service port) rather than per path";
  private static final Map<String, Entry> ENTRIES = new TreeMap<>();

  static {
    // Session affinity
    add(
        "affinity",
        DIFFERENCE,
        "ingress-nginx's existing cookies are not recognised: each client is balanced once and gets a Weir cookie");
    add("affinity-mode", IDENTICAL, "balanced and persistent as ingress-nginx's sticky balancers");
    add(
        "affinity-canary-behavior",
        UNSUPPORTED,
        "legacy is not implemented: a canary always shares the main route's affinity (sticky)");
    values(
        "session-cookie-name", "'/' and ':' are refused (a Set-Cookie header cannot carry them)");
    values("session-cookie-path", "the path must start with '/'");
    add("session-cookie-domain", IDENTICAL, "sets the cookie's Domain");
    values("session-cookie-max-age", "digits only: negative and malformed values are refused");
    values("session-cookie-expires", "digits only: negative and malformed values are refused");
    add("session-cookie-samesite", IDENTICAL, "None, Lax or Strict");
    add(
        "session-cookie-conditional-samesite-none",
        IDENTICAL,
        "SameSite=None left out for user agents that mishandle it");
    add("session-cookie-secure", IDENTICAL, "Secure on plain HTTP too");
    add(
        "session-cookie-change-on-failure",
        IDENTICAL,
        "the cookie follows a retry to another endpoint");
    // HTTPS
    add("ssl-redirect", DIFFERENCE, "/.well-known/acme-challenge/ is never redirected");
    add(
        "force-ssl-redirect",
        DIFFERENCE,
        "/.well-known/acme-challenge/ is never redirected, and it is ignored on a passthrough Ingress");
    add(
        "ssl-passthrough",
        DIFFERENCE,
        "needs no controller flag, and every other annotation of the Ingress is ignored");
    add(
        "ssl-ciphers",
        UNSUPPORTED,
        "Weir's TLS settings are controller-wide (TLS 1.2 and 1.3 with modern ciphers)");
    add("ssl-prefer-server-ciphers", UNSUPPORTED, "Weir's TLS settings are controller-wide");
    add(
        "hsts",
        IDENTICAL,
        "Weir's own: turns HSTS on or off per host (ingress-nginx: ConfigMap only)",
        true);
    add("hsts-max-age", IDENTICAL, "Weir's own: HSTS max-age per host", true);
    add("hsts-include-subdomains", IDENTICAL, "Weir's own: includeSubDomains per host", true);
    add("hsts-preload", IDENTICAL, "Weir's own: preload per host", true);
    // Client certificates
    add(
        "auth-tls-secret",
        DIFFERENCE,
        "the namespace may be omitted; an unusable CA fails closed with 503 as in ingress-nginx");
    add(
        "auth-tls-verify-client",
        IDENTICAL,
        "on, off, optional, optional_no_ca; a bad certificate gets 400");
    add("auth-tls-verify-depth", IDENTICAL, "the longest chain below the CA");
    add(
        "auth-tls-pass-certificate-to-upstream",
        IDENTICAL,
        "ssl-client-cert and the ssl-client-* headers, client-sent ones removed");
    add("auth-tls-error-page", UNSUPPORTED, "a bad client certificate always gets 400");
    add("auth-tls-match-cn", UNSUPPORTED, "the certificate's CN is not matched");
    // Timeouts, limits, retries, logging
    values("proxy-body-size", "the default is unlimited (ingress-nginx: 1m)");
    add("proxy-connect-timeout", IDENTICAL, "whole seconds");
    add("proxy-read-timeout", IDENTICAL, "whole seconds between two reads");
    add("proxy-send-timeout", IDENTICAL, "whole seconds between two writes");
    add(
        "proxy-next-upstream-tries",
        IDENTICAL,
        "tries in all, 3 by default; a retry picks an endpoint the request has not tried");
    add(
        "proxy-next-upstream",
        DIFFERENCE,
        "error, timeout, http_5xx/403/404/429 and non_idempotent as nginx; invalid_header is refused"
            + " (an invalid response head is always 502), and a request whose body was sent is"
            + " resent only when that body was read whole and is at most 64 KiB");
    add(
        "proxy-next-upstream-timeout",
        IDENTICAL,
        "seconds after which no further try starts; 0 is no limit");
    add(
        "enable-access-log",
        IDENTICAL,
        "false leaves the Ingress's requests out of the access log");
    add("enable-rewrite-log", IGNORED, "nginx's rewrite debug log has no equivalent");
    // Paths, rewrites and redirects
    add("use-regex", DIFFERENCE, "RE2 syntax: backreferences and lookaround are refused");
    values("rewrite-target", "only $0 to $9 are substituted; other nginx variables are refused");
    add("x-forwarded-prefix", IDENTICAL, "sent on rewritten requests");
    add(
        "app-root",
        DIFFERENCE,
        "applies on the Ingress's own / path, not on every Ingress of the host");
    add("permanent-redirect", IDENTICAL, "the URL exactly as written");
    add(
        "permanent-redirect-code",
        IDENTICAL,
        "300 to 308, default 301 (an out-of-range code is reported)");
    add("temporal-redirect", IDENTICAL, "wins over permanent-redirect");
    add(
        "temporal-redirect-code",
        IDENTICAL,
        "300 to 307, default 302 (an out-of-range code is reported)");
    add(
        "from-to-www-redirect",
        DIFFERENCE,
        "the other name gets a 308 to the host with the target less one trailing '/', unless it is a"
            + " host itself; the Location's port is the one the client addressed, where nginx writes its own"
            + " listening port, and X-Forwarded-Proto/-Port are not read");
    add(
        "preserve-trailing-slash",
        IDENTICAL,
        "without it the HTTPS redirect leaves out one trailing '/' of the request target");
    add("relative-redirects", UNSUPPORTED, "Weir's redirects are absolute");
    add("use-port-in-redirects", UNSUPPORTED, "Weir's redirects carry the request's host as sent");
    // Backends
    add("backend-protocol", DIFFERENCE, PER_BACKEND + "; AUTO_HTTP and FCGI are not supported");
    add("proxy-ssl-secret", DIFFERENCE, PER_BACKEND + "; the namespace may be omitted");
    add("proxy-ssl-verify", DIFFERENCE, PER_BACKEND);
    add("proxy-ssl-verify-depth", DIFFERENCE, PER_BACKEND);
    add("proxy-ssl-name", DIFFERENCE, PER_BACKEND + "; a host name only");
    add("proxy-ssl-server-name", DIFFERENCE, PER_BACKEND);
    add("proxy-ssl-ciphers", UNSUPPORTED, "upstream TLS uses Weir's cipher suites");
    add("proxy-ssl-protocols", UNSUPPORTED, "upstream TLS uses TLS 1.2 and 1.3");
    values(
        "load-balance", "round_robin and ewma only; chash, chashsubset and sticky_* are refused");
    values(
        "upstream-hash-by",
        "a subset of nginx variables ($request_uri, $host, $http_*, $cookie_*, $arg_*, ...)");
    add("upstream-hash-by-subset", UNSUPPORTED, "subset hashing is not implemented");
    add("upstream-hash-by-subset-size", UNSUPPORTED, "subset hashing is not implemented");
    add(
        "upstream-vhost",
        DIFFERENCE,
        "the Host sent to the pods (X-Forwarded-Host keeps the client's); a literal name, no nginx"
            + " variables; over upstream TLS it is also the name verified, where nginx uses the"
            + " upstream's");
    add(
        "service-upstream",
        IDENTICAL,
        "the Service's ClusterIP and port as the one endpoint (kube-proxy balances); a headless"
            + " Service keeps its endpoints, reported");
    add(
        "custom-headers",
        DIFFERENCE,
        "the ConfigMap's keys set on every response (more_set_headers), denied (503) when it is"
            + " missing or sets a header outside global-allowed-response-headers or"
            + " --allowed-response-headers; values are literal, nginx variables are not expanded");
    add(
        "proxy-redirect-from",
        IDENTICAL,
        "proxy_redirect on Location and Refresh with proxy-redirect-to: a literal prefix or a ~"
            + " regex; off and default change nothing (nginx's default names no pod's URL)");
    add(
        "proxy-redirect-to",
        IDENTICAL,
        "a rewritten Location that starts with / is made absolute with the request's scheme and"
            + " host, as nginx's absolute_redirect");
    add(
        "proxy-cookie-domain",
        IDENTICAL,
        "off or \"from to\": Set-Cookie's Domain matched whole and case-insensitively, a leading"
            + " dot kept");
    add(
        "proxy-cookie-path",
        IDENTICAL,
        "off or \"from to\": Set-Cookie's Path prefix replaced, case-sensitively");
    add(
        "proxy-http-version",
        IGNORED,
        "Weir speaks HTTP/1.1 with keep-alive to HTTP backends; 1.0 is reported and not applied");
    add("connection-proxy-header", UNSUPPORTED, "Weir manages upstream connections itself");
    add(
        "proxy-buffering",
        IGNORED,
        "Weir streams responses with backpressure; there is no response buffer to turn on");
    add("proxy-request-buffering", IGNORED, "Weir streams request bodies with backpressure");
    add(
        "proxy-buffer-size",
        IGNORED,
        "Weir streams; the response header block is bounded by the data plane");
    add("proxy-buffers-number", IGNORED, "Weir streams; nginx's buffers have no equivalent");
    add("proxy-busy-buffers-size", IGNORED, "Weir streams; nginx's buffers have no equivalent");
    add("proxy-max-temp-file-size", IGNORED, "Weir never writes a response to disk");
    add(
        "client-body-buffer-size",
        IGNORED,
        "Weir streams request bodies and never writes them to disk");
    add("http2-push-preload", IGNORED, "HTTP/2 server push is gone from browsers and from nginx");
    add("fastcgi-index", UNSUPPORTED, "FastCGI backends are not supported");
    add("fastcgi-params-configmap", UNSUPPORTED, "FastCGI backends are not supported");
    add("mirror-target", UNSUPPORTED, "request mirroring is not implemented");
    add("mirror-host", UNSUPPORTED, "request mirroring is not implemented");
    add("mirror-request-body", UNSUPPORTED, "request mirroring is not implemented");
    // Errors and defaults
    add(
        "custom-http-errors",
        DIFFERENCE,
        "listed pod answers (and Weir's own 502/503/504) are replaced by the error backend's, asked"
            + " with the X-Code family of headers; the client keeps the replaced status when the"
            + " error backend answers 2xx, the error backend gets no request body");
    add(
        "default-backend",
        IDENTICAL,
        "a Service of the Ingress's namespace on its first port: the error pages' backend, and the"
            + " path's while its own Service has no endpoints");
    add(
        "disable-proxy-intercept-errors",
        UNSUPPORTED,
        "listed statuses are always replaced by the error backend's answer");
    values(
        "server-alias",
        "exact names and leading '*.' wildcards only: nginx's regular-expression, '.example.com' and"
            + " 'example.*' names are refused");
    // Canary
    add(
        "canary",
        DIFFERENCE,
        "a canary Ingress attaches its backends to the main route with the same host, path and path"
            + " type (oldest canary wins) and routes nothing itself");
    add(
        "canary-by-header",
        IDENTICAL,
        "always sends to the canary, never stays on the main backend and skips cookie and weight");
    add(
        "canary-by-header-value",
        IDENTICAL,
        "the exact value sends to the canary; wins over the pattern");
    add(
        "canary-by-header-pattern",
        DIFFERENCE,
        "RE2 instead of PCRE (unanchored, case-sensitive); a pattern RE2 refuses is reported");
    add(
        "canary-by-cookie",
        DIFFERENCE,
        "always and never as ingress-nginx; the cookie name is matched case-sensitively");
    add("canary-weight", IDENTICAL, "weight out of the total, drawn at random per request");
    add("canary-weight-total", IDENTICAL, "default 100; below 100 counts as 100");
    // CORS
    add("enable-cors", IDENTICAL, "preflights answered with 204 and never proxied");
    add(
        "cors-allow-origin",
        DIFFERENCE,
        "the whole origin is matched (ingress-nginx's regex is anchored only at the end)");
    add("cors-allow-methods", IDENTICAL, "default GET, PUT, POST, DELETE, PATCH, OPTIONS");
    add("cors-allow-headers", IDENTICAL, "ingress-nginx's default list");
    add("cors-expose-headers", IDENTICAL, "none by default");
    add("cors-allow-credentials", IDENTICAL, "true by default");
    add("cors-max-age", IDENTICAL, "1728000 by default");
    // Source ranges
    add("allowlist-source-range", DIFFERENCE, "/.well-known/acme-challenge/ is exempt");
    add(
        "whitelist-source-range",
        DIFFERENCE,
        "the old name of allowlist-source-range; /.well-known/acme-challenge/ is exempt");
    add("denylist-source-range", DIFFERENCE, "/.well-known/acme-challenge/ is exempt");
    // Basic and external authentication
    values("auth-type", "basic only: digest fails closed with 503");
    add(
        "auth-secret",
        DIFFERENCE,
        "DES crypt and $5$/$6$ hashes are refused; the namespace may be omitted");
    add("auth-secret-type", IDENTICAL, "auth-file or auth-map");
    add("auth-realm", IDENTICAL, "the realm of WWW-Authenticate");
    add("auth-file", UNSUPPORTED, "not an annotation ingress-nginx reads: use auth-secret-type");
    add("auth-map", UNSUPPORTED, "not an annotation ingress-nginx reads: use auth-secret-type");
    add("satisfy", UNSUPPORTED, "authentication and source ranges are always both required");
    add("enable-global-auth", UNSUPPORTED, "there is no global external authentication");
    add(
        "auth-url",
        DIFFERENCE,
        "a sub-request without the body with nginx's auth headers, 2xx allows, 401/403 passed on,"
            + " anything else 500; an empty or invalid URL fails closed with 503");
    add("auth-method", IDENTICAL, "the sub-request's method, with X-Original-URI and X-Scheme");
    add("auth-signin", IDENTICAL, "a 401 becomes a 302 to it with rd= the original URL");
    add("auth-signin-redirect-param", IDENTICAL, "the parameter carrying the original URL");
    add("auth-response-headers", IDENTICAL, "copied over the client's values on a 2xx answer");
    add(
        "auth-proxy-set-headers",
        UNSUPPORTED,
        "names a ConfigMap Weir does not read: the auth service gets no extra headers");
    add("auth-request-redirect", IDENTICAL, "the X-Auth-Request-Redirect value");
    add(
        "auth-cache-key",
        DIFFERENCE,
        "a bounded cache per path and replica, emptied when the path's snapshot changes");
    add("auth-cache-duration", IDENTICAL, "status lists and durations with proxy_cache's rules");
    add(
        "auth-always-set-cookie",
        DIFFERENCE,
        "the auth response's Set-Cookie on every answer; several are passed separately");
    add(
        "auth-keepalive",
        DIFFERENCE,
        "idle connections kept per event loop, also where ingress-nginx ignored it (HTTP/2 on)");
    add("auth-keepalive-requests", IDENTICAL, "requests per kept connection (default 1000)");
    add("auth-keepalive-share-vars", UNSUPPORTED, "Weir has no nginx variables to share");
    add("auth-keepalive-timeout", IDENTICAL, "idle seconds of a kept connection (default 60)");
    // Rate limits
    values(
        "limit-rps",
        "an invalid value drops only this limit (ingress-nginx: all of the Ingress's limits)");
    values(
        "limit-rpm",
        "an invalid value drops only this limit (ingress-nginx: all of the Ingress's limits)");
    values(
        "limit-connections",
        "an invalid value drops only this limit (ingress-nginx: all of the Ingress's limits)");
    add("limit-burst-multiplier", IDENTICAL, "burst = rate x multiplier, nodelay");
    add("limit-allowlist", IDENTICAL, "clients never limited");
    add("limit-whitelist", IDENTICAL, "the old name of limit-allowlist");
    add(
        "limit-req-status-code",
        IDENTICAL,
        "Weir's own: the over-limit status per Ingress (ingress-nginx: ConfigMap only)",
        true);
    add("limit-rate", UNSUPPORTED, "bandwidth limits are not implemented");
    add("limit-rate-after", UNSUPPORTED, "bandwidth limits are not implemented");
    // Observability and WAF
    add("enable-opentelemetry", UNSUPPORTED, "tracing is not implemented");
    add("opentelemetry-operation-name", UNSUPPORTED, "tracing is not implemented");
    add("opentelemetry-trust-incoming-span", UNSUPPORTED, "tracing is not implemented");
    add("enable-modsecurity", UNSUPPORTED, "Weir has no web application firewall");
    add("enable-owasp-core-rules", UNSUPPORTED, "Weir has no web application firewall");
    add("modsecurity-transaction-id", UNSUPPORTED, "Weir has no web application firewall");
    // Snippets
    add("configuration-snippet", REFUSED, SNIPPET);
    add("server-snippet", REFUSED, SNIPPET);
    add("auth-snippet", REFUSED, SNIPPET);
    add("stream-snippet", REFUSED, SNIPPET);
    add("modsecurity-snippet", REFUSED, SNIPPET);
  }

  private AnnotationCatalog() {}

  private static void add(String suffix, AnnotationStatus status, String note) {
    put(new Entry(suffix, status, note, false, false));
  }

  private static void add(String suffix, AnnotationStatus status, String note, boolean weirOnly) {
    put(new Entry(suffix, status, note, weirOnly, false));
  }

  /** A difference only in the default or in the values accepted. */
  private static void values(String suffix, String note) {
    put(new Entry(suffix, DIFFERENCE, note, false, true));
  }

  private static void put(Entry entry) {
    String suffix = entry.suffix();
    if (ENTRIES.put(suffix, entry) != null) {
      throw new IllegalStateException("catalogued twice: " + suffix);
    }
  }

  /** The entry for {@code suffix}, if it is an ingress-nginx or Weir annotation. */
  public static Optional<Entry> of(String suffix) {
    return Optional.ofNullable(ENTRIES.get(suffix));
  }

  /** Every entry, by suffix. */
  public static Collection<Entry> entries() {
    return Collections.unmodifiableCollection(ENTRIES.values());
  }
}
