package dev.weir.contract.snapshot;

import java.util.Set;

/**
 * Every request of a virtual host is answered with a redirect to the same request on another host,
 * never proxied: ingress-nginx's {@code from-to-www-redirect}, whose redirect server answers {@code
 * www.example.com} with {@code example.com} (or the other way round). The {@code Location} is the
 * request's scheme, {@code host}, the port the client addressed (its {@code Host} header's, else
 * the scheme's default; nginx writes {@code $server_port}, always) and the request target with one
 * trailing {@code /} left out, exactly as ingress-nginx's {@code ngx_srv_redirect.lua} builds it.
 * Schema version 5.
 *
 * @param host the host name redirected to: exact, no wildcard
 * @param code the status: 301, 302, 307 or 308 (ingress-nginx's {@code http-redirect-code}, 308 by
 *     default)
 */
public record HostRedirect(String host, int code) {
  /** The codes ingress-nginx accepts for {@code http-redirect-code}. */
  public static final Set<Integer> CODES = Set.of(301, 302, 307, 308);

  /** ingress-nginx's default {@code http-redirect-code}. */
  public static final int DEFAULT_CODE = 308;

  /** A redirect to {@code host} with the default code. */
  public static HostRedirect to(String host) {
    return new HostRedirect(host, DEFAULT_CODE);
  }
}
