package dev.weir.operator.annotations;

import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads {@code custom-http-errors} and {@code default-backend} with ingress-nginx's validators: a
 * comma-separated list of statuses 400 to 599 (spaces ignored), and a Service name that is a
 * DNS-1035 label.
 */
final class ErrorAnnotationParser {
  static final List<String> SUPPORTED = List.of("custom-http-errors", "default-backend");

  // ingress-nginx's arrayOfHTTPErrors, once its validator removed the spaces; its stray ',' inside
  // the character class (which let ",00" through as status 0) is left out.
  private static final Pattern CODES = Pattern.compile("(?:[45][0-9]{2},?)*");
  // NameIsDNS1035Label: at most 63 characters.
  private static final Pattern SERVICE_NAME = Pattern.compile("[a-z]([-a-z0-9]{0,61}[a-z0-9])?");

  private final AnnotationReader reader;

  ErrorAnnotationParser(AnnotationReader reader) {
    this.reader = reader;
  }

  ErrorAnnotations parse() {
    return new ErrorAnnotations(codes(), defaultBackend());
  }

  private List<Integer> codes() {
    Optional<String> value = reader.string("custom-http-errors").map(v -> v.replace(" ", ""));
    if (value.isEmpty()) {
      return List.of();
    }
    if (!CODES.matcher(value.get()).matches()) {
      reader.reject(
          "custom-http-errors", "is not a comma-separated list of statuses from 400 to 599");
      return List.of();
    }
    // ingress-nginx writes one error_page per code: a repeated code is one.
    TreeSet<Integer> codes = new TreeSet<>();
    for (String code : value.get().split(",")) {
      if (!code.isEmpty()) {
        codes.add(Integer.parseInt(code));
      }
    }
    return List.copyOf(codes);
  }

  private Optional<String> defaultBackend() {
    Optional<String> value = reader.string("default-backend");
    if (value.isPresent() && !SERVICE_NAME.matcher(value.get()).matches()) {
      reader.reject(
          "default-backend", "is not a Service name (a DNS-1035 label) of the Ingress's namespace");
      return Optional.empty();
    }
    return value;
  }
}
