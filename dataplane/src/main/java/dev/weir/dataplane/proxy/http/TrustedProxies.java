package dev.weir.dataplane.proxy.http;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The clients whose X-Forwarded-* headers Weir keeps (ingress-nginx's {@code use-forwarded-headers}
 * with {@code proxy-real-ip-cidr}): proxies in front of Weir that describe their own client. Anyone
 * else's are replaced, since a client could claim any address there. None by default.
 *
 * <p>Behind them the client is found as nginx's realip module finds it with {@code
 * real_ip_recursive on}, which ingress-nginx configures ({@link #clientBehind}).
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

  /**
   * The client a request from {@code peer} came for, as nginx's {@code real_ip_header
   * X-Forwarded-For; real_ip_recursive on; set_real_ip_from ...} decides it: null (the peer itself
   * is the client) unless the peer is trusted; else X-Forwarded-For ({@code forwardedFor}, its
   * header lines in order, read as one list) walked from the right, skipping trusted addresses: the
   * first untrusted one is the client, and if every one is trusted, the leftmost. An entry that is
   * not an IP address (with an optional port) ends the walk: the last address read is the client,
   * or, if the rightmost entry is already unreadable, the peer (null).
   */
  public String clientBehind(InetAddress peer, List<String> forwardedFor) {
    if (forwardedFor.isEmpty() || !trusts(peer)) {
      return null;
    }
    InetAddress client = null;
    for (int line = forwardedFor.size() - 1; line >= 0; line--) {
      String value = forwardedFor.get(line);
      int end = value.length();
      while (end > 0) {
        int start = value.lastIndexOf(',', end - 1) + 1;
        String entry = value.substring(start, end).strip();
        end = start - 1;
        if (entry.isEmpty()) {
          continue;
        }
        InetAddress address = address(entry);
        if (address == null) {
          return client == null ? null : client.getHostAddress();
        }
        client = address;
        if (!trusts(address)) {
          return address.getHostAddress();
        }
      }
    }
    return client == null ? null : client.getHostAddress();
  }

  /** An X-Forwarded-For entry's address: an IP literal, maybe with a port; null otherwise. */
  private static InetAddress address(String entry) {
    String literal = entry;
    if (literal.startsWith("[")) {
      int close = literal.indexOf(']');
      if (close < 0) {
        return null;
      }
      literal = literal.substring(1, close);
    } else if (literal.indexOf(':') == literal.lastIndexOf(':') && literal.indexOf(':') > 0) {
      literal = literal.substring(0, literal.indexOf(':')); // IPv4 with a port
    }
    // Only literals: nothing a client sends may make Weir resolve a name.
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(literal);
    if (bytes == null) {
      return null;
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException impossible) {
      return null;
    }
  }

  @Override
  public String toString() {
    return String.join(",", cidrs);
  }
}
