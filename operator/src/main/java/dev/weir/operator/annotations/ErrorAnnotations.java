package dev.weir.operator.annotations;

import java.util.List;
import java.util.Optional;

/**
 * What an Ingress's error annotations set for each of its paths, as ingress-nginx reads them (its
 * {@code customhttperrors} and {@code defaultbackend} parsers).
 *
 * @param codes {@code custom-http-errors}: statuses 400 to 599, ascending, without repeats; empty:
 *     none
 * @param defaultBackend {@code default-backend}: a Service of the Ingress's namespace, by name
 */
public record ErrorAnnotations(List<Integer> codes, Optional<String> defaultBackend) {
  public static final ErrorAnnotations NONE = new ErrorAnnotations(List.of(), Optional.empty());

  public ErrorAnnotations {
    codes = List.copyOf(codes);
  }

  /** Whether either annotation applies. */
  public boolean isSet() {
    return !codes.isEmpty() || defaultBackend.isPresent();
  }
}
