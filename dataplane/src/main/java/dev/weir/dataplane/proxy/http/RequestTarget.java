package dev.weir.dataplane.proxy.http;

import io.netty.handler.codec.http.HttpMethod;

/**
 * A request-target (RFC 9112 §3.2) checked and reduced to what routing and the upstream request
 * need.
 *
 * @param path the path without query, used for routing
 * @param originForm what is sent upstream: path and query
 * @param authority the authority of an absolute-form target (it replaces Host), else null
 */
public record RequestTarget(String path, String originForm, String authority) {

  /** Why a target is refused. */
  static final class InvalidTargetException extends Exception {
    InvalidTargetException(String reason) {
      super(reason, null, false, false);
    }
  }

  static RequestTarget parse(HttpMethod method, String uri) throws InvalidTargetException {
    if (uri.isEmpty()) {
      throw new InvalidTargetException("empty request-target");
    }
    if (uri.equals("*")) {
      if (!HttpMethod.OPTIONS.equals(method)) {
        throw new InvalidTargetException("asterisk-form is only for OPTIONS");
      }
      // A server-wide OPTIONS goes to whatever serves the host's root.
      return new RequestTarget("/", "*", null);
    }
    String authority = null;
    String origin = uri;
    if (uri.charAt(0) != '/') {
      int schemeEnd = uri.indexOf("://");
      String scheme = schemeEnd > 0 ? uri.substring(0, schemeEnd) : "";
      if (!scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")) {
        throw new InvalidTargetException("request-target is neither origin-form nor absolute-form");
      }
      int authorityStart = schemeEnd + 3;
      int pathStart = authorityStart;
      while (pathStart < uri.length()
          && uri.charAt(pathStart) != '/'
          && uri.charAt(pathStart) != '?') {
        pathStart++;
      }
      authority = uri.substring(authorityStart, pathStart);
      if (!HostHeader.isValidAuthority(authority) || authority.indexOf('@') >= 0) {
        throw new InvalidTargetException("invalid authority in absolute-form");
      }
      origin = pathStart == uri.length() ? "/" : uri.substring(pathStart);
      if (origin.charAt(0) == '?') {
        origin = "/" + origin;
      }
    }
    int query = origin.indexOf('?');
    String path = query < 0 ? origin : origin.substring(0, query);
    checkCharacters(origin);
    checkNoDotSegments(path);
    return new RequestTarget(path, origin, authority);
  }

  private static void checkCharacters(String target) throws InvalidTargetException {
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      // Only visible ASCII; '#' never belongs in a request-target (fragments stay on the client).
      if (c <= 0x20 || c >= 0x7f || c == '#') {
        throw new InvalidTargetException("invalid character in request-target");
      }
    }
  }

  /**
   * Refuses "." and ".." segments, also percent-encoded: Weir would route them one way and a
   * backend that normalises would serve another path.
   */
  private static void checkNoDotSegments(String path) throws InvalidTargetException {
    int start = 1;
    while (start <= path.length()) {
      int end = path.indexOf('/', start);
      if (end < 0) {
        end = path.length();
      }
      String segment = path.substring(start, end);
      if (isDotSegment(segment)) {
        throw new InvalidTargetException("dot-segment in path");
      }
      start = end + 1;
    }
  }

  private static boolean isDotSegment(String segment) {
    String s = segment.replace("%2e", ".").replace("%2E", ".");
    return s.equals(".") || s.equals("..");
  }
}
