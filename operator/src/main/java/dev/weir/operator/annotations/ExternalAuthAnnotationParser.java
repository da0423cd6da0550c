package dev.weir.operator.annotations;

import dev.weir.contract.snapshot.AuthCacheValidity;
import dev.weir.contract.snapshot.ExternalAuth;
import dev.weir.contract.snapshot.RequestTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the external-authentication annotations ({@code auth-url} and its companions) as
 * ingress-nginx's {@code authreq} parser does. What ingress-nginx answers by denying the location
 * (an unparsable URL, an invalid method, header list or cache duration) fails closed here too: the
 * paths answer 503. {@code auth-snippet} (never executed, like every snippet), {@code
 * auth-proxy-set-headers} (a ConfigMap Weir does not read) and {@code auth-keepalive-share-vars}
 * (no nginx variables to share) are not read, so they are reported as unsupported.
 */
final class ExternalAuthAnnotationParser {
  static final List<String> SUPPORTED =
      List.of(
          "auth-url",
          "auth-method",
          "auth-signin",
          "auth-signin-redirect-param",
          "auth-request-redirect",
          "auth-response-headers",
          "auth-cache-key",
          "auth-cache-duration",
          "auth-always-set-cookie",
          "auth-keepalive",
          "auth-keepalive-requests",
          "auth-keepalive-timeout");
  static final String FAILS_CLOSED = AccessAnnotationParser.FAILS_CLOSED;
  static final String DEFAULT_CACHE_DURATION = "200 202 401 5m";

  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "OPTIONS", "TRACE");
  private static final Pattern HEADER = Pattern.compile("[a-zA-Z\\d\\-_]+");
  private static final Pattern PARAMETER = Pattern.compile("[-._~a-zA-Z0-9]+");
  // ingress-nginx's URLIsValidRegex.
  private static final Pattern URL = Pattern.compile("[-._~a-zA-Z0-9/:,?&=]*");
  private static final Pattern STATUS = Pattern.compile("\\d{3}");
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d|w|M|y)");

  private final AnnotationReader reader;
  private final AccessAnnotationParser.Refusals refusals;

  ExternalAuthAnnotationParser(AnnotationReader reader, AccessAnnotationParser.Refusals refusals) {
    this.reader = reader;
    this.refusals = refusals;
  }

  Optional<ExternalAuth> parse() {
    Optional<String> url = reader.string("auth-url");
    if (url.isEmpty()) {
      if (reader.has("auth-url")) {
        return Optional.of(ExternalAuth.UNAVAILABLE); // an empty value, reported by the reader
      }
      SUPPORTED.stream()
          .filter(s -> !s.equals("auth-url"))
          .forEach(s -> reader.ignored(s, "has no effect without auth-url"));
      return Optional.empty();
    }
    boolean[] failsClosed = {false};
    String problem = ExternalAuth.urlProblem(url.get());
    if (problem != null) {
      failClosed("auth-url", url.get(), problem);
      failsClosed[0] = true;
    }
    ExternalAuth.Builder auth = ExternalAuth.builder(url.get());
    reader
        .string("auth-method")
        .ifPresent(
            method -> {
              if (METHODS.contains(method)) {
                auth.method(method);
              } else {
                failClosed("auth-method", method, "is not an HTTP method");
                failsClosed[0] = true;
              }
            });
    signin().ifPresent(auth::signin);
    reader
        .matching("auth-signin-redirect-param", PARAMETER, "is not a query parameter name")
        .ifPresent(auth::signinRedirectParam);
    reader
        .matching("auth-request-redirect", URL, "is not a URL (letters, digits and -._~/:,?&=)")
        .ifPresent(auth::requestRedirect);
    auth.responseHeaders(responseHeaders(failsClosed));
    cache(auth, failsClosed);
    reader.bool("auth-always-set-cookie").ifPresent(auth::alwaysSetCookie);
    keepalive(auth, url.get());
    return Optional.of(failsClosed[0] ? ExternalAuth.UNAVAILABLE : auth.build());
  }

  private Optional<String> signin() {
    Optional<String> signin = reader.string("auth-signin");
    if (signin.isPresent()) {
      String problem = ExternalAuth.urlProblem(signin.get());
      if (problem != null) {
        // ingress-nginx warns and leaves the sign-in out: a 401 stays a 401.
        reader.reject("auth-signin", problem);
        return Optional.empty();
      }
    }
    return signin;
  }

  private List<String> responseHeaders(boolean[] failsClosed) {
    Optional<String> value = reader.string("auth-response-headers");
    List<String> headers = new ArrayList<>();
    if (value.isEmpty()) {
      return headers;
    }
    for (String header : value.get().split(",")) {
      header = header.strip();
      if (header.isEmpty()) {
        continue;
      }
      if (!HEADER.matcher(header).matches()) {
        failClosed(
            "auth-response-headers", value.get(), "lists \"" + header + "\", not a header name");
        failsClosed[0] = true;
        return List.of();
      }
      headers.add(header);
    }
    return headers;
  }

  private void cache(ExternalAuth.Builder auth, boolean[] failsClosed) {
    Optional<String> key = reader.string("auth-cache-key");
    if (key.isEmpty()) {
      reader.ignored("auth-cache-duration", "has no effect without auth-cache-key");
      return;
    }
    String problem = RequestTemplate.problem(key.get());
    if (problem != null) {
      reader.reject("auth-cache-key", problem + "; auth responses are not cached");
      reader.ignored("auth-cache-duration", "has no effect without auth-cache-key");
      return;
    }
    String durations = reader.string("auth-cache-duration").orElse(DEFAULT_CACHE_DURATION);
    try {
      auth.cache(key.get(), cacheDurations(durations));
    } catch (IllegalArgumentException e) {
      failClosed("auth-cache-duration", durations, e.getMessage());
      failsClosed[0] = true;
    }
  }

  /** ingress-nginx's ParseStringToCacheDurations: entries "code... time..." separated by commas. */
  static List<AuthCacheValidity> cacheDurations(String value) {
    List<AuthCacheValidity> validity = new ArrayList<>();
    for (String entry : value.split(",")) {
      entry = entry.strip();
      if (entry.isEmpty()) {
        continue;
      }
      List<Integer> statuses = new ArrayList<>();
      long millis = 0;
      boolean seenDuration = false;
      for (String element : entry.split(" ")) {
        if (element.isEmpty()) {
          continue;
        }
        Matcher duration = DURATION.matcher(element);
        if (STATUS.matcher(element).matches()) {
          if (seenDuration) {
            throw new IllegalArgumentException("has a status after a time in \"" + entry + "\"");
          }
          statuses.add(Integer.parseInt(element));
        } else if (duration.matches()) {
          seenDuration = true;
          millis += Long.parseLong(duration.group(1)) * unitMillis(duration.group(2));
        } else {
          throw new IllegalArgumentException(
              "is not a cache duration (statuses, then times such as 5m or 1h 30m)");
        }
      }
      if (!seenDuration) {
        throw new IllegalArgumentException("has no time in \"" + entry + "\"");
      }
      validity.add(new AuthCacheValidity(statuses, millis));
    }
    if (validity.isEmpty()) {
      return cacheDurations(DEFAULT_CACHE_DURATION);
    }
    return validity;
  }

  private static long unitMillis(String unit) {
    return switch (unit) {
      case "ms" -> 1L;
      case "s" -> 1_000L;
      case "m" -> 60_000L;
      case "h" -> 3_600_000L;
      case "d" -> 86_400_000L;
      case "w" -> 7 * 86_400_000L;
      case "M" -> 30 * 86_400_000L;
      default -> 365 * 86_400_000L;
    };
  }

  // ingress-nginx turns keep-alive off (0 connections) on any value it cannot use.
  private void keepalive(ExternalAuth.Builder auth, String url) {
    OptionalInt connections =
        reader.integer("auth-keepalive", Integer.MIN_VALUE, Integer.MAX_VALUE);
    OptionalInt requests =
        reader.integer("auth-keepalive-requests", Integer.MIN_VALUE, Integer.MAX_VALUE);
    OptionalInt timeout =
        reader.integer("auth-keepalive-timeout", Integer.MIN_VALUE, Integer.MAX_VALUE);
    int kept = connections.orElse(0);
    if (kept < 0) {
      reader.reject("auth-keepalive", "is negative; no connection is kept");
      kept = 0;
    } else if (kept > 0 && hostHasVariable(url)) {
      reader.ignored("auth-keepalive", "has no effect with a variable in auth-url's host");
      kept = 0;
    }
    if (requests.isPresent() && requests.getAsInt() <= 0) {
      reader.reject("auth-keepalive-requests", "must be positive; no connection is kept");
      kept = 0;
    }
    if (timeout.isPresent() && timeout.getAsInt() <= 0) {
      reader.reject("auth-keepalive-timeout", "must be positive; no connection is kept");
      kept = 0;
    }
    if (kept == 0) {
      if (connections.orElse(0) == 0) {
        reader.ignored("auth-keepalive-requests", "has no effect without auth-keepalive");
        reader.ignored("auth-keepalive-timeout", "has no effect without auth-keepalive");
      }
      return;
    }
    auth.keepalive(
        kept,
        requests.isPresent() ? requests.getAsInt() : null,
        timeout.isPresent() ? timeout.getAsInt() * 1000L : null);
  }

  private static boolean hostHasVariable(String url) {
    int start = url.indexOf("://");
    int end = url.indexOf('/', start + 3);
    String authority = url.substring(start + 3, end < 0 ? url.length() : end);
    return authority.indexOf('$') >= 0;
  }

  private void failClosed(String suffix, String value, String reason) {
    String shown = value.length() > 64 ? value.substring(0, 64) + "..." : value;
    refusals.refuse(suffix, "\"" + shown + "\" " + reason + "; " + FAILS_CLOSED);
  }
}
