package dev.weir.contract.snapshot;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** The checks of a route's {@link ExternalAuth}. */
final class ExternalAuthCheck {
  // ingress-nginx's methodsRegex and headerRegexp.
  static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "OPTIONS", "TRACE");
  private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9_-]+");
  private static final Pattern PARAMETER = Pattern.compile("[-._~A-Za-z0-9]+");

  private ExternalAuthCheck() {}

  static void check(ExternalAuth auth, String at, List<String> problems) {
    if (auth.isUnavailable()) {
      return;
    }
    if (auth.url() == null) {
      problems.add(at + ".url: is required");
      return;
    }
    String urlProblem = urlProblem(auth.url());
    if (urlProblem != null) {
      problems.add(at + ".url: " + urlProblem);
    }
    if (auth.method() != null && !METHODS.contains(auth.method())) {
      problems.add(
          at + ".method: must be one of " + String.join(", ", METHODS.stream().sorted().toList()));
    }
    if (auth.signin() != null) {
      String signinProblem = urlProblem(auth.signin());
      if (signinProblem != null) {
        problems.add(at + ".signin: " + signinProblem);
      }
    }
    if (auth.signinRedirectParam() != null
        && !PARAMETER.matcher(auth.signinRedirectParam()).matches()) {
      problems.add(at + ".signinRedirectParam: must be a query parameter name");
    }
    if (auth.requestRedirect() != null && !printable(auth.requestRedirect())) {
      problems.add(at + ".requestRedirect: must hold no control characters");
    }
    for (String header : auth.responseHeadersOrNone()) {
      if (!HEADER.matcher(header).matches()) {
        problems.add(at + ".responseHeaders: '" + header + "' is not a header name");
      }
    }
    if (auth.cacheKey() != null) {
      String keyProblem = RequestTemplate.problem(auth.cacheKey());
      if (keyProblem != null) {
        problems.add(at + ".cacheKey: " + keyProblem);
      }
      if (auth.cacheValidity() == null) {
        problems.add(at + ".cacheValidity: is required with a cacheKey");
      }
    }
    for (AuthCacheValidity v : auth.cacheValidityOrNone()) {
      if (v.millis() <= 0) {
        problems.add(at + ".cacheValidity: a duration must be positive");
      }
      for (int status : v.statuses()) {
        if (status < 100 || status > 599) {
          problems.add(at + ".cacheValidity: " + status + " is not an HTTP status");
        }
      }
    }
    if (auth.keepaliveConnections() != null && auth.keepaliveConnections() < 0) {
      problems.add(at + ".keepaliveConnections: must not be negative");
    }
    if (auth.keepaliveRequests() != null && auth.keepaliveRequests() <= 0) {
      problems.add(at + ".keepaliveRequests: must be positive");
    }
    if (auth.keepaliveTimeoutMillis() != null && auth.keepaliveTimeoutMillis() <= 0) {
      problems.add(at + ".keepaliveTimeoutMillis: must be positive");
    }
  }

  /**
   * Why {@code template} is not an http or https URL with a host once its variables are filled in,
   * or null.
   */
  static String urlProblem(String template) {
    String variables = RequestTemplate.problem(template);
    if (variables != null) {
      return variables;
    }
    if (!printable(template) || template.indexOf(' ') >= 0) {
      return "must hold no spaces or control characters";
    }
    // Each variable stands for a host-like word here: what matters is the shape around it.
    String sample = template.replaceAll("\\$\\{?[A-Za-z0-9_]+}?", "x");
    try {
      URI uri = new URI(sample);
      String scheme = uri.getScheme();
      if (scheme == null
          || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
        return "must be an http or https URL";
      }
      if (uri.getHost() == null) {
        return "has no host";
      }
    } catch (URISyntaxException e) {
      return "is not a URL (" + e.getReason() + ")";
    }
    return null;
  }

  private static boolean printable(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c >= 0x7f) {
        return false;
      }
    }
    return true;
  }
}
