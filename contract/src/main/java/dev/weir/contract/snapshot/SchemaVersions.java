package dev.weir.contract.snapshot;

import java.util.List;

/**
 * Which schema version a snapshot's content needs. Version 2 added per-route settings, HSTS, client
 * authentication and passthrough on hosts, upstream protocols and TLS, the Ewma and ConsistentHash
 * policies and send timeouts; a snapshot without them is written as version 1, which data planes
 * that predate them read.
 */
final class SchemaVersions {
  private SchemaVersions() {}

  static int required(List<VirtualHost> virtualHosts, List<Backend> backends) {
    return firstVersion2Field(virtualHosts, backends) == null ? 1 : 2;
  }

  /** Where the first version 2 field is (a JSON path), or null if there is none. */
  static String firstVersion2Field(List<VirtualHost> virtualHosts, List<Backend> backends) {
    for (int i = 0; i < virtualHosts.size(); i++) {
      VirtualHost v = virtualHosts.get(i);
      String at = "virtualHosts[" + i + "]";
      if (v.hsts() != null) {
        return at + ".hsts";
      }
      if (v.clientAuth() != null) {
        return at + ".clientAuth";
      }
      if (v.passthroughBackend() != null) {
        return at + ".passthroughBackend";
      }
      for (int j = 0; j < v.routes().size(); j++) {
        if (!v.routes().get(j).settings().isNone()) {
          return at + ".routes[" + j + "].settings";
        }
      }
    }
    for (int i = 0; i < backends.size(); i++) {
      Backend b = backends.get(i);
      String at = "backends[" + i + "]";
      if (b.protocol() != UpstreamProtocol.HTTP) {
        return at + ".protocol";
      }
      if (b.tls() != null) {
        return at + ".tls";
      }
      if (b.policy() != BalancePolicy.ROUND_ROBIN) {
        return at + ".policy";
      }
      if (b.hashBy() != null) {
        return at + ".hashBy";
      }
      if (b.timeouts().sendMillis() != Timeouts.DEFAULT_SEND_MILLIS) {
        return at + ".timeouts.sendMillis";
      }
    }
    return null;
  }
}
