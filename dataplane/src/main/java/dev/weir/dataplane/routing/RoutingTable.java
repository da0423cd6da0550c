package dev.weir.dataplane.routing;

import dev.weir.contract.host.HostName;
import dev.weir.contract.host.HostTable;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.VirtualHost;
import dev.weir.dataplane.proxy.policy.ClientCertificateAuth;
import dev.weir.dataplane.proxy.policy.HostRedirectPolicy;
import dev.weir.dataplane.proxy.policy.RequestPolicies;
import dev.weir.dataplane.proxy.policy.RequestPolicy;
import java.util.List;
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
  private final HostTable<HostRoutes> hosts;
  private final RouteOptions options;
  private final Function<String, B> backends;
  private final CompiledRoute defaultRoute;
  private final B defaultBackend;

  /**
   * One virtual host compiled. Routes lead to backend ids, resolved per request through the table's
   * backends (one hash lookup): a backend that changes recompiles no host.
   *
   * @param name the virtual host's name, normalised
   * @param defaultRoute the route of requests no path rule matches, or null
   * @param redirect the answer to every request of a host that redirects to another one, or null
   * @param source the virtual host compiled, for the next compile to reuse
   */
  private record HostRoutes(
      String name,
      PathMatcher paths,
      CompiledRoute defaultRoute,
      RequestPolicies hostPolicies,
      RequestPolicy redirect,
      VirtualHost source) {
    static HostRoutes compile(String name, VirtualHost vhost, RouteOptions options) {
      RequestPolicies hostPolicies = ClientCertificateAuth.forHost(vhost);
      return new HostRoutes(
          name,
          PathMatcher.compile(name, vhost, options, hostPolicies),
          vhost.defaultBackend() == null
              ? null
              : CompiledRoute.compileDefault(name, vhost, options, hostPolicies),
          hostPolicies,
          vhost.hostRedirect() == null ? null : new HostRedirectPolicy(vhost.hostRedirect()),
          vhost);
    }
  }

  /** What a request was routed to: the route, and its backend as of this table. */
  public record Match<B>(CompiledRoute route, B backend) {
    /** The matched rule's virtual host, or null for the snapshot's default backend. */
    public String virtualHost() {
      return route.virtualHost();
    }
  }

  private RoutingTable(
      HostTable<HostRoutes> hosts,
      RouteOptions options,
      Function<String, B> backends,
      String defaultBackendId) {
    this.hosts = hosts;
    this.options = options;
    this.backends = backends;
    this.defaultRoute =
        defaultBackendId == null
            ? null
            : CompiledRoute.compile(null, defaultBackendId, RequestPolicies.NONE);
    this.defaultBackend = defaultBackendId == null ? null : backends.apply(defaultBackendId);
  }

  /**
   * Compiles a validated snapshot.
   *
   * @param backends resolves a backend id of the snapshot to the caller's backend object; kept and
   *     asked per request, so it must be a fixed, thread-safe lookup (an unmodified map's)
   */
  public static <B> RoutingTable<B> compile(Snapshot snapshot, Function<String, B> backends) {
    return compile(snapshot, backends, null, RouteOptions.DEFAULTS);
  }

  /**
   * Compiles a validated snapshot, reusing the compiled routes of each virtual host of {@code
   * previous} that is the same instance in {@code snapshot}: the cost is a hash insert per host
   * plus the routes of the hosts that changed.
   *
   * @param previous the table compiled before, or null; compiled with the same {@code options}
   */
  public static <B> RoutingTable<B> compile(
      Snapshot snapshot,
      Function<String, B> backends,
      RoutingTable<?> previous,
      RouteOptions options) {
    HostTable.Builder<HostRoutes> hosts = HostTable.builder(snapshot.virtualHosts().size());
    for (VirtualHost vhost : snapshot.virtualHosts()) {
      String name = HostName.normalise(vhost.host());
      HostRoutes routes = previous == null ? null : previous.hosts.get(name);
      if (routes == null || routes.source() != vhost) {
        routes = HostRoutes.compile(name, vhost, options);
      }
      hosts.put(name, routes);
    }
    return new RoutingTable<>(hosts.build(), options, backends, snapshot.defaultBackend());
  }

  /**
   * This table with the virtual hosts {@code removed} (host names as the snapshot writes them)
   * taken out, then {@code upserted} compiled and put in, over {@code backends} and the default
   * backend {@code defaultBackendId}: what a snapshot delta changes, at the cost of a copy of the
   * host table the changed hosts are in plus the changed hosts.
   */
  public RoutingTable<B> with(
      List<VirtualHost> upserted,
      List<String> removed,
      Function<String, B> backends,
      String defaultBackendId) {
    HostTable.Builder<HostRoutes> next = hosts.toBuilder();
    for (String host : removed) {
      next.remove(HostName.normalise(host));
    }
    for (VirtualHost vhost : upserted) {
      String name = HostName.normalise(vhost.host());
      next.put(name, HostRoutes.compile(name, vhost, options));
    }
    return new RoutingTable<>(next.build(), options, backends, defaultBackendId);
  }

  /** This table's hosts over other backends and default backend: nothing is compiled again. */
  public RoutingTable<B> withBackends(Function<String, B> backends, String defaultBackendId) {
    return new RoutingTable<>(hosts, options, backends, defaultBackendId);
  }

  /**
   * Routes a request.
   *
   * @param host the request's host as sent (Host header or :authority), port and case allowed
   * @param path the request path without query string
   * @return the match, or null when nothing routes the request (answer 404, unless {@link
   *     #hostRedirect} answers it)
   */
  public Match<B> match(String host, String path) {
    HostRoutes routes = hosts.match(HostName.ofAuthority(host));
    if (routes != null && routes.redirect() != null) {
      return null;
    }
    if (routes != null) {
      CompiledRoute route = routes.paths().match(path);
      if (route == null) {
        route = routes.defaultRoute();
      }
      B backend = route == null ? null : backends.apply(route.backendId());
      if (backend != null) {
        return new Match<>(route, backend);
      }
      if (!routes.hostPolicies().isEmpty() && defaultBackend != null) {
        // The snapshot's default backend, still behind the host's own policies, as nginx applies
        // a server's client verification to every request of the server. Rare: a route made
        // per request.
        return new Match<>(
            CompiledRoute.compile(routes.name(), defaultRoute.backendId(), routes.hostPolicies()),
            defaultBackend);
      }
    }
    return defaultBackend == null ? null : new Match<>(defaultRoute, defaultBackend);
  }

  /**
   * The answer to every request of {@code host} (as sent) when its virtual host redirects to
   * another host ({@code from-to-www-redirect}), or null: such a host routes nothing, so {@link
   * #match} gives null for it, and only then is this asked.
   */
  public RequestPolicy hostRedirect(String host) {
    HostRoutes routes = hosts.match(HostName.ofAuthority(host));
    return routes == null ? null : routes.redirect();
  }

  /** The backend the snapshot's {@code id} names, or null (an error backend, per request). */
  public B backend(String id) {
    return backends.apply(id);
  }

  /** The snapshot's default backend, or null. */
  public B defaultBackend() {
    return defaultBackend;
  }

  /** What its routes were compiled with. */
  public RouteOptions options() {
    return options;
  }

  /**
   * The backend TLS connections for {@code serverName} (a ClientHello's SNI) are relayed to
   * untouched, or null when TLS for that name is terminated: no name, a name no virtual host
   * claims, or a virtual host without {@code passthroughBackend}. The same host lookup as requests
   * (exact, then wildcard); {@code *} is never a passthrough host.
   */
  public B passthrough(String serverName) {
    if (serverName == null || serverName.isEmpty()) {
      return null;
    }
    HostRoutes routes = hosts.match(HostName.normalise(serverName));
    String backendId = routes == null ? null : routes.source().passthroughBackend();
    return backendId == null ? null : backends.apply(backendId);
  }

  /**
   * The virtual host name that serves {@code host} (exact, then wildcard, then {@code *}), or null.
   */
  public String virtualHostOf(String host) {
    HostRoutes routes = hosts.match(HostName.ofAuthority(host));
    return routes == null ? null : routes.name();
  }
}
