package dev.weir.contract.snapshot;

import java.util.List;

/**
 * Which schema version a snapshot's content needs. Version 2 added per-route settings, HSTS, client
 * authentication and passthrough on hosts, upstream protocols and TLS, the Ewma and ConsistentHash
 * policies and send timeouts; version 3 the Ingress owning a route, a route's access-log switch and
 * the PROXY protocol setting; version 4 a route's CORS, access control and rate limits, regex
 * routes, rewrites and redirects; version 5 a route's canary, custom errors, external
 * authentication, proxy headers and the retry policies of backends and routes, a host's redirect to
 * another host and the HTTPS redirect's trailing-slash rule. A snapshot is written with the lowest
 * version that holds its content, which data planes that predate the newer fields read.
 */
final class SchemaVersions {
  private SchemaVersions() {}

  /** A field of a snapshot (a JSON path) and the schema version it needs. */
  record Field(String path, int version) {}

  static int required(Settings settings, List<VirtualHost> virtualHosts, List<Backend> backends) {
    for (int version = 1; version < Snapshot.SCHEMA_VERSION; version++) {
      if (firstFieldAbove(version, settings, virtualHosts, backends) == null) {
        return version;
      }
    }
    return Snapshot.SCHEMA_VERSION;
  }

  /**
   * The first field (JSON path) that needs a schema version above {@code version}, or null if there
   * is none; {@code settings} null: none to check.
   */
  static Field firstFieldAbove(
      int version, Settings settings, List<VirtualHost> virtualHosts, List<Backend> backends) {
    if (version < 3 && settings != null && settings.usesProxyProtocol()) {
      return new Field("settings.proxyProtocol", 3);
    }
    for (int i = 0; i < virtualHosts.size(); i++) {
      Field found = firstFieldAbove(version, virtualHosts.get(i), "virtualHosts[" + i + "]");
      if (found != null) {
        return found;
      }
    }
    if (version >= 5) {
      return null;
    }
    for (int i = 0; i < backends.size(); i++) {
      Backend b = backends.get(i);
      String at = "backends[" + i + "]";
      if (!b.retry().equals(RetryPolicy.DEFAULT)) {
        return new Field(at + ".retry", 5);
      }
      if (version >= 2) {
        continue;
      }
      if (b.protocol() != UpstreamProtocol.HTTP) {
        return new Field(at + ".protocol", 2);
      }
      if (b.tls() != null) {
        return new Field(at + ".tls", 2);
      }
      if (b.policy() != BalancePolicy.ROUND_ROBIN) {
        return new Field(at + ".policy", 2);
      }
      if (b.hashBy() != null) {
        return new Field(at + ".hashBy", 2);
      }
      if (b.timeouts().sendMillis() != Timeouts.DEFAULT_SEND_MILLIS) {
        return new Field(at + ".timeouts.sendMillis", 2);
      }
    }
    return null;
  }

  private static Field firstFieldAbove(int version, VirtualHost v, String at) {
    if (version < 5 && v.hostRedirect() != null) {
      return new Field(at + ".hostRedirect", 5);
    }
    if (version < 2) {
      if (v.hsts() != null) {
        return new Field(at + ".hsts", 2);
      }
      if (v.clientAuth() != null) {
        return new Field(at + ".clientAuth", 2);
      }
      if (v.passthroughBackend() != null) {
        return new Field(at + ".passthroughBackend", 2);
      }
    }
    for (int j = 0; j < v.routes().size(); j++) {
      Route route = v.routes().get(j);
      String routeAt = at + ".routes[" + j + "]";
      if (version < 5 && route.canary() != null) {
        return new Field(routeAt + ".canary", 5);
      }
      if (version < 5 && route.settings().customErrors() != null) {
        return new Field(routeAt + ".settings.customErrors", 5);
      }
      if (version < 4 && route.matchesAsRegex()) {
        return new Field(routeAt + ".regex", 4);
      }
      if (version < 4
          && (route.settings().rewrite() != null || route.settings().redirect() != null)) {
        return new Field(
            routeAt + ".settings." + (route.settings().rewrite() != null ? "rewrite" : "redirect"),
            4);
      }
      RouteSettings rs = route.settings();
      if (version < 5 && rs.retry() != null) {
        return new Field(routeAt + ".settings.retry", 5);
      }
      if (version < 5 && rs.externalAuth() != null) {
        return new Field(routeAt + ".settings.externalAuth", 5);
      }
      if (version < 5 && rs.proxyHeaders() != null) {
        return new Field(routeAt + ".settings.proxyHeaders", 5);
      }
      if (version < 5 && rs.keepsTrailingSlash()) {
        return new Field(routeAt + ".settings.keepTrailingSlash", 5);
      }
      if (version < 4 && (rs.cors() != null || rs.access() != null || rs.rateLimit() != null)) {
        return new Field(
            routeAt
                + ".settings."
                + (rs.cors() != null ? "cors" : rs.access() != null ? "access" : "rateLimit"),
            4);
      }
      if (version < 3 && route.ingress() != null) {
        return new Field(routeAt + ".ingress", 3);
      }
      if (version < 3 && !route.settings().logsAccess()) {
        return new Field(routeAt + ".settings.accessLog", 3);
      }
      if (version < 2 && !route.settings().isNone()) {
        return new Field(routeAt + ".settings", 2);
      }
    }
    return null;
  }
}
