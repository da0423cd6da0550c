package dev.weir.contract.cli;

import java.util.List;
import java.util.Objects;

/**
 * How a data plane meets its clients, beyond its ports: what the network in front of it tells it
 * about them, and what it writes down about their requests. Settings of the data plane process (the
 * chart sets them on its command line, standalone mode passes them in), not of the snapshot: they
 * describe the load balancer in front of a Deployment, not the cluster's Ingresses.
 *
 * @param proxyProtocol every connection starts with a PROXY protocol (v1 or v2) header naming the
 *     client; a connection without a valid one is closed
 * @param forwardedHeadersTrustedFrom address ranges (CIDR) of proxies whose X-Forwarded-* headers
 *     are kept and appended to; empty: replaced for everyone
 * @param accessLog the access log's format on standard output, or off
 */
public record Edge(
    boolean proxyProtocol, List<String> forwardedHeadersTrustedFrom, AccessLogFormat accessLog) {
  /** No PROXY protocol, no trusted proxies, a JSON access log: ingress-nginx's defaults. */
  public static final Edge DEFAULTS = new Edge(false, List.of(), AccessLogFormat.JSON);

  public Edge {
    forwardedHeadersTrustedFrom = List.copyOf(forwardedHeadersTrustedFrom);
    Objects.requireNonNull(accessLog, "accessLog");
  }

  public Edge withProxyProtocol(boolean on) {
    return new Edge(on, forwardedHeadersTrustedFrom, accessLog);
  }

  public Edge withForwardedHeadersTrustedFrom(List<String> cidrs) {
    return new Edge(proxyProtocol, cidrs, accessLog);
  }

  public Edge withAccessLog(AccessLogFormat format) {
    return new Edge(proxyProtocol, forwardedHeadersTrustedFrom, format);
  }
}
