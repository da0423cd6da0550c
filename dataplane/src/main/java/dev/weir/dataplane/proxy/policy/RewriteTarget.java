package dev.weir.dataplane.proxy.policy;

import dev.weir.contract.snapshot.PathRegex;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;

/**
 * ingress-nginx's {@code rewrite-target} (its template's {@code rewrite "(?i)PATH" TARGET break;}):
 * when the route's path, as a case-insensitive regex, matches at the start of the request path, the
 * whole path is replaced by the target with {@code $0}...{@code $9} substituted by the match and
 * its groups (a group that took no part is empty), and the query is kept. A target that is an
 * absolute URL makes nginx answer a 302 to it instead (query appended). With {@code
 * x-forwarded-prefix} the rewritten request carries {@code X-Forwarded-Prefix}.
 */
public final class RewriteTarget implements RequestPolicy {
  private static final AsciiString X_FORWARDED_PREFIX = AsciiString.cached("x-forwarded-prefix");

  private final PathRegex path;
  private final String target;
  private final boolean redirect;
  private final String forwardedPrefix;

  /**
   * @param path the route's path, as a regex whatever the host's matching
   * @param forwardedPrefix null: no header
   */
  public RewriteTarget(String path, String target, boolean redirect, String forwardedPrefix) {
    this.path = PathRegex.compile(path);
    this.target = target;
    this.redirect = redirect;
    this.forwardedPrefix = forwardedPrefix;
  }

  @Override
  public LocalResponse apply(ProxiedRequest request) {
    String[] captures = path.captures(request.path());
    if (captures == null) {
      return null;
    }
    String fullTarget = request.target();
    int query = fullTarget.indexOf('?');
    String rewritten = substitute(target, captures);
    if (query >= 0 && query + 1 < fullTarget.length()) {
      rewritten += "?" + fullTarget.substring(query + 1);
    }
    if (redirect) {
      return LocalResponse.redirect(HttpResponseStatus.FOUND, rewritten);
    }
    // nginx: a rewrite to an empty path sends "/".
    request.upstreamTarget(
        rewritten.isEmpty() || rewritten.charAt(0) == '?' ? "/" + rewritten : rewritten);
    if (forwardedPrefix != null) {
      request.headers().set(X_FORWARDED_PREFIX, forwardedPrefix);
    }
    return null;
  }

  static String substitute(String target, String[] captures) {
    if (target.indexOf('$') < 0) {
      return target;
    }
    StringBuilder out = new StringBuilder(target.length() + 32);
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c == '$' && i + 1 < target.length() && Character.isDigit(target.charAt(i + 1))) {
        int group = target.charAt(++i) - '0';
        if (group < captures.length && captures[group] != null) {
          out.append(captures[group]);
        }
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return "RewriteTarget[" + path + " -> " + target + "]";
  }
}
