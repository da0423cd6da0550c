package dev.weir.dataplane.snapshot;

import java.util.List;

/**
 * The routes of one host name.
 *
 * @param host an exact name ({@code foo.example.com}), a single-label wildcard
 *     ({@code *.example.com}: matches {@code a.example.com}, not {@code example.com} nor
 *     {@code a.b.example.com}) or {@code *} for requests whose host no other virtual host claims
 *     (an Ingress rule without a host)
 * @param certificate id of the certificate served for this host over TLS; absent: the default one
 * @param routes path rules; order does not matter: Exact beats Prefix, the longest Prefix wins
 * @param defaultBackend backend id for requests of this host that no route matches; absent: the
 *     snapshot's default backend, else 404
 */
public record VirtualHost(String host, String certificate, List<Route> routes, String defaultBackend) {
  public static final String ANY_HOST = "*";

  public VirtualHost {
    routes = routes == null ? List.of() : List.copyOf(routes);
  }
}
