package dev.weir.dataplane.routing;

import dev.weir.dataplane.snapshot.Route;
import dev.weir.dataplane.snapshot.Snapshot;
import dev.weir.dataplane.snapshot.VirtualHost;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * A snapshot's virtual hosts compiled for lookup by host and path: an exact host is one hash
 * lookup, a wildcard host one more (by parent domain), so the cost never depends on how many hosts
 * there are. Immutable; a new snapshot compiles a new table, sharing the unchanged hosts' compiled
 * routes with the previous one.
 *
 * @param <B> what a route leads to: the caller's compiled backend
 */
public final class RoutingTable<B> {
  private final Map<String, HostRoutes<B>> exactHosts;
  private final Map<String, HostRoutes<B>> wildcardHostsByParent;
  private final HostRoutes<B> anyHost;
  private final B defaultBackend;

  /** @param source the virtual host compiled, for the next compile to reuse */
  private record HostRoutes<B>(String name, PathMatcher<B> paths, B defaultBackend,
      VirtualHost source) {}

  /** What a request was routed to. {@code virtualHost} is the matched rule's host, or null. */
  public record Match<B>(String virtualHost, B backend) {}

  private RoutingTable(Map<String, HostRoutes<B>> exactHosts,
      Map<String, HostRoutes<B>> wildcardHostsByParent, HostRoutes<B> anyHost, B defaultBackend) {
    this.exactHosts = exactHosts;
    this.wildcardHostsByParent = wildcardHostsByParent;
    this.anyHost = anyHost;
    this.defaultBackend = defaultBackend;
  }

  /**
   * Compiles a validated snapshot.
   *
   * @param backends resolves a backend id of the snapshot to the caller's backend object
   */
  public static <B> RoutingTable<B> compile(Snapshot snapshot, Function<String, B> backends) {
    return compile(snapshot, backends, null, id -> null);
  }

  /**
   * Compiles a validated snapshot, reusing the compiled routes of each virtual host of
   * {@code previous} that is the same instance in {@code snapshot} and whose backends resolve to
   * the same objects as they did for {@code previous}: the cost is the number of hosts (a hash
   * insert each) plus the routes of the hosts that changed.
   *
   * @param previous the table compiled before, or null
   * @param previousBackends what {@code backends} was for {@code previous}
   */
  public static <B> RoutingTable<B> compile(Snapshot snapshot, Function<String, B> backends,
      RoutingTable<B> previous, Function<String, B> previousBackends) {
    Map<String, HostRoutes<B>> exact = new HashMap<>(snapshot.virtualHosts().size() * 2);
    Map<String, HostRoutes<B>> wildcard = new HashMap<>();
    HostRoutes<B> any = null;
    for (VirtualHost vhost : snapshot.virtualHosts()) {
      String name = vhost.host().toLowerCase(Locale.ROOT);
      HostRoutes<B> routes = previous == null ? null : previous.routesNamed(name);
      if (routes == null || routes.source() != vhost
          || !sameBackends(vhost, backends, previousBackends)) {
        routes = new HostRoutes<>(name, PathMatcher.compile(vhost.routes(), backends),
            vhost.defaultBackend() == null ? null : backends.apply(vhost.defaultBackend()), vhost);
      }
      if (name.equals(VirtualHost.ANY_HOST)) {
        any = routes;
      } else if (name.startsWith("*.")) {
        wildcard.put(name.substring(2), routes);
      } else {
        exact.put(name, routes);
      }
    }
    B defaultBackend =
        snapshot.defaultBackend() == null ? null : backends.apply(snapshot.defaultBackend());
    return new RoutingTable<>(Collections.unmodifiableMap(exact), Map.copyOf(wildcard), any,
        defaultBackend);
  }

  private HostRoutes<B> routesNamed(String name) {
    if (name.equals(VirtualHost.ANY_HOST)) {
      return anyHost;
    }
    return name.startsWith("*.") ? wildcardHostsByParent.get(name.substring(2)) : exactHosts.get(name);
  }

  private static <B> boolean sameBackends(VirtualHost vhost, Function<String, B> backends,
      Function<String, B> previousBackends) {
    for (Route route : vhost.routes()) {
      if (backends.apply(route.backend()) != previousBackends.apply(route.backend())) {
        return false;
      }
    }
    return vhost.defaultBackend() == null
        || backends.apply(vhost.defaultBackend()) == previousBackends.apply(vhost.defaultBackend());
  }

  /**
   * Routes a request.
   *
   * @param host the request's host as sent (Host header or :authority), port and case allowed
   * @param path the request path without query string
   * @return the match, or null when nothing routes the request (answer 404)
   */
  public Match<B> match(String host, String path) {
    HostRoutes<B> routes = hostRoutes(normalizeHost(host));
    if (routes != null) {
      B backend = routes.paths().match(path);
      if (backend == null) {
        backend = routes.defaultBackend();
      }
      if (backend != null) {
        return new Match<>(routes.name(), backend);
      }
    }
    return defaultBackend == null ? null : new Match<>(null, defaultBackend);
  }

  /** The virtual host name that serves {@code host} (exact, then wildcard, then {@code *}), or null. */
  public String virtualHostOf(String host) {
    HostRoutes<B> routes = hostRoutes(normalizeHost(host));
    return routes == null ? null : routes.name();
  }

  private HostRoutes<B> hostRoutes(String name) {
    if (name != null && !name.isEmpty()) {
      HostRoutes<B> routes = exactHosts.get(name);
      if (routes != null) {
        return routes;
      }
      int dot = name.indexOf('.');
      if (dot > 0 && !wildcardHostsByParent.isEmpty()) {
        routes = wildcardHostsByParent.get(name.substring(dot + 1));
        if (routes != null) {
          return routes;
        }
      }
    }
    return anyHost;
  }

  /**
   * Lower case, without port and without a trailing dot; an IPv6 literal keeps its brackets. Null
   * for an absent host.
   */
  public static String normalizeHost(String host) {
    if (host == null) {
      return null;
    }
    int end = host.length();
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      end = close < 0 ? end : close + 1;
    } else {
      int colon = host.lastIndexOf(':');
      if (colon >= 0) {
        end = colon;
      }
    }
    if (end > 0 && host.charAt(end - 1) == '.') {
      end--;
    }
    String name = host.substring(0, end);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        return name.toLowerCase(Locale.ROOT);
      }
    }
    return name;
  }
}
