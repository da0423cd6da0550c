package dev.weir.contract.snapshot;

/**
 * How a route changes a request's path before it is proxied (ingress-nginx's {@code
 * rewrite-target}, {@code x-forwarded-prefix} and {@code app-root}); schema version 4.
 *
 * @param target the new path: {@code $0} to {@code $9} stand for the match of the route's regex
 *     path at the start of the request path and its groups; the query is kept. A target starting
 *     with {@code http://} or {@code https://} is a 302 redirect to it. Null: the path is kept
 * @param forwardedPrefix sent upstream as {@code X-Forwarded-Prefix} when the path is rewritten;
 *     null: not sent
 * @param appRoot a request for {@code /} gets a 302 to this path on the same scheme and host; null:
 *     none
 */
public record Rewrite(String target, String forwardedPrefix, String appRoot) {

  /** Whether {@link #target} is an absolute URL, which nginx answers with a redirect. */
  public boolean redirects() {
    return target != null && (target.startsWith("http://") || target.startsWith("https://"));
  }
}
