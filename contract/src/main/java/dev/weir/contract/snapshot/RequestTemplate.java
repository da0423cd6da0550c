package dev.weir.contract.snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A string with nginx variables ({@code $host}, {@code ${request_uri}}, {@code $http_x_name},
 * {@code $cookie_name}, {@code $arg_name}), as ingress-nginx's {@code auth-url}, {@code
 * auth-signin} and {@code auth-cache-key} hold them: literal text and the variables Weir can
 * evaluate for a request. Anything else that looks like a variable is a {@link #problem}, since
 * nginx would refuse the configuration.
 */
public final class RequestTemplate {
  /** The variables evaluated by name; {@code http_*}, {@code cookie_*} and {@code arg_*} too. */
  public static final Set<String> VARIABLES =
      Set.of(
          "host",
          "http_host",
          "best_http_host",
          "server_name",
          "scheme",
          "pass_access_scheme",
          "request_uri",
          "escaped_request_uri",
          "uri",
          "args",
          "query_string",
          "request_method",
          "remote_addr",
          "server_port",
          "pass_server_port");

  private static final List<String> PREFIXES = List.of("http_", "cookie_", "arg_");
  private static final Pattern VARIABLE =
      Pattern.compile("\\$(?:\\{([A-Za-z0-9_]+)}|([A-Za-z0-9_]+))");

  /**
   * One piece: literal text, or a variable's name (lower case).
   *
   * @param literal the text, or null for a variable
   * @param variable the variable's name, or null for text
   */
  public record Part(String literal, String variable) {}

  private final String source;
  private final List<Part> parts;

  private RequestTemplate(String source, List<Part> parts) {
    this.source = source;
    this.parts = parts;
  }

  /**
   * @throws IllegalArgumentException naming the first variable Weir cannot evaluate
   */
  public static RequestTemplate parse(String source) {
    String problem = problem(source);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    List<Part> parts = new ArrayList<>();
    Matcher m = VARIABLE.matcher(source);
    int at = 0;
    while (m.find()) {
      if (m.start() > at) {
        parts.add(new Part(source.substring(at, m.start()), null));
      }
      String name = m.group(1) != null ? m.group(1) : m.group(2);
      parts.add(new Part(null, name.toLowerCase(Locale.ROOT)));
      at = m.end();
    }
    if (at < source.length()) {
      parts.add(new Part(source.substring(at), null));
    }
    return new RequestTemplate(source, List.copyOf(parts));
  }

  /** Why Weir cannot evaluate {@code source}, or null if it can. */
  public static String problem(String source) {
    Matcher m = VARIABLE.matcher(source);
    int at = 0;
    while (m.find()) {
      if (source.substring(at, m.start()).indexOf('$') >= 0) {
        return "has a '$' that starts no variable";
      }
      String name = (m.group(1) != null ? m.group(1) : m.group(2)).toLowerCase(Locale.ROOT);
      if (!known(name)) {
        return "uses the nginx variable $" + name + ", which Weir does not evaluate";
      }
      at = m.end();
    }
    if (source.substring(at).indexOf('$') >= 0) {
      return "has a '$' that starts no variable";
    }
    return null;
  }

  private static boolean known(String name) {
    if (VARIABLES.contains(name)) {
      return true;
    }
    for (String prefix : PREFIXES) {
      if (name.startsWith(prefix) && name.length() > prefix.length()) {
        return true;
      }
    }
    return false;
  }

  /** Whether it holds no variable: its value is the same for every request. */
  public boolean isConstant() {
    return parts.stream().allMatch(p -> p.literal() != null);
  }

  public List<Part> parts() {
    return parts;
  }

  @Override
  public String toString() {
    return source;
  }
}
