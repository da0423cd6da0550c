package dev.weir.contract.snapshot;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** The checks of a route's {@link ProxyHeaders}: what the data plane puts into headers is safe. */
final class ProxyHeadersCheck {
  private ProxyHeadersCheck() {}

  static void check(ProxyHeaders headers, String at, List<String> problems) {
    if (headers.host() != null
        && (headers.host().isEmpty() || !RouteSettingsCheck.isHeaderValue(headers.host(), false))) {
      problems.add(at + ".host: must be a non-empty header value without control characters");
    }
    for (Map.Entry<String, String> e : headers.setResponseHeaders().entrySet()) {
      if (!RouteSettingsCheck.isToken(e.getKey())) {
        problems.add(at + ".responseHeaders: '" + e.getKey() + "' is not a header name");
      } else if (!RouteSettingsCheck.isHeaderValue(e.getValue(), false)) {
        problems.add(at + ".responseHeaders." + e.getKey() + ": must hold no control characters");
      }
    }
    check(headers.redirect(), at + ".redirect", problems);
    check(headers.cookieDomain(), at + ".cookieDomain", problems);
    check(headers.cookiePath(), at + ".cookiePath", problems);
  }

  private static void check(HeaderRewrite rewrite, String at, List<String> problems) {
    if (rewrite == null) {
      return;
    }
    if (rewrite.from().isEmpty() || rewrite.from().equals("~")) {
      problems.add(at + ".from: must not be empty");
    }
    if (!RouteSettingsCheck.isHeaderValue(rewrite.from(), false)
        || !RouteSettingsCheck.isHeaderValue(rewrite.to(), false)) {
      problems.add(at + ": must hold no control characters");
    }
    if (rewrite.regex()) {
      try {
        Pattern.compile(rewrite.from().substring(1));
      } catch (PatternSyntaxException e) {
        problems.add(at + ".from: not a regular expression: " + e.getDescription());
      }
    }
  }
}
