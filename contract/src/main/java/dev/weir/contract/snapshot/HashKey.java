package dev.weir.contract.snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The key of a consistent-hash backend, parsed from ingress-nginx's {@code upstream-hash-by}
 * syntax: text with nginx variables ({@code $request_uri}, {@code ${remote_addr}}, {@code
 * $http_x_user}, {@code $cookie_session}, {@code $arg_id}...). The data plane builds the key of a
 * request by concatenating the parts; a missing header, cookie or argument contributes nothing, as
 * an empty nginx variable does.
 */
public record HashKey(List<Part> parts) {
  /** One piece of the key. */
  public sealed interface Part permits Text, Variable {}

  /** Literal text between variables. */
  public record Text(String text) implements Part {}

  /**
   * A variable; {@code name} is the header (lower case, {@code _} read as {@code -}), cookie or
   * query argument name for those kinds, empty for the others.
   */
  public record Variable(Source source, String name) implements Part {}

  /** What a variable reads from the request. */
  public enum Source {
    /** {@code $request_uri}: the path and query as the client sent them. */
    REQUEST_URI,
    /** {@code $uri}: the path without the query. */
    URI,
    /** {@code $args} or {@code $query_string}: the query without {@code ?}. */
    ARGS,
    /** {@code $remote_addr}: the client's address. */
    REMOTE_ADDR,
    /** {@code $host}: the request's host, lower case, without port. */
    HOST,
    /** {@code $scheme}: http or https. */
    SCHEME,
    /** {@code $request_method}. */
    REQUEST_METHOD,
    /** {@code $http_NAME}: a request header. */
    HEADER,
    /** {@code $cookie_NAME}: a cookie of the request. */
    COOKIE,
    /** {@code $arg_NAME}: a query argument. */
    ARG
  }

  public HashKey {
    parts = List.copyOf(parts);
  }

  /**
   * Parses {@code expression}.
   *
   * @throws IllegalArgumentException naming the first unsupported variable or syntax error
   */
  public static HashKey parse(String expression) {
    if (expression == null || expression.isBlank()) {
      throw new IllegalArgumentException("is empty");
    }
    List<Part> parts = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    int i = 0;
    while (i < expression.length()) {
      char c = expression.charAt(i);
      if (c != '$') {
        text.append(c);
        i++;
        continue;
      }
      String name;
      if (i + 1 < expression.length() && expression.charAt(i + 1) == '{') {
        int close = expression.indexOf('}', i + 2);
        if (close < 0) {
          throw new IllegalArgumentException("'${' without '}'");
        }
        name = expression.substring(i + 2, close);
        i = close + 1;
      } else {
        int end = i + 1;
        while (end < expression.length() && isNameChar(expression.charAt(end))) {
          end++;
        }
        name = expression.substring(i + 1, end);
        i = end;
      }
      if (!text.isEmpty()) {
        parts.add(new Text(text.toString()));
        text.setLength(0);
      }
      parts.add(variable(name));
    }
    if (!text.isEmpty()) {
      parts.add(new Text(text.toString()));
    }
    if (parts.stream().noneMatch(Variable.class::isInstance)) {
      throw new IllegalArgumentException("has no variable: every request would hash the same");
    }
    return new HashKey(parts);
  }

  private static Variable variable(String name) {
    if (name.isEmpty() || !name.chars().allMatch(c -> isNameChar((char) c))) {
      throw new IllegalArgumentException("'$" + name + "' is not a variable name");
    }
    String lower = name.toLowerCase(Locale.ROOT);
    return switch (lower) {
      case "request_uri" -> new Variable(Source.REQUEST_URI, "");
      case "uri", "document_uri" -> new Variable(Source.URI, "");
      case "args", "query_string" -> new Variable(Source.ARGS, "");
      case "remote_addr", "binary_remote_addr" -> new Variable(Source.REMOTE_ADDR, "");
      case "host" -> new Variable(Source.HOST, "");
      case "scheme" -> new Variable(Source.SCHEME, "");
      case "request_method" -> new Variable(Source.REQUEST_METHOD, "");
      default -> prefixed(name, lower);
    };
  }

  private static Variable prefixed(String name, String lower) {
    if (lower.startsWith("http_") && lower.length() > 5) {
      return new Variable(Source.HEADER, lower.substring(5).replace('_', '-'));
    }
    if (lower.startsWith("cookie_") && name.length() > 7) {
      return new Variable(Source.COOKIE, name.substring(7));
    }
    if (lower.startsWith("arg_") && name.length() > 4) {
      return new Variable(Source.ARG, name.substring(4));
    }
    throw new IllegalArgumentException("'$" + name + "' is not a variable Weir can hash on");
  }

  private static boolean isNameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }
}
