package dev.weir.operator.annotations;

import dev.weir.contract.snapshot.Redirect;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Reads the path and redirect annotations ({@code use-regex}, {@code rewrite-target}, {@code
 * x-forwarded-prefix}, {@code app-root}, {@code permanent-redirect}, {@code temporal-redirect} and
 * their codes, {@code preserve-trailing-slash}) with the character sets ingress-nginx's validators
 * allow.
 */
final class RewriteAnnotationParser {
  static final List<String> SUPPORTED =
      List.of(
          "use-regex",
          "rewrite-target",
          "x-forwarded-prefix",
          "app-root",
          "permanent-redirect",
          "permanent-redirect-code",
          "temporal-redirect",
          "temporal-redirect-code",
          "preserve-trailing-slash");

  // ingress-nginx's parser.RegexPathWithCapture and parser.URLIsValidRegex.
  private static final Pattern PATH_WITH_CAPTURE = Pattern.compile("/?[-._~a-zA-Z0-9/:$]*");
  private static final Pattern URL = Pattern.compile("[-._~a-zA-Z0-9/:,?&=]*");
  // nginx would read any other $name as a variable; Weir substitutes the captures only.
  private static final Pattern OTHER_VARIABLE = Pattern.compile("\\$(?![0-9])");

  private final AnnotationReader reader;

  RewriteAnnotationParser(AnnotationReader reader) {
    this.reader = reader;
  }

  RewriteAnnotations parse() {
    boolean useRegex = reader.bool("use-regex").orElse(false);
    Optional<String> target = capturePath("rewrite-target", true);
    Optional<String> prefix = Optional.empty();
    if (target.isEmpty()) {
      reader.ignored("x-forwarded-prefix", "has no effect without rewrite-target");
    } else {
      prefix = reader.string("x-forwarded-prefix").map(v -> v.replace(" ", ""));
      if (prefix.isPresent() && !PATH_WITH_CAPTURE.matcher(prefix.get()).matches()) {
        reader.reject("x-forwarded-prefix", "is not a path (letters, digits and -._~/:$)");
        prefix = Optional.empty();
      }
    }
    Optional<String> appRoot = capturePath("app-root", false);
    if (appRoot.isPresent() && !appRoot.get().startsWith("/")) {
      reader.reject("app-root", "must be a path starting with '/'");
      appRoot = Optional.empty();
    }
    return new RewriteAnnotations(
        useRegex,
        target,
        prefix,
        appRoot,
        redirect(),
        reader.bool("preserve-trailing-slash").orElse(false));
  }

  private Optional<String> capturePath(String suffix, boolean captures) {
    Optional<String> value = reader.string(suffix);
    if (value.isEmpty()) {
      return value;
    }
    if (!PATH_WITH_CAPTURE.matcher(value.get()).matches()) {
      reader.reject(suffix, "is not a path or URL (letters, digits and -._~/:$)");
      return Optional.empty();
    }
    if ((captures ? OTHER_VARIABLE.matcher(value.get()).find() : value.get().contains("$"))) {
      reader.reject(
          suffix,
          captures
              ? "uses an nginx variable; only the captures $0 to $9 are substituted"
              : "uses an nginx variable, which Weir does not substitute");
      return Optional.empty();
    }
    return value;
  }

  // ingress-nginx: a temporal redirect wins; a code outside its range silently falls back to the
  // default there, and is reported here.
  private Optional<Redirect> redirect() {
    Optional<String> temporal = url("temporal-redirect");
    if (temporal.isPresent() && !temporal.get().startsWith("http")) {
      reader.reject("temporal-redirect", "must be an http or https URL");
      temporal = Optional.empty();
    }
    if (temporal.isPresent()) {
      reader.ignored("permanent-redirect", "has no effect with temporal-redirect");
      reader.ignored("permanent-redirect-code", "has no effect with temporal-redirect");
      return Optional.of(new Redirect(temporal.get(), code("temporal-redirect-code", 307, 302)));
    }
    reader.ignored("temporal-redirect-code", "has no effect without temporal-redirect");
    Optional<String> permanent = url("permanent-redirect");
    if (permanent.isEmpty()) {
      reader.ignored("permanent-redirect-code", "has no effect without permanent-redirect");
      return Optional.empty();
    }
    return Optional.of(new Redirect(permanent.get(), code("permanent-redirect-code", 308, 301)));
  }

  private Optional<String> url(String suffix) {
    Optional<String> value = reader.string(suffix);
    if (value.isPresent() && !URL.matcher(value.get()).matches()) {
      reader.reject(suffix, "is not a URL (letters, digits and -._~/:,?&=)");
      return Optional.empty();
    }
    return value;
  }

  private int code(String suffix, int max, int otherwise) {
    OptionalInt code = reader.integer(suffix, 300, max);
    return code.isPresent() ? code.getAsInt() : otherwise;
  }
}
