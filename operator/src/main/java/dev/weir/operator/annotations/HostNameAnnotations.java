package dev.weir.operator.annotations;

import java.util.List;

/**
 * The other names an Ingress gives the hosts of its rules.
 *
 * @param aliases {@code server-alias}: names served exactly like each host of the Ingress's rules
 *     (its routes, and its certificate where that covers them), lower case, without repeats, sorted
 *     as ingress-nginx sorts them; exact names or a leading {@code *.} wildcard
 * @param fromToWwwRedirect {@code from-to-www-redirect}: {@code www.<host>} is redirected to {@code
 *     <host>}, or {@code <host>} to {@code www.<host>} for a host that starts with {@code www.}
 */
public record HostNameAnnotations(List<String> aliases, boolean fromToWwwRedirect) {
  public static final HostNameAnnotations NONE = new HostNameAnnotations(List.of(), false);

  public HostNameAnnotations {
    aliases = List.copyOf(aliases);
  }
}
