package dev.weir.dataplane.proxy.http;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The clients whose X-Forwarded-* headers Weir keeps (ingress-nginx's {@code use-forwarded-headers}
 * with {@code proxy-real-ip-cidr}): proxies in front of Weir that describe their own client. Anyone
 * else's are replaced, since a client could claim any address there. None by default.
 */
public final class TrustedProxies {
  public static final TrustedProxies NONE = new TrustedProxies(List.of(), List.of());

  private final List<String> cidrs;
  private final IpSubnetFilterRule[] rules;

  private TrustedProxies(List<String> cidrs, List<IpSubnetFilterRule> rules) {
    this.cidrs = List.copyOf(cidrs);
    this.rules = rules.toArray(new IpSubnetFilterRule[0]);
  }

  /**
   * @param cidrs address ranges such as {@code 10.0.0.0/8} or {@code fd00::/8}; an address alone is
   *     that one address
   * @throws IllegalArgumentException naming the first entry that is not one
   */
  public static TrustedProxies of(List<String> cidrs) {
    if (cidrs.isEmpty()) {
      return NONE;
    }
    List<IpSubnetFilterRule> rules = new ArrayList<>();
    for (String cidr : cidrs) {
      rules.add(parse(cidr.strip()));
    }
    return new TrustedProxies(cidrs, rules);
  }

  private static IpSubnetFilterRule parse(String cidr) {
    int slash = cidr.indexOf('/');
    String address = slash < 0 ? cidr : cidr.substring(0, slash);
    // Only literal addresses: a host name here would be resolved through DNS at start-up.
    if (address.isEmpty()
        || !(address.indexOf(':') >= 0
            || address.chars().allMatch(c -> c == '.' || Character.isDigit(c)))) {
      throw new IllegalArgumentException("'" + cidr + "' is not an address range (CIDR)");
    }
    try {
      InetAddress ip = InetAddress.getByName(address);
      int bits = ip.getAddress().length * 8;
      int prefix = slash < 0 ? bits : Integer.parseInt(cidr.substring(slash + 1));
      if (prefix < 0 || prefix > bits) {
        throw new IllegalArgumentException("'" + cidr + "': prefix must be in 0.." + bits);
      }
      return new IpSubnetFilterRule(ip, prefix, IpFilterRuleType.ACCEPT);
    } catch (NumberFormatException | UnknownHostException e) {
      throw new IllegalArgumentException("'" + cidr + "' is not an address range (CIDR)", e);
    }
  }

  public boolean isEmpty() {
    return rules.length == 0;
  }

  /** Whether {@code client} (null: not an IP client) is one of these proxies. */
  public boolean trusts(InetAddress client) {
    if (client == null) {
      return false;
    }
    InetSocketAddress socket = null;
    for (IpSubnetFilterRule rule : rules) {
      if (socket == null) {
        socket = new InetSocketAddress(client, 0);
      }
      if (rule.matches(socket)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return String.join(",", cidrs);
  }
}
