package dev.weir.contract.snapshot;

import java.util.List;
import java.util.Objects;

/**
 * A route's error pages and fallback backend: ingress-nginx's {@code custom-http-errors} with
 * {@code default-backend} (schema version 5).
 *
 * <p>A response of the route's backend whose status is in {@code codes} is not relayed: Weir asks
 * the error backend instead (path {@code /}, the {@code X-Code}, {@code X-Format}, {@code
 * X-Original-URI}, {@code X-Namespace}, {@code X-Ingress-Name}, {@code X-Service-Name}, {@code
 * X-Service-Port} and {@code X-Request-ID} headers) and relays its answer as it comes, status
 * included, as nginx's {@code error_page code = @custom_...} does. Weir's own 502, 503 and 504 for
 * the route's backend are replaced the same way.
 *
 * @param codes statuses 400 to 599 that are replaced, ascending; empty: none
 * @param backend the error backend (the Ingress's {@code default-backend} Service), which also
 *     takes the route's requests while the route's backend has no endpoints; absent: the snapshot's
 *     default backend, for the codes only. An error backend without endpoints stands aside for the
 *     snapshot's default backend, as ingress-nginx uses a custom default backend only while it has
 *     endpoints.
 * @param service the route's Service, sent as {@code X-Service-Name}; absent: an empty header
 * @param servicePort the route's Service port as the Ingress writes it (number or name), sent as
 *     {@code X-Service-Port}
 */
public record CustomErrors(
    List<Integer> codes, String backend, String service, String servicePort) {
  public CustomErrors {
    codes = List.copyOf(Objects.requireNonNullElse(codes, List.of()));
  }

  /** Whether the backend's answer with status {@code code} is replaced. */
  public boolean replaces(int code) {
    return codes.contains(code);
  }
}
