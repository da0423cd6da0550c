package dev.weir.contract.snapshot;

/**
 * The Strict-Transport-Security header a host's HTTPS responses carry (set by Weir, replacing one
 * from the backend). Absent on a host: none.
 *
 * @param maxAgeSeconds {@code max-age}; 0 tells browsers to forget the host's HSTS
 * @param includeSubDomains adds {@code includeSubDomains}
 * @param preload adds {@code preload}
 */
public record Hsts(long maxAgeSeconds, boolean includeSubDomains, boolean preload) {
  /** ingress-nginx's defaults: one year, subdomains included, no preload. */
  public static final Hsts DEFAULT = new Hsts(31_536_000, true, false);

  /** The header's value. */
  public String headerValue() {
    return "max-age="
        + maxAgeSeconds
        + (includeSubDomains ? "; includeSubDomains" : "")
        + (preload ? "; preload" : "");
  }
}
