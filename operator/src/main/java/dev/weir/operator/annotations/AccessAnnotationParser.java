package dev.weir.operator.annotations;

import dev.weir.contract.net.AddressRange;
import dev.weir.contract.snapshot.Cors;
import dev.weir.operator.annotations.AccessAnnotations.BasicAuthAnnotations;
import dev.weir.operator.annotations.AccessAnnotations.RateLimitAnnotations;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Reads the CORS ({@code enable-cors}, {@code cors-*}), access-control ({@code
 * allowlist-source-range}, {@code denylist-source-range}, {@code auth-type: basic}) and rate-limit
 * ({@code limit-*}) annotations as ingress-nginx's parsers of them do (its {@code cors}, {@code
 * ipallowlist}, {@code ipdenylist}, {@code auth} and {@code ratelimit} packages).
 */
final class AccessAnnotationParser {
  static final List<String> SUPPORTED =
      List.of(
          "enable-cors",
          "cors-allow-origin",
          "cors-allow-methods",
          "cors-allow-headers",
          "cors-expose-headers",
          "cors-allow-credentials",
          "cors-max-age",
          "allowlist-source-range",
          "whitelist-source-range",
          "denylist-source-range",
          "auth-type",
          "auth-secret",
          "auth-secret-type",
          "auth-realm",
          "limit-rps",
          "limit-rpm",
          "limit-connections",
          "limit-burst-multiplier",
          "limit-allowlist",
          "limit-whitelist");
  static final String FAILS_CLOSED = "the Ingress's paths answer 503";
  private static final List<String> CORS_SETTINGS = SUPPORTED.subList(1, 7);
  private static final List<String> AUTH_SETTINGS =
      List.of("auth-secret", "auth-secret-type", "auth-realm");
  private static final List<String> LIMIT_SETTINGS =
      List.of("limit-burst-multiplier", "limit-allowlist", "limit-whitelist");

  // ingress-nginx's corsOriginRegex (each origin), corsMethodsRegex, HeadersVariable and
  // corsExposeHeadersRegex.
  private static final Pattern ORIGIN =
      Pattern.compile("[a-z]+://(\\*\\.)?[A-Za-z0-9\\-.]*(:\\d+)?|\\*|null");
  private static final Pattern METHODS = Pattern.compile("([A-Za-z]+,?\\s?)+");
  private static final Pattern HEADERS = Pattern.compile("[A-Za-z0-9\\-_, ]*");
  private static final Pattern EXPOSE_HEADERS = Pattern.compile("(([A-Za-z0-9\\-_]+|\\*),?\\s?)+");

  /** How the parser resolves a Secret reference (refusing other namespaces). */
  @FunctionalInterface
  interface SecretRefs {
    Optional<SecretRef> resolve(String suffix, String value, String consequence);
  }

  private final AnnotationReader reader;
  private final AnnotationReader weirOnly;
  private final SecretRefs secrets;
  private final Refusals refusals;

  /** Records an invalid value whose consequence is not a default (the paths fail closed). */
  @FunctionalInterface
  interface Refusals {
    void refuse(String suffix, String reason);
  }

  AccessAnnotationParser(
      AnnotationReader reader, AnnotationReader weirOnly, SecretRefs secrets, Refusals refusals) {
    this.reader = reader;
    this.weirOnly = weirOnly;
    this.secrets = secrets;
    this.refusals = refusals;
  }

  private void failClosed(String suffix, String value, String reason) {
    String shown = value.length() > 64 ? value.substring(0, 64) + "..." : value;
    refusals.refuse(suffix, "\"" + shown + "\" " + reason + "; " + FAILS_CLOSED);
  }

  AccessAnnotations parse() {
    boolean[] failsClosed = {false};
    List<String> deny = ranges("denylist-source-range", failsClosed);
    List<String> allow;
    if (reader.has("allowlist-source-range")) {
      reader.ignored("whitelist-source-range", "has no effect with allowlist-source-range");
      allow = ranges("allowlist-source-range", failsClosed);
    } else {
      allow = ranges("whitelist-source-range", failsClosed);
    }
    Optional<BasicAuthAnnotations> basicAuth = basicAuth(failsClosed);
    return new AccessAnnotations(cors(), deny, allow, basicAuth, failsClosed[0], rateLimit());
  }

  private Optional<Cors> cors() {
    if (!reader.bool("enable-cors").orElse(false)) {
      CORS_SETTINGS.forEach(s -> reader.ignored(s, "has no effect without enable-cors"));
      return Optional.empty();
    }
    List<String> origins = new ArrayList<>();
    Optional<String> originValue = reader.string("cors-allow-origin");
    if (originValue.isPresent()) {
      for (String origin : originValue.get().split(",")) {
        origin = origin.strip();
        if (origin.isEmpty()) {
          continue;
        }
        if (origin.equals("*")) {
          origins = new ArrayList<>(List.of("*"));
          break;
        }
        if (!ORIGIN.matcher(origin).matches()) {
          reader.reject(
              "cors-allow-origin",
              "lists \""
                  + origin
                  + "\", which is not an origin (scheme://host[:port], *, null);"
                  + " skipped");
          continue;
        }
        origins.add(origin);
      }
      if (origins.isEmpty()) {
        // ingress-nginx then matches no origin at all: CORS is on, but never answers.
        reader.reject("cors-allow-origin", "lists no valid origin; no request gets CORS headers");
        return Optional.empty();
      }
    }
    return Optional.of(
        new Cors(
            origins.isEmpty() ? null : origins,
            matching("cors-allow-methods", METHODS, "is not a list of methods"),
            matching("cors-allow-headers", HEADERS, "is not a list of header names"),
            matching("cors-expose-headers", EXPOSE_HEADERS, "is not a list of header names"),
            reader.bool("cors-allow-credentials").orElse(true),
            boxed(reader.integer("cors-max-age", 0, Integer.MAX_VALUE))));
  }

  private String matching(String suffix, Pattern pattern, String reason) {
    Optional<String> value = reader.string(suffix);
    if (value.isPresent() && !pattern.matcher(value.get()).matches()) {
      reader.reject(suffix, reason);
      return null;
    }
    return value.orElse(null);
  }

  /**
   * A source-range list: every entry must be an address or CIDR, as ingress-nginx's ParseIPNets
   * requires; one bad entry makes it deny the location, so the paths fail closed.
   */
  private List<String> ranges(String suffix, boolean[] failsClosed) {
    Optional<String> value = reader.string(suffix);
    if (value.isEmpty()) {
      if (reader.has(suffix)) {
        failsClosed[0] = true; // an empty or unreadable value denies the location too
      }
      return List.of();
    }
    try {
      return parseRanges(value.get());
    } catch (IllegalArgumentException e) {
      failClosed(suffix, value.get(), e.getMessage().replace("\"", "'"));
      failsClosed[0] = true;
      return List.of();
    }
  }

  private static List<String> parseRanges(String value) {
    List<String> ranges = new ArrayList<>();
    for (String entry : value.split(",", -1)) {
      String canonical = AddressRange.parse(entry).toString();
      if (!ranges.contains(canonical)) {
        ranges.add(canonical);
      }
    }
    ranges.sort(null);
    return ranges;
  }

  private Optional<BasicAuthAnnotations> basicAuth(boolean[] failsClosed) {
    Optional<String> type = reader.string("auth-type");
    if (type.isEmpty()) {
      if (reader.has("auth-type")) {
        failsClosed[0] = true;
      }
      AUTH_SETTINGS.forEach(s -> reader.ignored(s, "has no effect without auth-type"));
      return Optional.empty();
    }
    if (!type.get().equals("basic")) {
      failClosed(
          "auth-type",
          type.get(),
          type.get().equals("digest")
              ? "is not supported by Weir (it takes basic)"
              : "must be basic");
      failsClosed[0] = true;
      return Optional.empty();
    }
    boolean authMap = false;
    Optional<String> secretType = reader.string("auth-secret-type");
    if (secretType.isPresent()) {
      if (secretType.get().equals("auth-map")) {
        authMap = true;
      } else if (!secretType.get().equals("auth-file")) {
        failClosed("auth-secret-type", secretType.get(), "must be one of auth-file, auth-map");
        failsClosed[0] = true;
      }
    }
    Optional<String> secretName = reader.string("auth-secret");
    if (secretName.isEmpty()) {
      if (!reader.has("auth-secret")) {
        failClosed("auth-type", type.get(), "needs auth-secret");
      }
      failsClosed[0] = true;
      return Optional.empty();
    }
    Optional<SecretRef> ref = secrets.resolve("auth-secret", secretName.get(), FAILS_CLOSED);
    if (ref.isEmpty()) {
      failsClosed[0] = true;
      return Optional.empty();
    }
    String realm = reader.string("auth-realm").orElse("");
    if (realm.indexOf('"') >= 0 || realm.indexOf('\\') >= 0 || realm.indexOf('\n') >= 0) {
      reader.reject("auth-realm", "may not hold '\"', '\\' or line breaks");
      realm = "";
    }
    return Optional.of(new BasicAuthAnnotations(ref.get(), authMap, realm));
  }

  private Optional<RateLimitAnnotations> rateLimit() {
    OptionalInt rps = reader.integer("limit-rps", 0, Integer.MAX_VALUE);
    OptionalInt rpm = reader.integer("limit-rpm", 0, Integer.MAX_VALUE);
    OptionalInt connections = reader.integer("limit-connections", 0, Integer.MAX_VALUE);
    Optional<Integer> status = boxedOptional(weirOnly.integer("limit-req-status-code", 400, 599));
    if (rps.orElse(0) == 0 && rpm.orElse(0) == 0 && connections.orElse(0) == 0) {
      LIMIT_SETTINGS.forEach(
          s ->
              reader.ignored(s, "has no effect without limit-rps, limit-rpm or limit-connections"));
      weirOnly.ignored(
          "limit-req-status-code",
          "has no effect without limit-rps, limit-rpm or limit-connections");
      return Optional.empty();
    }
    String allowSuffix = "limit-allowlist";
    if (reader.has("limit-allowlist")) {
      reader.ignored("limit-whitelist", "has no effect with limit-allowlist");
    } else {
      allowSuffix = "limit-whitelist";
    }
    List<String> exempt = List.of();
    Optional<String> allowValue = reader.string(allowSuffix);
    if (allowValue.isPresent()) {
      try {
        exempt = parseRanges(allowValue.get());
      } catch (IllegalArgumentException e) {
        // ingress-nginx drops the Ingress's rate limits altogether then.
        reader.reject(allowSuffix, e.getMessage() + "; the Ingress's rate limits are not applied");
        return Optional.empty();
      }
    }
    return Optional.of(
        new RateLimitAnnotations(
            rps.orElse(0),
            rpm.orElse(0),
            connections.orElse(0),
            reader.integer("limit-burst-multiplier", 0, Integer.MAX_VALUE).orElse(5),
            exempt,
            status));
  }

  private static Integer boxed(OptionalInt value) {
    return value.isPresent() ? value.getAsInt() : null;
  }

  private static Optional<Integer> boxedOptional(OptionalInt value) {
    return value.isPresent() ? Optional.of(value.getAsInt()) : Optional.empty();
  }
}
