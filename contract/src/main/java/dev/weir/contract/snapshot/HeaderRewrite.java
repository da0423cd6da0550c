package dev.weir.contract.snapshot;

import java.util.Objects;

/**
 * One of nginx's {@code proxy_redirect}, {@code proxy_cookie_domain} or {@code proxy_cookie_path}
 * rewrites of a response header's value (schema version 5).
 *
 * @param from a literal prefix (redirects, cookie paths: case-sensitive) or a whole domain (cookie
 *     domains: case-insensitive, a leading dot kept aside); starting with {@code ~}, a regular
 *     expression searched anywhere, whose match replaces the whole value (case-insensitive for
 *     cookie domains), as nginx's {@code ~} forms
 * @param to what replaces the matched prefix (or the whole value for a regular expression)
 */
public record HeaderRewrite(String from, String to) {
  public HeaderRewrite {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
  }

  /** Whether {@link #from} is a regular expression (nginx's {@code ~} form). */
  public boolean regex() {
    return from.startsWith("~");
  }
}
