package dev.weir.contract.snapshot;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.List;
import java.util.Set;

/** The checks of a route's {@link Canary}, naming each field. */
final class CanaryCheck {
  private CanaryCheck() {}

  static void check(
      Canary canary,
      String routeBackend,
      String at,
      Set<String> backendIds,
      List<String> problems) {
    if (canary.backend() == null || !backendIds.contains(canary.backend())) {
      problems.add(at + ".backend: unknown backend '" + canary.backend() + "'");
    } else if (canary.backend().equals(routeBackend)) {
      problems.add(at + ".backend: is the route's own backend");
    }
    if (canary.header() != null && !RouteSettingsCheck.isToken(canary.header())) {
      problems.add(at + ".header: is not a header name");
    }
    if (canary.header() == null
        && (canary.headerValue() != null || canary.headerPattern() != null)) {
      problems.add(at + ": headerValue and headerPattern need a header");
    }
    if (canary.headerPattern() != null) {
      try {
        Pattern.compile(canary.headerPattern());
      } catch (PatternSyntaxException e) {
        problems.add(
            at + ".headerPattern: is not a regular expression (" + e.getDescription() + ")");
      }
    }
    if (canary.cookie() != null && !RouteSettingsCheck.isToken(canary.cookie())) {
      problems.add(at + ".cookie: is not a cookie name");
    }
    if (canary.totalWeight() < 1) {
      problems.add(at + ".weightTotal: must be at least 1");
    }
    if (canary.weight() < 0 || canary.weight() > canary.totalWeight()) {
      problems.add(at + ".weight: must be between 0 and weightTotal");
    }
  }
}
