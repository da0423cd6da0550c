package dev.weir.contract.snapshot;

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
    RewriteCheck.check(settings.rewrite(), settings.redirect(), at, problems);
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
