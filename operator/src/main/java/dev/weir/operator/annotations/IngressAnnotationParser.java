package dev.weir.operator.annotations;

import dev.weir.contract.host.HostName;
import dev.weir.contract.snapshot.Affinity;
import dev.weir.contract.snapshot.AffinityMode;
import dev.weir.contract.snapshot.ClientVerify;
import dev.weir.contract.snapshot.HashKey;
import dev.weir.contract.snapshot.ProxyHeaders;
import dev.weir.contract.snapshot.RetryCondition;
import dev.weir.contract.snapshot.SameSite;
import dev.weir.contract.snapshot.UpstreamProtocol;
import dev.weir.operator.annotations.AnnotationProblem.Kind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads one Ingress's annotations into {@link IngressAnnotations}, value by value as ingress-nginx
 * does (see docs/annotations.md for each rule and where Weir differs).
 */
final class IngressAnnotationParser {
  static final String PASSTHROUGH = "has no effect on a passthrough Ingress";
  static final String WITHOUT_AFFINITY = "has no effect without affinity: cookie";
  static final String WITH_AFFINITY =
      "has no effect with affinity: cookie (the cookie chooses the endpoint)";
  static final String WITH_HASH = "has no effect with upstream-hash-by";
  static final String PLAIN_BACKEND = "has no effect unless backend-protocol is HTTPS or GRPCS";
  static final String WITHOUT_PROXY_SSL_SECRET = "has no effect without proxy-ssl-secret";
  static final String WITHOUT_AUTH_TLS_SECRET = "has no effect without auth-tls-secret";
  static final String UPSTREAM_FAILS_CLOSED = "requests to the backend fail";
  static final String CLIENT_AUTH_FAILS_CLOSED = "the host refuses requests";
  static final String CUSTOM_HEADERS_FAILS_CLOSED = "the Ingress's paths answer 503";

  private static final List<String> COOKIE_ATTRIBUTES =
      List.of(
          "affinity-mode",
          "session-cookie-name",
          "session-cookie-path",
          "session-cookie-domain",
          "session-cookie-max-age",
          "session-cookie-expires",
          "session-cookie-samesite",
          "session-cookie-conditional-samesite-none",
          "session-cookie-secure",
          "session-cookie-change-on-failure");
  private static final List<String> PROXY_SSL_SETTINGS =
      List.of(
          "proxy-ssl-verify", "proxy-ssl-verify-depth", "proxy-ssl-name", "proxy-ssl-server-name");
  private static final List<String> AUTH_TLS_SETTINGS =
      List.of(
          "auth-tls-verify-client",
          "auth-tls-verify-depth",
          "auth-tls-pass-certificate-to-upstream");

  static final Set<String> SUPPORTED =
      Stream.of(
              List.of(
                  "affinity",
                  "ssl-redirect",
                  "force-ssl-redirect",
                  "proxy-body-size",
                  "proxy-connect-timeout",
                  "proxy-read-timeout",
                  "proxy-send-timeout",
                  "proxy-next-upstream-tries",
                  "proxy-next-upstream",
                  "proxy-next-upstream-timeout",
                  "backend-protocol",
                  "proxy-ssl-secret",
                  "load-balance",
                  "upstream-hash-by",
                  "ssl-passthrough",
                  "auth-tls-secret",
                  "enable-access-log",
                  "service-upstream"),
              HostNameAnnotationParser.SUPPORTED,
              AccessAnnotationParser.SUPPORTED,
              ExternalAuthAnnotationParser.SUPPORTED,
              COOKIE_ATTRIBUTES,
              RewriteAnnotationParser.SUPPORTED,
              List.of("canary"),
              CanaryAnnotationParser.RULES,
              ErrorAnnotationParser.SUPPORTED,
              ProxyHeaderAnnotationParser.SUPPORTED,
              List.of("custom-headers"),
              PROXY_SSL_SETTINGS,
              AUTH_TLS_SETTINGS)
          .flatMap(List::stream)
          .collect(Collectors.toUnmodifiableSet());

  // ingress-nginx's character sets for these values, less what a Set-Cookie header cannot carry
  // ('/' and ':' in a cookie name); a cookie path must also start with '/'.
  private static final Pattern COOKIE_NAME = Pattern.compile("[A-Za-z0-9._~-]+");
  private static final Pattern COOKIE_PATH = Pattern.compile("/[A-Za-z0-9._~/:,?&=-]*");
  private static final Pattern COOKIE_DOMAIN =
      Pattern.compile(
          "\\.?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");
  private static final int MAX_SHOWN_VALUE = 64;

  private final AnnotationReader reader;
  private final AnnotationReader weirOnly;
  private final String namespace;
  private final List<AnnotationProblem> refusals = new ArrayList<>();

  IngressAnnotationParser(Map<String, String> annotations, String namespace) {
    Map<String, String> common = new HashMap<>();
    Map<String, String> weir = new HashMap<>();
    if (annotations != null) {
      annotations.forEach(
          (key, value) -> {
            boolean weirOnlyKey =
                key.startsWith(AnnotationNames.WEIR_PREFIX)
                    && IngressAnnotations.WEIR_ONLY.contains(
                        key.substring(AnnotationNames.WEIR_PREFIX.length()));
            (weirOnlyKey ? weir : common).put(key, value);
          });
    }
    // Two readers so that the HSTS suffixes are read under weir.dev/ only and reported as unknown
    // under ingress-nginx's prefix.
    this.reader = new AnnotationReader(common, IngressAnnotations.SUPPORTED);
    this.weirOnly = new AnnotationReader(weir, IngressAnnotations.WEIR_ONLY);
    this.namespace = namespace;
  }

  IngressAnnotations parse() {
    CanaryAnnotations canary = new CanaryAnnotationParser(reader).parse();
    if (canary.enabled()) {
      return canary(canary);
    }
    if (reader.bool("ssl-passthrough").orElse(false)) {
      // ingress-nginx relays the TLS stream at layer 4, so nothing it knows of HTTP applies.
      for (String suffix : IngressAnnotations.SUPPORTED) {
        if (!suffix.equals("ssl-passthrough")) {
          reader.ignored(suffix, PASSTHROUGH);
        }
      }
      IngressAnnotations.WEIR_ONLY.forEach(suffix -> weirOnly.ignored(suffix, PASSTHROUGH));
      return new IngressAnnotations(
          PathAnnotations.NONE,
          BackendAnnotations.NONE,
          new HostAnnotations(true, Optional.empty(), HstsAnnotations.NONE),
          CanaryAnnotations.NONE,
          problems());
    }
    PathAnnotations path = path();
    BackendAnnotations backend = backend(path.affinity().isPresent());
    HostAnnotations host =
        new HostAnnotations(
            false, clientAuth(), hsts(), new HostNameAnnotationParser(reader).parse());
    return new IngressAnnotations(path, backend, host, CanaryAnnotations.NONE, problems());
  }

  /**
   * A canary Ingress: ingress-nginx makes no server or location of it, only an upstream, so of its
   * other annotations only the upstream's balancing and endpoints apply ({@code load-balance},
   * {@code upstream-hash-by}, {@code service-upstream}); its affinity is replaced by the main
   * route's. The rest are reported.
   */
  private IngressAnnotations canary(CanaryAnnotations canary) {
    Set<String> applied = Set.of("load-balance", "upstream-hash-by", "service-upstream", "canary");
    for (String suffix : IngressAnnotations.SUPPORTED) {
      if (!applied.contains(suffix) && !CanaryAnnotationParser.RULES.contains(suffix)) {
        reader.ignored(suffix, CanaryAnnotationParser.ON_CANARY);
      }
    }
    IngressAnnotations.WEIR_ONLY.forEach(
        suffix -> weirOnly.ignored(suffix, CanaryAnnotationParser.ON_CANARY));
    Optional<HashKey> hashBy = hashBy(false);
    BackendAnnotations backend =
        new BackendAnnotations(
            UpstreamProtocol.HTTP,
            Optional.empty(),
            loadBalance(false, hashBy.isPresent()),
            hashBy,
            reader.bool("service-upstream").orElse(false));
    return new IngressAnnotations(
        PathAnnotations.NONE, backend, HostAnnotations.NONE, canary, problems());
  }

  private PathAnnotations path() {
    Optional<String> customHeaders = reader.string("custom-headers").map(String::trim);
    Optional<ConfigMapRef> configMap = customHeaders.flatMap(this::configMapRef);
    Optional<ProxyHeaders> proxyHeaders = new ProxyHeaderAnnotationParser(reader).parse();
    if (customHeaders.isPresent() && configMap.isEmpty()) {
      proxyHeaders = Optional.of(ProxyHeaders.UNAVAILABLE);
    }
    return new PathAnnotations(
        affinity(),
        reader.bool("ssl-redirect"),
        reader.bool("force-ssl-redirect").orElse(false),
        reader.size("proxy-body-size"),
        reader.integer("proxy-connect-timeout", 1, Integer.MAX_VALUE),
        reader.integer("proxy-read-timeout", 1, Integer.MAX_VALUE),
        reader.integer("proxy-send-timeout", 1, Integer.MAX_VALUE),
        reader.integer("proxy-next-upstream-tries", 0, Integer.MAX_VALUE),
        reader.bool("enable-access-log").orElse(true),
        new AccessAnnotationParser(
                reader,
                weirOnly,
                this::secretRef,
                (suffix, reason) -> refuse(reader.keyOf(suffix).orElseThrow(), reason))
            .parse(),
        new RewriteAnnotationParser(reader).parse(),
        nextUpstream(),
        reader.integer("proxy-next-upstream-timeout", 0, Integer.MAX_VALUE),
        new ErrorAnnotationParser(reader).parse(),
        new ExternalAuthAnnotationParser(
                reader, (suffix, reason) -> refuse(reader.keyOf(suffix).orElseThrow(), reason))
            .parse(),
        proxyHeaders,
        configMap);
  }

  /**
   * The ConfigMap of {@code custom-headers}, of any namespace (as ingress-nginx); a value that
   * cannot name one is refused, and the paths fail closed as for a missing ConfigMap.
   */
  private Optional<ConfigMapRef> configMapRef(String value) {
    try {
      return Optional.of(ConfigMapRef.parse(value, namespace));
    } catch (IllegalArgumentException e) {
      refuse(
          reader.keyOf("custom-headers").orElseThrow(),
          shown(value) + " " + e.getMessage() + "; " + CUSTOM_HEADERS_FAILS_CLOSED);
      return Optional.empty();
    }
  }

  /**
   * {@code proxy-next-upstream}: space-separated conditions as nginx's {@code proxy_next_upstream},
   * or {@code off}. A value with a condition Weir does not know (nginx's {@code invalid_header}
   * among them: an invalid response head answers 502 and is not retried) is refused whole, so a
   * typo never silently narrows what is retried.
   */
  private Optional<List<RetryCondition>> nextUpstream() {
    Optional<String> value = reader.string("proxy-next-upstream");
    if (value.isEmpty()) {
      return Optional.empty();
    }
    List<String> words = List.of(value.get().trim().split("\\s+"));
    if (words.contains("off")) {
      return Optional.of(List.of());
    }
    Map<String, RetryCondition> known = new LinkedHashMap<>();
    for (RetryCondition c : RetryCondition.values()) {
      known.put(c.value(), c);
    }
    List<RetryCondition> conditions = new ArrayList<>();
    for (String word : words) {
      RetryCondition c = known.get(word);
      if (word.equals("invalid_header")) {
        reader.reject(
            "proxy-next-upstream",
            "lists \"invalid_header\": Weir answers an invalid response head with 502 and never"
                + " retries it");
        return Optional.empty();
      }
      if (c == null) {
        reader.reject(
            "proxy-next-upstream",
            "lists \""
                + word
                + "\", which is not one of "
                + String.join(", ", known.keySet())
                + ", off");
        return Optional.empty();
      }
      conditions.add(c);
    }
    return Optional.of(List.copyOf(conditions));
  }

  private Optional<Affinity> affinity() {
    if (option("affinity", Map.of("cookie", true), false, Set.of()).isEmpty()) {
      // ingress-nginx reads the cookie's attributes only for a cookie affinity.
      COOKIE_ATTRIBUTES.forEach(suffix -> reader.ignored(suffix, WITHOUT_AFFINITY));
      return Optional.empty();
    }
    Affinity.Builder affinity = Affinity.builder();
    option(
            "affinity-mode",
            Map.of("balanced", AffinityMode.BALANCED, "persistent", AffinityMode.PERSISTENT),
            false,
            Set.of())
        .ifPresent(affinity::mode);
    reader
        .matching(
            "session-cookie-name",
            COOKIE_NAME,
            "is not a cookie name (letters, digits, '-', '.', '_' and '~')")
        .ifPresent(affinity::cookieName);
    reader
        .matching(
            "session-cookie-path",
            COOKIE_PATH,
            "is not a cookie path ('/' then letters, digits and -._~/:,?&=)")
        .ifPresent(affinity::cookiePath);
    reader
        .matching("session-cookie-domain", COOKIE_DOMAIN, "is not a domain name")
        .ifPresent(affinity::cookieDomain);
    seconds("session-cookie-max-age").ifPresent(affinity::maxAgeSeconds);
    seconds("session-cookie-expires").ifPresent(affinity::expiresSeconds);
    option(
            "session-cookie-samesite",
            Map.of("None", SameSite.NONE, "Lax", SameSite.LAX, "Strict", SameSite.STRICT),
            true,
            Set.of())
        .ifPresent(affinity::sameSite);
    reader
        .bool("session-cookie-conditional-samesite-none")
        .ifPresent(affinity::conditionalSameSiteNone);
    reader.bool("session-cookie-secure").ifPresent(affinity::secure);
    reader.bool("session-cookie-change-on-failure").ifPresent(affinity::changeOnFailure);
    return Optional.of(affinity.build());
  }

  private BackendAnnotations backend(boolean affinity) {
    UpstreamProtocol protocol =
        option(
                "backend-protocol",
                Map.of(
                    "HTTP", UpstreamProtocol.HTTP,
                    "HTTPS", UpstreamProtocol.HTTPS,
                    "GRPC", UpstreamProtocol.GRPC,
                    "GRPCS", UpstreamProtocol.GRPCS),
                true,
                Set.of("AUTO_HTTP", "FCGI"))
            .orElse(UpstreamProtocol.HTTP);
    Optional<UpstreamTlsAnnotations> tls = upstreamTls(protocol);
    Optional<HashKey> hashBy = hashBy(affinity);
    return new BackendAnnotations(
        protocol,
        tls,
        loadBalance(affinity, hashBy.isPresent()),
        hashBy,
        reader.bool("service-upstream").orElse(false));
  }

  private Optional<UpstreamTlsAnnotations> upstreamTls(UpstreamProtocol protocol) {
    if (!protocol.tls()) {
      reader.ignored("proxy-ssl-secret", PLAIN_BACKEND);
      PROXY_SSL_SETTINGS.forEach(suffix -> reader.ignored(suffix, PLAIN_BACKEND));
      return Optional.empty();
    }
    // ingress-nginx reads the other proxy-ssl-* annotations only once it has the Secret.
    Optional<String> secret = reader.string("proxy-ssl-secret");
    if (secret.isEmpty()) {
      PROXY_SSL_SETTINGS.forEach(suffix -> reader.ignored(suffix, WITHOUT_PROXY_SSL_SECRET));
      return Optional.empty();
    }
    return Optional.of(
        new UpstreamTlsAnnotations(
            secretRef("proxy-ssl-secret", secret.get(), UPSTREAM_FAILS_CLOSED),
            onOff("proxy-ssl-verify").orElse(false),
            verifyDepth("proxy-ssl-verify-depth"),
            serverName("proxy-ssl-name"),
            onOff("proxy-ssl-server-name").orElse(false)));
  }

  // ingress-nginx's balancer: a cookie affinity beats upstream-hash-by, which beats load-balance.
  private Optional<HashKey> hashBy(boolean affinity) {
    if (affinity) {
      reader.ignored("upstream-hash-by", WITH_AFFINITY);
      return Optional.empty();
    }
    Optional<String> expression = reader.string("upstream-hash-by");
    if (expression.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(HashKey.parse(expression.get()));
    } catch (IllegalArgumentException e) {
      reader.reject("upstream-hash-by", e.getMessage());
      return Optional.empty();
    }
  }

  private BalanceAlgorithm loadBalance(boolean affinity, boolean hashBy) {
    if (affinity || hashBy) {
      reader.ignored("load-balance", affinity ? WITH_AFFINITY : WITH_HASH);
      return BalanceAlgorithm.ROUND_ROBIN;
    }
    return option(
            "load-balance",
            Map.of("round_robin", BalanceAlgorithm.ROUND_ROBIN, "ewma", BalanceAlgorithm.EWMA),
            false,
            Set.of("chash", "chashsubset", "sticky_balanced", "sticky_persistent"))
        .orElse(BalanceAlgorithm.ROUND_ROBIN);
  }

  private Optional<ClientAuthAnnotations> clientAuth() {
    // ingress-nginx reads the other auth-tls-* annotations only once it has the Secret.
    Optional<String> secret = reader.string("auth-tls-secret");
    if (secret.isEmpty()) {
      AUTH_TLS_SETTINGS.forEach(suffix -> reader.ignored(suffix, WITHOUT_AUTH_TLS_SECRET));
      return Optional.empty();
    }
    return Optional.of(
        new ClientAuthAnnotations(
            secretRef("auth-tls-secret", secret.get(), CLIENT_AUTH_FAILS_CLOSED),
            option(
                    "auth-tls-verify-client",
                    Map.of(
                        "on", ClientVerify.ON,
                        "off", ClientVerify.OFF,
                        "optional", ClientVerify.OPTIONAL,
                        "optional_no_ca", ClientVerify.OPTIONAL_NO_CA),
                    false,
                    Set.of())
                .orElse(ClientVerify.ON),
            verifyDepth("auth-tls-verify-depth"),
            reader.bool("auth-tls-pass-certificate-to-upstream").orElse(false)));
  }

  private HstsAnnotations hsts() {
    OptionalInt maxAge = weirOnly.integer("hsts-max-age", 0, Integer.MAX_VALUE);
    return new HstsAnnotations(
        weirOnly.bool("hsts"),
        maxAge.isPresent() ? OptionalLong.of(maxAge.getAsInt()) : OptionalLong.empty(),
        weirOnly.bool("hsts-include-subdomains"),
        weirOnly.bool("hsts-preload"));
  }

  /**
   * One of {@code options}, trimmed, compared ignoring case or not as ingress-nginx's validator of
   * the annotation does; {@code unsupported} are values ingress-nginx takes and Weir does not.
   */
  private <T> Optional<T> option(
      String suffix, Map<String, T> options, boolean ignoreCase, Set<String> unsupported) {
    Optional<String> value = reader.string(suffix);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    for (Map.Entry<String, T> option : options.entrySet()) {
      if (ignoreCase
          ? option.getKey().equalsIgnoreCase(value.get())
          : option.getKey().equals(value.get())) {
        return Optional.of(option.getValue());
      }
    }
    String accepted = String.join(", ", new TreeSet<>(options.keySet()));
    boolean known =
        unsupported.stream()
            .anyMatch(u -> ignoreCase ? u.equalsIgnoreCase(value.get()) : u.equals(value.get()));
    reader.reject(
        suffix,
        known
            ? "is not supported by Weir (it takes " + accepted + ")"
            : "must be one of " + accepted);
    return Optional.empty();
  }

  /** nginx's {@code on} or {@code off}, exactly. */
  private Optional<Boolean> onOff(String suffix) {
    return option(suffix, Map.of("on", true, "off", false), false, Set.of());
  }

  private Optional<Long> seconds(String suffix) {
    Optional<String> value =
        reader.matching(suffix, DIGITS, "is not a number of seconds (digits only)");
    try {
      return value.map(Long::parseLong);
    } catch (NumberFormatException tooLarge) {
      reader.reject(suffix, "is too large");
      return Optional.empty();
    }
  }

  /** A verification depth; 0, like no value, means ingress-nginx's default of 1. */
  private int verifyDepth(String suffix) {
    int depth = reader.integer(suffix, 0, Integer.MAX_VALUE).orElse(0);
    return depth == 0 ? 1 : depth;
  }

  private Optional<String> serverName(String suffix) {
    Optional<String> value = reader.string(suffix);
    if (value.isPresent()
        && (HostName.problem(value.get()) != null
            || value.get().equals(HostName.ANY)
            || HostName.isWildcard(value.get()))) {
      reader.reject(suffix, "is not a host name");
      return Optional.empty();
    }
    return value;
  }

  /**
   * The Secret {@code value} names, if Weir may read it. A refused reference is not replaced by a
   * default: the feature that needs the Secret fails closed, as ingress-nginx denies the Ingress.
   */
  private Optional<SecretRef> secretRef(String suffix, String value, String consequence) {
    String key = reader.keyOf(suffix).orElseThrow();
    SecretRef ref;
    try {
      ref = SecretRef.parse(value, namespace);
    } catch (IllegalArgumentException e) {
      refuse(key, shown(value) + " " + e.getMessage() + "; " + consequence);
      return Optional.empty();
    }
    if (!ref.namespace().equals(namespace)) {
      refuse(
          key,
          shown(value)
              + " is in another namespace than the Ingress ("
              + namespace
              + "), and Secrets of other namespaces are refused"
              + " (ingress-nginx's allow-cross-namespace-resources: false); "
              + consequence);
      return Optional.empty();
    }
    return Optional.of(ref);
  }

  private void refuse(String key, String reason) {
    refusals.add(new AnnotationProblem(key, Kind.INVALID_VALUE, reason));
  }

  private static String shown(String value) {
    return "\""
        + (value.length() > MAX_SHOWN_VALUE ? value.substring(0, MAX_SHOWN_VALUE) + "..." : value)
        + "\"";
  }

  private List<AnnotationProblem> problems() {
    List<AnnotationProblem> all = new ArrayList<>(reader.problems());
    all.addAll(weirOnly.problems());
    all.addAll(refusals);
    all.sort(
        Comparator.comparing(AnnotationProblem::annotation)
            .thenComparing(AnnotationProblem::reason));
    return all;
  }
}
