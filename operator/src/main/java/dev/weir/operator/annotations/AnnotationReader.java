package dev.weir.operator.annotations;

import dev.weir.operator.annotations.AnnotationProblem.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads one object's annotations in ingress-nginx's value formats. Each getter takes a suffix
 * ({@code affinity-mode}), looks it up under {@code weir.dev/} and then under {@code
 * nginx.ingress.kubernetes.io/}, and answers empty when it is absent or invalid; an invalid value
 * is recorded as a problem naming the annotation and the reason, so the caller simply keeps its
 * default. {@link #problems()} adds every annotation under either prefix that is not in the
 * supported set, so nothing a user wrote is silently dropped.
 */
public final class AnnotationReader {
  private static final Pattern GO_INT = Pattern.compile("[+-]?[0-9]+");
  private static final Pattern NGINX_SIZE = Pattern.compile("([0-9]+)([bBkKmMgG]?)");
  private static final int MAX_SHOWN_VALUE = 64;

  private final Map<String, String> annotations;
  private final Set<String> supported;
  private final List<AnnotationProblem> problems = new ArrayList<>();

  /**
   * @param annotations the object's annotations (null for none)
   * @param supported the suffixes the caller understands; others under Weir's prefixes are reported
   */
  public AnnotationReader(Map<String, String> annotations, Set<String> supported) {
    this.annotations = annotations == null ? Map.of() : annotations;
    this.supported = supported;
  }

  /** Whether the annotation is set under either prefix, whatever its value. */
  public boolean has(String suffix) {
    return raw(suffix) != null;
  }

  /**
   * A {@link #string} value that {@code pattern} matches whole; otherwise refused with {@code
   * reason}.
   */
  public Optional<String> matching(String suffix, Pattern pattern, String reason) {
    Optional<String> value = string(suffix);
    if (value.isPresent() && !pattern.matcher(value.get()).matches()) {
      reject(suffix, reason);
      return Optional.empty();
    }
    return value;
  }

  /**
   * A string value, each line trimmed as ingress-nginx does; an empty value is invalid. Values with
   * control characters other than line breaks are refused: they end up in headers and logs.
   */
  public Optional<String> string(String suffix) {
    Raw raw = raw(suffix);
    if (raw == null) {
      return Optional.empty();
    }
    String normalised = trimLines(raw.value);
    if (normalised.isEmpty()) {
      return invalid(raw, "is empty");
    }
    for (int i = 0; i < normalised.length(); i++) {
      char c = normalised.charAt(i);
      if ((c < 0x20 && c != '\n') || c == 0x7f) {
        return invalid(raw, "contains a control character");
      }
    }
    return Optional.of(normalised);
  }

  /**
   * A boolean as Go's strconv.ParseBool reads it: 1, t, T, TRUE, true, True and their negations.
   */
  public Optional<Boolean> bool(String suffix) {
    Raw raw = raw(suffix);
    if (raw == null) {
      return Optional.empty();
    }
    return switch (raw.value) {
      case "1", "t", "T", "TRUE", "true", "True" -> Optional.of(true);
      case "0", "f", "F", "FALSE", "false", "False" -> Optional.of(false);
      default -> invalid(raw, "is not a boolean (true or false)");
    };
  }

  /** A decimal integer (Go's strconv.Atoi: optional sign, digits, nothing else) within a range. */
  public OptionalInt integer(String suffix, int min, int max) {
    Raw raw = raw(suffix);
    if (raw == null) {
      return OptionalInt.empty();
    }
    if (!GO_INT.matcher(raw.value).matches()) {
      invalid(raw, "is not an integer");
      return OptionalInt.empty();
    }
    long value;
    try {
      value = Long.parseLong(raw.value);
    } catch (NumberFormatException tooLong) {
      value = raw.value.startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    if (value < min || value > max) {
      invalid(raw, "must be " + range(min, max));
      return OptionalInt.empty();
    }
    return OptionalInt.of((int) value);
  }

  /**
   * A size in nginx's syntax as ingress-nginx accepts it: digits with an optional unit b, k, m or g
   * (either case, powers of 1024); answers bytes.
   */
  public OptionalLong size(String suffix) {
    Raw raw = raw(suffix);
    if (raw == null) {
      return OptionalLong.empty();
    }
    var matcher = NGINX_SIZE.matcher(raw.value.strip());
    if (!matcher.matches()) {
      invalid(raw, "is not a size (bytes, or a number with k, m or g)");
      return OptionalLong.empty();
    }
    int shift =
        switch (matcher.group(2).toLowerCase(Locale.ROOT)) {
          case "k" -> 10;
          case "m" -> 20;
          case "g" -> 30;
          default -> 0;
        };
    try {
      long number = Long.parseLong(matcher.group(1));
      if (number > (Long.MAX_VALUE >> shift)) {
        throw new NumberFormatException();
      }
      return OptionalLong.of(number << shift);
    } catch (NumberFormatException tooLarge) {
      invalid(raw, "is too large");
      return OptionalLong.empty();
    }
  }

  /**
   * One of a fixed set of words. {@code options} maps each accepted spelling to its meaning;
   * matching ignores case and surrounding spaces when {@code ignoreCase}, as ingress-nginx's
   * validators do for most options.
   */
  public <T> Optional<T> choice(String suffix, Map<String, T> options, boolean ignoreCase) {
    Raw raw = raw(suffix);
    if (raw == null) {
      return Optional.empty();
    }
    String value = ignoreCase ? raw.value.strip().toLowerCase(Locale.ROOT) : raw.value;
    for (Map.Entry<String, T> option : options.entrySet()) {
      String key = ignoreCase ? option.getKey().toLowerCase(Locale.ROOT) : option.getKey();
      if (key.equals(value)) {
        return Optional.of(option.getValue());
      }
    }
    return invalid(raw, "must be one of " + String.join(", ", new TreeMap<>(options).keySet()));
  }

  /**
   * Records that a value read by another getter is unusable for a reason only the caller knows (a
   * value out of its domain, a reference that does not parse).
   */
  public void reject(String suffix, String reason) {
    Raw raw = raw(suffix);
    if (raw != null) {
      invalid(raw, reason);
    }
  }

  /** Records that a supported annotation is set but has no effect here, and why. */
  public void ignored(String suffix, String reason) {
    Raw raw = raw(suffix);
    if (raw != null) {
      problems.add(new AnnotationProblem(raw.key, Kind.IGNORED, reason));
    }
  }

  /** The full key the value of {@code suffix} comes from (Weir's prefix wins), if set. */
  public Optional<String> keyOf(String suffix) {
    Raw raw = raw(suffix);
    return raw == null ? Optional.empty() : Optional.of(raw.key);
  }

  /**
   * Every problem so far, then every annotation under Weir's prefixes that is not supported: the
   * ones ingress-nginx defines as unsupported, the others as unknown. Sorted by annotation.
   */
  public List<AnnotationProblem> problems() {
    List<AnnotationProblem> all = new ArrayList<>(problems);
    for (String key : new TreeMap<>(annotations).keySet()) {
      String suffix = suffixOf(key);
      if (suffix == null || supported.contains(suffix)) {
        continue;
      }
      if (AnnotationNames.INGRESS_NGINX.contains(suffix)) {
        all.add(
            new AnnotationProblem(
                key, Kind.UNSUPPORTED, "ingress-nginx annotation not supported by Weir; ignored"));
      } else {
        all.add(new AnnotationProblem(key, Kind.UNKNOWN, "unknown annotation; ignored"));
      }
    }
    all.sort(
        (a, b) ->
            a.annotation().equals(b.annotation())
                ? a.reason().compareTo(b.reason())
                : a.annotation().compareTo(b.annotation()));
    return List.copyOf(all);
  }

  private static String suffixOf(String key) {
    if (key.startsWith(AnnotationNames.WEIR_PREFIX)) {
      return key.substring(AnnotationNames.WEIR_PREFIX.length());
    }
    if (key.startsWith(AnnotationNames.NGINX_PREFIX)) {
      return key.substring(AnnotationNames.NGINX_PREFIX.length());
    }
    return null;
  }

  private Raw raw(String suffix) {
    String weir = AnnotationNames.WEIR_PREFIX + suffix;
    String value = annotations.get(weir);
    if (value != null) {
      return new Raw(weir, value);
    }
    String nginx = AnnotationNames.NGINX_PREFIX + suffix;
    value = annotations.get(nginx);
    return value == null ? null : new Raw(nginx, value);
  }

  private <T> Optional<T> invalid(Raw raw, String reason) {
    problems.add(
        new AnnotationProblem(
            raw.key,
            Kind.INVALID_VALUE,
            shown(raw.value) + " " + reason + "; the default applies"));
    return Optional.empty();
  }

  /** The value quoted for a message: control characters escaped, long values cut. */
  private static String shown(String value) {
    StringBuilder out = new StringBuilder("\"");
    int limit = Math.min(value.length(), MAX_SHOWN_VALUE);
    for (int i = 0; i < limit; i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\x%02x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (value.length() > limit) {
      out.append("...");
    }
    return out.append('"').toString();
  }

  private static String trimLines(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (String line : value.split("\n", -1)) {
      if (!out.isEmpty()) {
        out.append('\n');
      }
      out.append(line.strip());
    }
    return out.toString().strip();
  }

  private static String range(int min, int max) {
    if (max == Integer.MAX_VALUE) {
      return "at least " + min;
    }
    return "between " + min + " and " + max;
  }

  private record Raw(String key, String value) {}
}
