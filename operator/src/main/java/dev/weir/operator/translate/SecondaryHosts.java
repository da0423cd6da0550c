package dev.weir.operator.translate;

import dev.weir.contract.snapshot.VirtualHost;
import dev.weir.operator.state.ObjectRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The virtual hosts of names that stand for another host: the other name of a {@code
 * from-to-www-redirect} and each {@code server-alias}. Each {@link ResolvedHost} says which names
 * it asks for ({@link ResolvedHost#claims()}); which of them are served depends on every other
 * host, so it is decided here, after all hosts, by one rule both translators apply to the hosts in
 * name order:
 *
 * <ol>
 *   <li>A name that is a host of an Ingress rule stays that host: ingress-nginx creates no redirect
 *       server for it and leaves such an alias out of the server's names.
 *   <li>Redirects come before aliases, as ingress-nginx's template writes the redirect servers
 *       before the others and nginx serves a name by the first server that lists it.
 *   <li>An alias two hosts ask for goes to the host first in name order, ingress-nginx's order of
 *       servers, for the same reason.
 * </ol>
 *
 * Every name left out is reported on the Ingress whose annotation asked for it.
 *
 * @param virtualHosts by name
 */
record SecondaryHosts(Map<String, VirtualHost> virtualHosts, List<Diagnostic> diagnostics) {
  static final SecondaryHosts NONE = new SecondaryHosts(Map.of(), List.of());

  /**
   * A name a host asks for besides its own.
   *
   * @param name the name asked for
   * @param host the host it stands for
   * @param virtualHost what the name would serve
   * @param redirect whether it is the other name of a www redirect (else an alias)
   * @param by the Ingress whose annotation asks for it
   */
  record Claim(String name, String host, VirtualHost virtualHost, boolean redirect, ObjectRef by) {}

  /**
   * @param hosts the resolved hosts that claim names, in host name order
   * @param isHost whether a name is the host of an Ingress rule (a virtual host of its own)
   */
  static SecondaryHosts resolve(Iterable<ResolvedHost> hosts, Predicate<String> isHost) {
    Map<String, Claim> taken = new TreeMap<>();
    List<Diagnostic> found = new ArrayList<>();
    for (boolean redirects : new boolean[] {true, false}) {
      for (ResolvedHost h : hosts) {
        for (Claim c : h.claims()) {
          if (c.redirect() != redirects) {
            continue;
          }
          String why = null;
          Claim first = taken.get(c.name());
          if (isHost.test(c.name())) {
            why = "it is the host of an Ingress rule";
          } else if (first != null && first.redirect()) {
            why = "it is the from-to-www-redirect name of host " + first.host();
          } else if (first != null) {
            why = "it is an alias of host " + first.host() + " already";
          }
          if (why == null) {
            taken.put(c.name(), c);
          } else if (c.redirect()) {
            found.add(Diagnostic.wwwRedirectIgnored(c.by(), c.host(), c.name(), why));
          } else {
            found.add(Diagnostic.aliasIgnored(c.by(), c.host(), c.name(), why));
          }
        }
      }
    }
    if (taken.isEmpty() && found.isEmpty()) {
      return NONE;
    }
    Map<String, VirtualHost> served = new TreeMap<>();
    taken.forEach((name, c) -> served.put(name, c.virtualHost()));
    return new SecondaryHosts(served, List.copyOf(found));
  }
}
