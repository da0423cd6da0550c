package dev.weir.dataplane.routing;

import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.VirtualHost;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
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
  private final Map<String, HostRoutes> exactHosts;
  private final Map<String, HostRoutes> wildcardHostsByParent;
  private final HostRoutes anyHost;
  private final Function<String, B> backends;
  private final B defaultBackend;

  /**
   * One virtual host compiled. Routes lead to backend ids, resolved per request through the table's
   * backends (one hash lookup): a backend that changes recompiles no host.
   *
   * @param source the virtual host compiled, for the next compile to reuse
   */
  private record HostRoutes(
      String name, PathMatcher<String> paths, String defaultBackend, VirtualHost source) {
    static HostRoutes compile(String name, VirtualHost vhost) {
      return new HostRoutes(
          name,
          PathMatcher.compile(vhost.routes(), Function.identity()),
          vhost.defaultBackend(),
          vhost);
    }
  }

  /** What a request was routed to. {@code virtualHost} is the matched rule's host, or null. */
  public record Match<B>(String virtualHost, B backend) {}

  private RoutingTable(
      Map<String, HostRoutes> exactHosts,
      Map<String, HostRoutes> wildcardHostsByParent,
      HostRoutes anyHost,
      Function<String, B> backends,
      B defaultBackend) {
    this.exactHosts = exactHosts;
    this.wildcardHostsByParent = wildcardHostsByParent;
    this.anyHost = anyHost;
    this.backends = backends;
    this.defaultBackend = defaultBackend;
  }

  /**
   * Compiles a validated snapshot.
   *
   * @param backends resolves a backend id of the snapshot to the caller's backend object; kept and
   *     asked per request, so it must be a fixed, thread-safe lookup (an unmodified map's)
   */
  public static <B> RoutingTable<B> compile(Snapshot snapshot, Function<String, B> backends) {
    return compile(snapshot, backends, null);
  }

  /**
   * Compiles a validated snapshot, reusing the compiled routes of each virtual host of {@code
   * previous} that is the same instance in {@code snapshot}: the cost is a hash insert per host
   * plus the routes of the hosts that changed.
   *
   * @param previous the table compiled before, or null
   */
  public static <B> RoutingTable<B> compile(
      Snapshot snapshot, Function<String, B> backends, RoutingTable<?> previous) {
    HostTables tables =
        new HostTables(new HashMap<>(snapshot.virtualHosts().size() * 2), new HashMap<>(), null);
    for (VirtualHost vhost : snapshot.virtualHosts()) {
      String name = vhost.host().toLowerCase(Locale.ROOT);
      HostRoutes routes = previous == null ? null : previous.routesNamed(name);
      if (routes == null || routes.source() != vhost) {
        routes = HostRoutes.compile(name, vhost);
      }
      tables.put(name, routes);
    }
    return tables.build(backends, snapshot.defaultBackend());
  }

  /**
   * This table with the virtual hosts {@code removed} (host names as the snapshot writes them)
   * taken out, then {@code upserted} compiled and put in, over {@code backends} and the default
   * backend {@code defaultBackendId}: what a snapshot delta changes, at the cost of a copy of the
   * host table plus the changed hosts.
   */
  public RoutingTable<B> with(
      List<VirtualHost> upserted,
      List<String> removed,
      Function<String, B> backends,
      String defaultBackendId) {
    HostTables tables =
        new HostTables(new HashMap<>(exactHosts), new HashMap<>(wildcardHostsByParent), anyHost);
    for (String host : removed) {
      tables.remove(host.toLowerCase(Locale.ROOT));
    }
    for (VirtualHost vhost : upserted) {
      String name = vhost.host().toLowerCase(Locale.ROOT);
      tables.put(name, HostRoutes.compile(name, vhost));
    }
    return tables.build(backends, defaultBackendId);
  }

  /** This table's hosts over other backends and default backend: nothing is compiled again. */
  public RoutingTable<B> withBackends(Function<String, B> backends, String defaultBackendId) {
    return new RoutingTable<>(
        exactHosts, wildcardHostsByParent, anyHost, backends, resolve(backends, defaultBackendId));
  }

  private static <B> B resolve(Function<String, B> backends, String id) {
    return id == null ? null : backends.apply(id);
  }

  /**
   * The three host tables while a table is built, and the one place that knows which of them a
   * virtual host name belongs to: {@code *}, a wildcard (by parent domain), or an exact name.
   */
  private static final class HostTables {
    private final Map<String, HostRoutes> exact;
    private final Map<String, HostRoutes> wildcardByParent;
    private HostRoutes any;

    HostTables(
        Map<String, HostRoutes> exact, Map<String, HostRoutes> wildcardByParent, HostRoutes any) {
      this.exact = exact;
      this.wildcardByParent = wildcardByParent;
      this.any = any;
    }

    /**
     * @param name a virtual host name, lower case
     */
    void put(String name, HostRoutes routes) {
      if (name.equals(VirtualHost.ANY_HOST)) {
        any = routes;
      } else if (name.startsWith("*.")) {
        wildcardByParent.put(name.substring(2), routes);
      } else {
        exact.put(name, routes);
      }
    }

    /**
     * @param name a virtual host name, lower case
     */
    void remove(String name) {
      if (name.equals(VirtualHost.ANY_HOST)) {
        any = null;
      } else if (name.startsWith("*.")) {
        wildcardByParent.remove(name.substring(2));
      } else {
        exact.remove(name);
      }
    }

    <B> RoutingTable<B> build(Function<String, B> backends, String defaultBackendId) {
      return new RoutingTable<>(
          Collections.unmodifiableMap(exact),
          Map.copyOf(wildcardByParent),
          any,
          backends,
          resolve(backends, defaultBackendId));
    }
  }

  private HostRoutes routesNamed(String name) {
    if (name.equals(VirtualHost.ANY_HOST)) {
      return anyHost;
    }
    return name.startsWith("*.")
        ? wildcardHostsByParent.get(name.substring(2))
        : exactHosts.get(name);
  }

  /**
   * Routes a request.
   *
   * @param host the request's host as sent (Host header or :authority), port and case allowed
   * @param path the request path without query string
   * @return the match, or null when nothing routes the request (answer 404)
   */
  public Match<B> match(String host, String path) {
    HostRoutes routes = hostRoutes(normalizeHost(host));
    if (routes != null) {
      String id = routes.paths().match(path);
      if (id == null) {
        id = routes.defaultBackend();
      }
      B backend = id == null ? null : backends.apply(id);
      if (backend != null) {
        return new Match<>(routes.name(), backend);
      }
    }
    return defaultBackend == null ? null : new Match<>(null, defaultBackend);
  }

  /**
   * The virtual host name that serves {@code host} (exact, then wildcard, then {@code *}), or null.
   */
  public String virtualHostOf(String host) {
    HostRoutes routes = hostRoutes(normalizeHost(host));
    return routes == null ? null : routes.name();
  }

  private HostRoutes hostRoutes(String name) {
    if (name != null && !name.isEmpty()) {
      HostRoutes routes = exactHosts.get(name);
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
