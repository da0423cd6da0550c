package dev.weir.dataplane.routing;

import dev.weir.contract.snapshot.PathRegex;
import dev.weir.contract.snapshot.PathType;
import dev.weir.contract.snapshot.Route;
import dev.weir.contract.snapshot.VirtualHost;
import dev.weir.dataplane.proxy.policy.RequestPolicies;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The path rules of one virtual host, each compiled into its {@link CompiledRoute}, for lookup.
 * Exact rules are one hash lookup; Prefix rules are found by looking up the request path cut at
 * each of its {@code /} boundaries, longest first, so the cost grows with the depth of the request
 * path, not with the number of rules.
 *
 * <p>Regex rules (ingress-nginx's {@code use-regex} hosts) are nginx's {@code location ~* "^path"}:
 * tried one after the other in ingress-nginx's order, longest path first (then by path,
 * descending), the first match winning; each match is linear in the path's length ({@link
 * PathRegex}). They are tried before the literal rules, which a host with regex rules has none of
 * when the operator made the snapshot.
 */
final class PathMatcher {
  private static final Comparator<RegexRule> NGINX_ORDER =
      Comparator.comparingInt((RegexRule r) -> r.path().length())
          .reversed()
          .thenComparing(RegexRule::path, Comparator.reverseOrder());

  private final Map<String, CompiledRoute> exact;
  private final Map<String, CompiledRoute> prefixes;
  private final RegexRule[] regexes;

  private record RegexRule(String path, PathRegex regex, CompiledRoute route) {}

  private PathMatcher(
      Map<String, CompiledRoute> exact, Map<String, CompiledRoute> prefixes, RegexRule[] regexes) {
    this.exact = exact;
    this.prefixes = prefixes;
    this.regexes = regexes;
  }

  /** The first of several rules for one path wins; every rule runs {@code hostPolicies}. */
  static PathMatcher compile(
      String virtualHost, VirtualHost host, RouteOptions options, RequestPolicies hostPolicies) {
    Map<String, CompiledRoute> exact = new HashMap<>();
    Map<String, CompiledRoute> prefixes = new HashMap<>();
    List<RegexRule> regexes = new ArrayList<>();
    for (Route route : host.routes()) {
      if (route.matchesAsRegex()) {
        regexes.add(
            new RegexRule(
                route.path(),
                PathRegex.compile(route.path()),
                CompiledRoute.compile(virtualHost, host, route, options, hostPolicies)));
        continue;
      }
      Map<String, CompiledRoute> rules = route.pathType() == PathType.EXACT ? exact : prefixes;
      String key = route.pathType() == PathType.EXACT ? route.path() : prefixKey(route.path());
      rules.computeIfAbsent(
          key, k -> CompiledRoute.compile(virtualHost, host, route, options, hostPolicies));
    }
    regexes.sort(NGINX_ORDER);
    return new PathMatcher(
        Map.copyOf(exact), Map.copyOf(prefixes), regexes.toArray(new RegexRule[0]));
  }

  /** The best rule for {@code path}, or null. */
  CompiledRoute match(String path) {
    for (RegexRule rule : regexes) {
      if (rule.regex().matches(path)) {
        return rule.route();
      }
    }
    CompiledRoute found = exact.get(path);
    if (found != null || prefixes.isEmpty()) {
      return found;
    }
    // Candidates, longest first: the path itself without trailing slashes, then the path cut
    // before each '/', ending with "" (the key of the "/" rule).
    int end = path.length();
    while (end > 0 && path.charAt(end - 1) == '/') {
      end--;
    }
    while (true) {
      found = prefixes.get(path.substring(0, end));
      if (found != null) {
        return found;
      }
      if (end == 0) {
        return null;
      }
      end = path.lastIndexOf('/', end - 1);
      if (end < 0) {
        return null;
      }
    }
  }

  // The Ingress specification ignores a trailing slash in a Prefix rule: /foo/ and /foo are one
  // rule.
  private static String prefixKey(String rulePath) {
    int end = rulePath.length();
    while (end > 0 && rulePath.charAt(end - 1) == '/') {
      end--;
    }
    return rulePath.substring(0, end);
  }
}
