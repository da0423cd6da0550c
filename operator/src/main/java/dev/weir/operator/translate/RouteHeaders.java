package dev.weir.operator.translate;

import dev.weir.contract.snapshot.ProxyHeaders;
import dev.weir.operator.annotations.ConfigMapRef;
import dev.weir.operator.state.ObjectRef;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The response headers of {@code custom-headers}, read from its ConfigMap as ingress-nginx's
 * customheaders parser reads it: every {@code data} key is a header name and its value the header's
 * (nginx's {@code more_set_headers}). A missing ConfigMap, an invalid name or value, or a name not
 * in {@code global-allowed-response-headers} denies the Ingress's paths (503).
 */
final class RouteHeaders {
  // customheaders.headerRegexp and valueRegexp.
  static final Pattern NAME = Pattern.compile("[a-zA-Z\\d\\-_]+");
  private static final Pattern VALUE =
      Pattern.compile("[a-zA-Z\\d_ :;.,\\\\/\"'?!(){}\\[\\]@<>=\\-+*#$&`|~^%]+");
  private static final String FAILS_CLOSED = "; the Ingress's paths answer 503";

  private RouteHeaders() {}

  /** A ConfigMap a host's routes were read from and the instance read (null: missing). */
  record ConfigMapSeen(ConfigMapRef ref, ConfigMap seen) {}

  /** A ConfigMap an annotation names, by namespace and name; null when missing. */
  @FunctionalInterface
  interface ConfigMapLookup {
    ConfigMap configMap(String namespace, String name);
  }

  /**
   * {@code headers} (the route's other proxy headers, or null) with the response headers of {@code
   * configMap} (null: missing) set, or {@link ProxyHeaders#UNAVAILABLE} with a diagnostic.
   */
  static ProxyHeaders apply(
      ProxyHeaders headers,
      ConfigMapRef ref,
      ConfigMap configMap,
      List<String> allowed,
      ObjectRef ingress,
      List<Diagnostic> found) {
    if (headers != null && headers.isUnavailable()) {
      return headers;
    }
    String named = "ConfigMap " + ref + " (custom-headers)";
    if (configMap == null) {
      found.add(
          new Diagnostic(
              ingress, Reason.CONFIG_MAP_NOT_FOUND, named + " does not exist" + FAILS_CLOSED));
      return ProxyHeaders.UNAVAILABLE;
    }
    Map<String, String> data =
        new TreeMap<>(configMap.getData() == null ? Map.of() : configMap.getData());
    for (Map.Entry<String, String> e : data.entrySet()) {
      String problem = null;
      if (!NAME.matcher(e.getKey()).matches()) {
        problem = "has \"" + shown(e.getKey()) + "\", which is not a header name";
      } else if (e.getValue() == null || !VALUE.matcher(e.getValue()).matches()) {
        problem =
            "sets "
                + e.getKey()
                + " to a value with characters ingress-nginx refuses (control characters, or none"
                + " at all)";
      } else if (!allowed.contains(e.getKey())) {
        problem =
            "sets "
                + e.getKey()
                + ", which global-allowed-response-headers does not list (allowed: "
                + (allowed.isEmpty() ? "none" : String.join(", ", allowed))
                + ")";
      }
      if (problem != null) {
        found.add(
            new Diagnostic(
                ingress, Reason.INVALID_CUSTOM_HEADERS, named + " " + problem + FAILS_CLOSED));
        return ProxyHeaders.UNAVAILABLE;
      }
    }
    if (data.isEmpty()) {
      return headers;
    }
    if (headers == null) {
      return new ProxyHeaders(null, data, null, null, null, null);
    }
    return new ProxyHeaders(
        headers.host(),
        data,
        null,
        headers.redirect(),
        headers.cookieDomain(),
        headers.cookiePath());
  }

  private static String shown(String value) {
    return value.length() > 64 ? value.substring(0, 64) + "..." : value;
  }
}
