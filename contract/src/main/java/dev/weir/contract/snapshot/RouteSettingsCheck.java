package dev.weir.contract.snapshot;

import dev.weir.contract.net.AddressRange;
import java.util.List;

/** The checks of one route's {@link RouteSettings}, apart from the validator's structure checks. */
final class RouteSettingsCheck {
  private RouteSettingsCheck() {}

  static void check(RouteSettings settings, String at, List<String> problems) {
    if (settings.maxBodyBytes() != null && settings.maxBodyBytes() < 0) {
      problems.add(at + ".maxBodyBytes: must not be negative");
    }
    if (settings.upstreamTries() != null && settings.upstreamTries() < 0) {
      problems.add(at + ".upstreamTries: must not be negative");
    }
    Timeouts t = settings.timeouts();
    if (t != null && (t.connectMillis() < 0 || t.readMillis() < 0 || t.sendMillis() < 0)) {
      problems.add(at + ".timeouts: must not be negative");
    }
    Affinity a = settings.affinity();
    if (a != null) {
      checkAffinity(a, at + ".affinity", problems);
    }
    if (settings.cors() != null) {
      checkCors(settings.cors(), at + ".cors", problems);
    }
    AccessControl access = settings.access();
    if (access != null) {
      checkRanges(access.denySourceRanges(), at + ".access.denySourceRanges", problems);
      checkRanges(access.allowSourceRanges(), at + ".access.allowSourceRanges", problems);
      if (access.basicAuth() != null && !isHeaderValue(access.basicAuth().realm(), true)) {
        problems.add(at + ".access.basicAuth.realm: must hold no '\"', '\\' or control characters");
      }
    }
    RateLimit limit = settings.rateLimit();
    if (limit != null) {
      checkRanges(limit.allowSourceRanges(), at + ".rateLimit.allowSourceRanges", problems);
      if (limit.burstMultiplier() < 0) {
        problems.add(at + ".rateLimit.burstMultiplier: must not be negative");
      }
      if (limit.status() < 400 || limit.status() > 599) {
        problems.add(at + ".rateLimit.status: must be between 400 and 599");
      }
    }
    RewriteCheck.check(settings.rewrite(), settings.redirect(), at, problems);
    CustomErrors errors = settings.customErrors();
    if (errors != null) {
      checkCustomErrors(errors, at + ".customErrors", problems);
    }
    if (settings.externalAuth() != null) {
      ExternalAuthCheck.check(settings.externalAuth(), at + ".externalAuth", problems);
    }
    if (settings.proxyHeaders() != null) {
      ProxyHeadersCheck.check(settings.proxyHeaders(), at + ".proxyHeaders", problems);
    }
  }

  private static void checkCustomErrors(CustomErrors errors, String at, List<String> problems) {
    int previous = 0;
    for (Integer code : errors.codes()) {
      if (code == null || code < 400 || code > 599) {
        problems.add(at + ".codes: each must be between 400 and 599");
        return;
      }
      if (code <= previous) {
        problems.add(at + ".codes: must be ascending, without repeats");
        return;
      }
      previous = code;
    }
    if (errors.codes().isEmpty() && errors.backend() == null) {
      problems.add(at + ": needs codes or a backend");
    }
    if ((errors.service() != null && !isHeaderValue(errors.service(), false))
        || (errors.servicePort() != null && !isHeaderValue(errors.servicePort(), false))) {
      problems.add(at + ": service and servicePort must hold no control characters");
    }
  }

  private static void checkCors(Cors cors, String at, List<String> problems) {
    for (String origin : cors.allowOrigins()) {
      if (origin.isEmpty() || !isHeaderValue(origin, false) || origin.indexOf(',') >= 0) {
        problems.add(at + ".allowOrigins: an origin must be non-empty, without ',' or controls");
      }
    }
    if (!isHeaderValue(cors.allowMethods(), false)
        || !isHeaderValue(cors.allowHeaders(), false)
        || (cors.exposeHeaders() != null && !isHeaderValue(cors.exposeHeaders(), false))) {
      problems.add(at + ": header values must hold no control characters");
    }
    if (cors.maxAgeSeconds() < 0) {
      problems.add(at + ".maxAgeSeconds: must not be negative");
    }
  }

  private static void checkRanges(List<String> ranges, String at, List<String> problems) {
    if (ranges == null) {
      return;
    }
    for (String range : ranges) {
      try {
        AddressRange.parse(range);
      } catch (IllegalArgumentException e) {
        problems.add(at + ": " + e.getMessage());
      }
    }
  }

  /** Printable ASCII; with {@code quoted}, also no '"' or '\\' (it goes in a quoted string). */
  static boolean isHeaderValue(String s, boolean quoted) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c >= 0x7f || (quoted && (c == '"' || c == '\\'))) {
        return false;
      }
    }
    return true;
  }

  private static void checkAffinity(Affinity a, String at, List<String> problems) {
    if (!isToken(a.cookieName())) {
      problems.add(at + ".cookieName: not a cookie name (RFC 6265 token characters only)");
    }
    if (a.cookiePath() != null
        && (!a.cookiePath().startsWith("/") || !isAttributeValue(a.cookiePath()))) {
      problems.add(at + ".cookiePath: must start with '/' and hold no ';' or control characters");
    }
    if (a.cookieDomain() != null
        && (a.cookieDomain().isEmpty()
            || !isAttributeValue(a.cookieDomain())
            || a.cookieDomain().indexOf(' ') >= 0)) {
      problems.add(
          at + ".cookieDomain: must be a domain, without ';', spaces or control characters");
    }
    if (a.maxAgeSeconds() != null && a.maxAgeSeconds() < 0) {
      problems.add(at + ".maxAgeSeconds: must not be negative");
    }
    if (a.expiresSeconds() != null && a.expiresSeconds() < 0) {
      problems.add(at + ".expiresSeconds: must not be negative");
    }
  }

  /** RFC 6265's cookie-name: an RFC 2616 token. */
  static boolean isToken(String s) {
    if (s == null || s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= 0x20 || c >= 0x7f || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
        return false;
      }
    }
    return true;
  }

  /** An attribute value of Set-Cookie: printable ASCII without ';'. */
  private static boolean isAttributeValue(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c >= 0x7f || c == ';') {
        return false;
      }
    }
    return true;
  }
}
