package dev.weir.contract.tls;

import java.util.Locale;

/** How a TLS server name is compared: ASCII lower case, without a trailing dot (RFC 6066 3). */
public final class SniNames {
  private SniNames() {}

  public static String normalise(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
  }

  /**
   * The parent domain a single-label wildcard would have to name to cover {@code name} ({@code
   * foo.com} for {@code bar.foo.com}), or null when {@code name} has no parent.
   */
  public static String wildcardParent(String name) {
    int dot = name.indexOf('.');
    return dot > 0 && dot < name.length() - 1 ? name.substring(dot + 1) : null;
  }
}
