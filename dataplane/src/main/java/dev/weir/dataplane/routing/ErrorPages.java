package dev.weir.dataplane.routing;

import dev.weir.contract.snapshot.CustomErrors;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

/**
 * A route's custom errors, compiled once per snapshot: which statuses of its backend are replaced
 * by the error backend's answer, which backend that is, and the headers that describe the failed
 * request to it (ingress-nginx's {@code @custom_} locations).
 */
public final class ErrorPages {
  static final AsciiString X_CODE = AsciiString.cached("x-code");
  static final AsciiString X_FORMAT = AsciiString.cached("x-format");
  static final AsciiString X_ORIGINAL_URI = AsciiString.cached("x-original-uri");

  // Statuses 400 to 599, by status - 400.
  private final boolean[] replaced = new boolean[200];
  private final String backendId;
  private final HttpHeaders routeHeaders;

  private ErrorPages(CustomErrors errors, String ingress) {
    errors.codes().forEach(code -> replaced[code - 400] = true);
    this.backendId = errors.backend();
    // nginx sends no header for an empty value: a route without an Ingress sends none of these.
    HttpHeaders headers = new DefaultHttpHeaders();
    if (ingress != null && ingress.indexOf('/') > 0) {
      headers.set("X-Namespace", ingress.substring(0, ingress.indexOf('/')));
      headers.set("X-Ingress-Name", ingress.substring(ingress.indexOf('/') + 1));
    }
    if (errors.service() != null) {
      headers.set("X-Service-Name", errors.service());
    }
    if (errors.servicePort() != null) {
      headers.set("X-Service-Port", errors.servicePort());
    }
    this.routeHeaders = headers;
  }

  /** The route's error pages, or null when the route has none. */
  static ErrorPages compile(CustomErrors errors, String ingress) {
    return errors == null ? null : new ErrorPages(errors, ingress);
  }

  /** Whether an answer with {@code status} is replaced by the error backend's. */
  public boolean replaces(int status) {
    return status >= 400 && status <= 599 && replaced[status - 400];
  }

  /**
   * The error backend: the Ingress's {@code default-backend}, which also takes the route's requests
   * while the route's backend has no endpoints; null: the snapshot's default backend.
   */
  public String backendId() {
    return backendId;
  }

  /**
   * Sets on {@code headers} (a copy of the request's, as it went upstream) what the error backend
   * is told of the failed request, as ingress-nginx's {@code proxy_set_header} lines in its
   * {@code @custom_} locations.
   *
   * @param status the backend's (or Weir's) status that is replaced
   * @param originalUri the client's request-target, query included
   * @param accept the client's Accept header, or null
   * @param clientAddress the client as resolved ({@code $remote_addr} after nginx's realip)
   */
  public void describe(
      HttpHeaders headers, int status, String originalUri, String accept, String clientAddress) {
    headers.set(X_CODE, status);
    if (accept != null && !accept.isEmpty()) {
      headers.set(X_FORMAT, accept);
    } else {
      headers.remove(X_FORMAT);
    }
    headers.set(X_ORIGINAL_URI, originalUri);
    headers.remove("X-Namespace");
    headers.remove("X-Ingress-Name");
    headers.remove("X-Service-Name");
    headers.remove("X-Service-Port");
    headers.add(routeHeaders);
    headers.set("X-Forwarded-For", clientAddress);
  }

  @Override
  public String toString() {
    return "ErrorPages[backend=" + backendId + "]";
  }
}
