package dev.weir.operator.annotations;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.weir.contract.snapshot.Canary;
import java.util.List;
import java.util.Optional;

/**
 * Reads the canary annotations with the character sets ingress-nginx's validators allow: header and
 * cookie names as nginx can look them up (letters, digits and -._~), a header value of its basic
 * characters, a pattern of its regex characters that RE2 compiles.
 */
final class CanaryAnnotationParser {
  static final List<String> RULES =
      List.of(
          "canary-by-header",
          "canary-by-header-value",
          "canary-by-header-pattern",
          "canary-by-cookie",
          "canary-weight",
          "canary-weight-total");
  static final String WITHOUT_CANARY = "has no effect without canary: \"true\"";
  static final String ON_CANARY =
      "has no effect on a canary Ingress (the main Ingress's settings apply)";

  // Besides letters and digits: ingress-nginx's parser.BasicCharsRegex, the part of it a header
  // or cookie name can hold, and parser.IsValidRegex.
  private static final String NAME = "-._~";
  private static final String BASIC = NAME + "/:";
  private static final String REGEX = BASIC + "^$[](){}*+?|&=\\";

  private final AnnotationReader reader;

  CanaryAnnotationParser(AnnotationReader reader) {
    this.reader = reader;
  }

  CanaryAnnotations parse() {
    if (!reader.bool("canary").orElse(false)) {
      RULES.forEach(suffix -> reader.ignored(suffix, WITHOUT_CANARY));
      return CanaryAnnotations.NONE;
    }
    Optional<String> header = matching("canary-by-header", NAME, "is not a header name");
    Optional<String> value = Optional.empty();
    Optional<String> pattern = Optional.empty();
    if (header.isEmpty()) {
      reader.ignored("canary-by-header-value", "has no effect without canary-by-header");
      reader.ignored("canary-by-header-pattern", "has no effect without canary-by-header");
    } else {
      value =
          matching(
              "canary-by-header-value",
              BASIC,
              "is not a header value (letters, digits and -._~/:)");
      if (value.isPresent()) {
        reader.ignored("canary-by-header-pattern", "has no effect with canary-by-header-value");
      } else {
        pattern = pattern();
      }
    }
    Optional<String> cookie = matching("canary-by-cookie", NAME, "is not a cookie name");
    int weight = reader.integer("canary-weight", Integer.MIN_VALUE, Integer.MAX_VALUE).orElse(0);
    int total =
        reader
            .integer("canary-weight-total", Integer.MIN_VALUE, Integer.MAX_VALUE)
            .orElse(Canary.DEFAULT_WEIGHT_TOTAL);
    return new CanaryAnnotations(true, header, value, pattern, cookie, weight, total);
  }

  private Optional<String> pattern() {
    Optional<String> value = reader.string("canary-by-header-pattern");
    if (value.isEmpty()) {
      return value;
    }
    if (!onlyOf(value.get(), REGEX)) {
      reader.reject(
          "canary-by-header-pattern",
          "is not a regular expression of letters, digits and -._~/:^$[](){}*+?|&=\\");
      return Optional.empty();
    }
    try {
      Pattern.compile(value.get());
      return value;
    } catch (PatternSyntaxException e) {
      reader.reject(
          "canary-by-header-pattern",
          "is not a regular expression Weir can match in linear time (" + e.getDescription() + ")");
      return Optional.empty();
    }
  }

  private Optional<String> matching(String suffix, String allowed, String reason) {
    // ingress-nginx's validators of these annotations remove spaces first.
    Optional<String> value = reader.string(suffix).map(v -> v.replace(" ", ""));
    if (value.isPresent() && !onlyOf(value.get(), allowed)) {
      reader.reject(suffix, reason);
      return Optional.empty();
    }
    return value;
  }

  /** Whether {@code value} is not empty and holds only ASCII letters, digits and {@code other}. */
  private static boolean onlyOf(String value, String other) {
    if (value.isEmpty()) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean alphanumeric = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
      if (!alphanumeric && other.indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }
}
