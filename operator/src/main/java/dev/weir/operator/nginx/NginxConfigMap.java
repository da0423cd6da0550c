package dev.weir.operator.nginx;

import dev.weir.contract.snapshot.Hsts;
import dev.weir.operator.annotations.AnnotationNames;
import dev.weir.operator.annotations.AnnotationProblem;
import dev.weir.operator.annotations.AnnotationProblem.Kind;
import dev.weir.operator.annotations.IngressAnnotations;
import dev.weir.operator.translate.HttpsDefaults;
import dev.weir.operator.translate.TranslateOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * ingress-nginx's controller ConfigMap read as Weir's global defaults, so a cluster's existing
 * ConfigMap can be pointed at directly ({@code --nginx-configmap}). Keys that set what an
 * annotation overrides become annotation defaults (each Ingress reads them as if it carried the
 * annotation, unless it carries its own); HTTPS keys become the controller's HTTPS defaults. Every
 * other key is reported with what Weir does about it.
 *
 * @param annotationDefaults full annotation keys and values, applied under each Ingress's own
 * @param sslRedirect {@code ssl-redirect}
 * @param hsts {@code hsts}
 * @param hstsMaxAge {@code hsts-max-age}, seconds
 * @param hstsIncludeSubdomains {@code hsts-include-subdomains}
 * @param hstsPreload {@code hsts-preload}
 * @param customHttpErrors {@code custom-http-errors}, also applied as every Ingress's default
 * @param keys every key of the ConfigMap with its status, sorted by key
 * @param allowedResponseHeaders {@code global-allowed-response-headers}: the header names {@code
 *     custom-headers} may set, in addition to the command line's
 */
public record NginxConfigMap(
    Map<String, String> annotationDefaults,
    Optional<Boolean> sslRedirect,
    Optional<Boolean> hsts,
    OptionalLong hstsMaxAge,
    Optional<Boolean> hstsIncludeSubdomains,
    Optional<Boolean> hstsPreload,
    List<Integer> customHttpErrors,
    List<Key> keys,
    List<String> allowedResponseHeaders) {

  /** No ConfigMap: nothing overrides Weir's defaults. */
  public static final NginxConfigMap NONE =
      new NginxConfigMap(
          Map.of(),
          Optional.empty(),
          Optional.empty(),
          OptionalLong.empty(),
          Optional.empty(),
          Optional.empty(),
          List.of(),
          List.of(),
          List.of());

  /** What Weir does with one key of the ConfigMap. */
  public enum KeyStatus {
    /** Read, with ingress-nginx's meaning. */
    APPLIED,
    /** Read; Weir's default for it differs from ingress-nginx's when it is absent. */
    DIFFERENT_DEFAULT,
    /** Not read: it means nothing to Weir, or Weir's behaviour is fixed (the note says). */
    IGNORED,
    /** Not read: an ingress-nginx setting Weir does not implement here. */
    UNSUPPORTED,
    /** A key Weir reads, with a value it cannot use; Weir's default applies. */
    INVALID
  }

  /** One key and what became of it. */
  public record Key(String key, KeyStatus status, String note) {
    public Key {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(note, "note");
    }
  }

  /** ConfigMap keys that are ingress-nginx annotation defaults, with the annotation they set. */
  static final Map<String, String> ANNOTATION_DEFAULTS =
      Map.of(
          "proxy-connect-timeout", AnnotationNames.NGINX_PREFIX + "proxy-connect-timeout",
          "proxy-read-timeout", AnnotationNames.NGINX_PREFIX + "proxy-read-timeout",
          "proxy-send-timeout", AnnotationNames.NGINX_PREFIX + "proxy-send-timeout",
          "proxy-body-size", AnnotationNames.NGINX_PREFIX + "proxy-body-size",
          "proxy-next-upstream-tries", AnnotationNames.NGINX_PREFIX + "proxy-next-upstream-tries",
          "proxy-next-upstream", AnnotationNames.NGINX_PREFIX + "proxy-next-upstream",
          "proxy-next-upstream-timeout",
              AnnotationNames.NGINX_PREFIX + "proxy-next-upstream-timeout",
          "limit-req-status-code", AnnotationNames.WEIR_PREFIX + "limit-req-status-code",
          "preserve-trailing-slash", AnnotationNames.NGINX_PREFIX + "preserve-trailing-slash",
          "service-upstream", AnnotationNames.NGINX_PREFIX + "service-upstream");

  /**
   * Weir's defaults that differ from ingress-nginx's for a key (or annotation) left unset: the
   * audit reports an Ingress that relies on one of them.
   */
  public static final Map<String, String> DIFFERENT_DEFAULTS =
      Collections.unmodifiableMap(
          new TreeMap<>(
              Map.of(
                  "proxy-body-size",
                  "ingress-nginx refused request bodies over 1m (413); Weir's default is"
                      + " unlimited")));

  private static final Set<String> FORWARDED =
      Set.of(
          "use-forwarded-headers",
          "forwarded-for-header",
          "compute-full-forwarded-for",
          "proxy-real-ip-cidr",
          "use-proxy-protocol");
  private static final Set<String> SNIPPET_SWITCHES =
      Set.of(
          "allow-snippet-annotations",
          "annotations-risk-level",
          "http-snippet",
          "server-snippet",
          "location-snippet",
          "main-snippet",
          "stream-snippet");
  // customheaders.headerRegexp, which ingress-nginx checks each listed name against.
  private static final Pattern HEADER_NAME = Pattern.compile("[a-zA-Z\\d\\-_]+");
  private static final Pattern STATUS_LIST = Pattern.compile("[0-9]{3}(,[0-9]{3})*");

  public NginxConfigMap {
    annotationDefaults = Map.copyOf(annotationDefaults);
    Objects.requireNonNull(sslRedirect, "sslRedirect");
    Objects.requireNonNull(hsts, "hsts");
    Objects.requireNonNull(hstsMaxAge, "hstsMaxAge");
    Objects.requireNonNull(hstsIncludeSubdomains, "hstsIncludeSubdomains");
    Objects.requireNonNull(hstsPreload, "hstsPreload");
    customHttpErrors = List.copyOf(customHttpErrors);
    keys = List.copyOf(keys);
    allowedResponseHeaders = List.copyOf(allowedResponseHeaders);
  }

  /** Reads the ConfigMap's {@code data} (null for none). */
  public static NginxConfigMap read(Map<String, String> data) {
    Map<String, String> sorted = data == null ? Map.of() : new TreeMap<>(data);
    Map<String, String> defaults = new LinkedHashMap<>();
    List<Key> keys = new ArrayList<>();
    Map<String, Boolean> bools = new LinkedHashMap<>();
    OptionalLong maxAge = OptionalLong.empty();
    List<Integer> errors = List.of();
    List<String> allowedHeaders = new ArrayList<>();
    for (Map.Entry<String, String> e : sorted.entrySet()) {
      String key = e.getKey();
      String value = e.getValue() == null ? "" : e.getValue();
      String annotation = ANNOTATION_DEFAULTS.get(key);
      if (annotation != null) {
        Optional<String> problem = annotationProblem(annotation, value);
        if (problem.isPresent()) {
          keys.add(new Key(key, KeyStatus.INVALID, problem.get()));
        } else {
          defaults.put(annotation, value.trim());
          keys.add(
              new Key(
                  key, KeyStatus.APPLIED, "the default of " + annotation + " on every Ingress"));
        }
        continue;
      }
      switch (key) {
        case "ssl-redirect", "hsts", "hsts-include-subdomains", "hsts-preload" -> {
          Optional<Boolean> b = parseBool(value);
          if (b.isEmpty()) {
            keys.add(new Key(key, KeyStatus.INVALID, invalid(value, "is not a boolean")));
          } else {
            bools.put(key, b.get());
            keys.add(new Key(key, KeyStatus.APPLIED, "the controller's default"));
          }
        }
        case "hsts-max-age" -> {
          OptionalLong seconds = parseSeconds(value);
          if (seconds.isEmpty()) {
            keys.add(new Key(key, KeyStatus.INVALID, invalid(value, "is not a number of seconds")));
          } else {
            maxAge = seconds;
            keys.add(new Key(key, KeyStatus.APPLIED, "the controller's default"));
          }
        }
        case "disable-access-log" -> {
          Optional<Boolean> b = parseBool(value);
          if (b.isEmpty()) {
            keys.add(new Key(key, KeyStatus.INVALID, invalid(value, "is not a boolean")));
          } else {
            if (b.get()) {
              defaults.put(AnnotationNames.NGINX_PREFIX + "enable-access-log", "false");
            }
            keys.add(
                new Key(
                    key,
                    KeyStatus.APPLIED,
                    "the default of nginx.ingress.kubernetes.io/enable-access-log on every"
                        + " Ingress"));
          }
        }
        case "custom-http-errors" -> {
          String list = value.replace(" ", "");
          if (!STATUS_LIST.matcher(list).matches()) {
            keys.add(
                new Key(key, KeyStatus.INVALID, invalid(value, "is not a list of status codes")));
          } else {
            errors = Arrays.stream(list.split(",")).map(Integer::valueOf).toList();
            // As ingress-nginx: every location's listed statuses go to the default backend, unless
            // an Ingress says otherwise.
            defaults.put(AnnotationNames.NGINX_PREFIX + "custom-http-errors", list);
            keys.add(
                new Key(
                    key,
                    KeyStatus.APPLIED,
                    "the default of nginx.ingress.kubernetes.io/custom-http-errors on every"
                        + " Ingress"));
          }
        }
        case "global-allowed-response-headers" -> {
          // As ingress-nginx: comma-separated, trimmed, invalid names skipped.
          List<String> skipped = new ArrayList<>();
          for (String header : value.split(",")) {
            String name = header.trim();
            if (name.isEmpty()) {
              continue;
            }
            if (HEADER_NAME.matcher(name).matches()) {
              allowedHeaders.add(name);
            } else {
              skipped.add(name);
            }
          }
          keys.add(
              skipped.isEmpty()
                  ? new Key(
                      key,
                      KeyStatus.APPLIED,
                      "the header names nginx.ingress.kubernetes.io/custom-headers may set")
                  : new Key(
                      key,
                      KeyStatus.INVALID,
                      "\""
                          + String.join(",", skipped)
                          + "\" is not a header name; skipped, the others apply"));
        }
        default -> keys.add(other(key));
      }
    }
    for (Map.Entry<String, String> d : DIFFERENT_DEFAULTS.entrySet()) {
      if (!sorted.containsKey(d.getKey())) {
        keys.add(new Key(d.getKey(), KeyStatus.DIFFERENT_DEFAULT, "not set: " + d.getValue()));
      }
    }
    keys.sort((a, b) -> a.key().compareTo(b.key()));
    return new NginxConfigMap(
        defaults,
        Optional.ofNullable(bools.get("ssl-redirect")),
        Optional.ofNullable(bools.get("hsts")),
        maxAge,
        Optional.ofNullable(bools.get("hsts-include-subdomains")),
        Optional.ofNullable(bools.get("hsts-preload")),
        errors,
        keys,
        allowedHeaders);
  }

  /**
   * The controller's HTTPS defaults with this ConfigMap's keys over {@code base} (the command
   * line's): the ConfigMap, when named, is the cluster's configuration, as it was for
   * ingress-nginx.
   */
  public HttpsDefaults httpsDefaults(HttpsDefaults base) {
    Hsts baseHsts = base.hsts().orElse(Hsts.DEFAULT);
    boolean on = hsts.orElse(base.hsts().isPresent());
    Hsts merged =
        new Hsts(
            hstsMaxAge.orElse(baseHsts.maxAgeSeconds()),
            hstsIncludeSubdomains.orElse(baseHsts.includeSubDomains()),
            hstsPreload.orElse(baseHsts.preload()));
    return new HttpsDefaults(
        sslRedirect.orElse(base.sslRedirect()), on ? Optional.of(merged) : Optional.empty());
  }

  /** {@code options} with this ConfigMap's annotation and HTTPS defaults. */
  public TranslateOptions applyTo(TranslateOptions options) {
    List<String> allowed = new ArrayList<>(options.allowedResponseHeaders());
    allowedResponseHeaders.stream().filter(h -> !allowed.contains(h)).forEach(allowed::add);
    return options
        .withAnnotationDefaults(annotationDefaults)
        .withHttps(httpsDefaults(options.https()))
        .withAllowedResponseHeaders(allowed);
  }

  /** The keys Weir did not apply as written: invalid, unsupported and ignored ones. */
  public List<Key> notApplied() {
    return keys.stream()
        .filter(k -> k.status() != KeyStatus.APPLIED && k.status() != KeyStatus.DIFFERENT_DEFAULT)
        .toList();
  }

  private static Key other(String key) {
    if (FORWARDED.contains(key)) {
      return new Key(
          key,
          KeyStatus.UNSUPPORTED,
          "set on the data plane instead: --forwarded-headers-trusted-from and --proxy-protocol"
              + " (chart values dataplane.forwardedHeadersTrustedFrom, proxyProtocol)");
    }
    if (SNIPPET_SWITCHES.contains(key)) {
      return new Key(key, KeyStatus.IGNORED, "Weir never executes snippets");
    }
    return new Key(key, KeyStatus.UNSUPPORTED, "not read by Weir");
  }

  // The value read exactly as the annotation would be, alone on an Ingress.
  private static Optional<String> annotationProblem(String annotation, String value) {
    return IngressAnnotations.read(Map.of(annotation, value), "").problems().stream()
        .filter(p -> p.kind() == Kind.INVALID_VALUE && p.annotation().equals(annotation))
        .map(AnnotationProblem::reason)
        .findFirst();
  }

  private static Optional<Boolean> parseBool(String value) {
    return switch (value) {
      case "1", "t", "T", "TRUE", "true", "True" -> Optional.of(true);
      case "0", "f", "F", "FALSE", "false", "False" -> Optional.of(false);
      default -> Optional.empty();
    };
  }

  private static OptionalLong parseSeconds(String value) {
    if (!value.matches("[0-9]{1,12}")) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Long.parseLong(value));
  }

  private static String invalid(String value, String why) {
    String shown = value.length() > 64 ? value.substring(0, 64) + "..." : value;
    return "\"" + shown + "\" " + why + "; Weir's default applies";
  }
}
