package dev.weir.contract.host;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Host names as every part of Weir compares them: virtual host names, request hosts, TLS server
 * names and certificate DNS names.
 *
 * <ul>
 *   <li>A name is compared lower case and without a trailing dot (RFC 6066 3 for server names;
 *       {@code foo.com.} and {@code foo.com} are one host).
 *   <li>{@code *.foo.com} is a wildcard: it covers exactly one more label ({@code bar.foo.com}, not
 *       {@code foo.com} nor {@code a.bar.foo.com}).
 *   <li>{@code *} alone stands for every host (a rule without host).
 * </ul>
 *
 * Static functions on strings rather than a value type: routing and SNI look a name up per request
 * and per handshake, and a wrapper per lookup would be an allocation for nothing.
 */
public final class HostName {
  /** The name of the host-less rule, which serves every host nothing else claims. */
  public static final String ANY = "*";

  private static final String WILDCARD_PREFIX = "*.";

  // RFC 1123 labels, lower case; names are lower-cased before this check.
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private HostName() {}

  /**
   * {@code name} lower case, without one trailing dot. Returns {@code name} itself when it is
   * already so, allocating nothing.
   */
  public static String normalise(String name) {
    return normalise(name, name.length());
  }

  /**
   * The host of an HTTP {@code Host} header or {@code :authority}, normalised: without the port; an
   * IPv6 literal keeps its brackets. Null for null.
   */
  public static String ofAuthority(String authority) {
    if (authority == null) {
      return null;
    }
    int end = authority.length();
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      end = close < 0 ? end : close + 1;
    } else {
      int colon = authority.lastIndexOf(':');
      if (colon >= 0) {
        end = colon;
      }
    }
    return normalise(authority, end);
  }

  // One substring for the port and the dot together, so a request host costs at most one copy plus
  // the lower-casing (none when it is already lower case).
  private static String normalise(String name, int end) {
    if (end > 0 && name.charAt(end - 1) == '.') {
      end--;
    }
    return name.substring(0, end).toLowerCase(Locale.ROOT);
  }

  /** Whether {@code name} is a wildcard pattern ({@code *.foo.com}). */
  public static boolean isWildcard(String name) {
    return name.startsWith(WILDCARD_PREFIX);
  }

  /**
   * The domain whose children the wildcard {@code pattern} covers: {@code foo.com} for {@code
   * *.foo.com}.
   */
  static String wildcardDomain(String pattern) {
    return pattern.substring(WILDCARD_PREFIX.length());
  }

  /**
   * The domain a wildcard would have to cover to match {@code name} ({@code foo.com} for {@code
   * bar.foo.com}: the pattern {@code *.foo.com}), or null when {@code name} has no parent.
   *
   * @param name a normalised name
   */
  public static String wildcardParent(String name) {
    int dot = name.indexOf('.');
    return dot > 0 && dot < name.length() - 1 ? name.substring(dot + 1) : null;
  }

  /**
   * Why {@code host} is not a valid virtual host name, or null when it is: {@code *}, or a DNS name
   * of RFC 1123 labels in any case, optionally behind a leading {@code *.}, at most 253 characters
   * without it. IPv4 literals are DNS names by this rule; punycode ({@code xn--}) labels are valid,
   * Unicode ones not.
   */
  public static String problem(String host) {
    if (host == null || host.isBlank()) {
      return "is required";
    }
    if (host.equals(ANY)) {
      return null;
    }
    // Lower case only, not normalised: a snapshot writes names without a trailing dot.
    String name = host.toLowerCase(Locale.ROOT);
    if (isWildcard(name)) {
      name = wildcardDomain(name);
    }
    if (name.length() > 253) {
      return "'" + host + "' is longer than 253 characters";
    }
    for (String label : name.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        return "'" + host + "' is not a DNS name (a wildcard may only be a leading '*.')";
      }
    }
    return null;
  }
}
