package dev.weir.operator.audit;

import dev.weir.operator.annotations.AnnotationCatalog;
import dev.weir.operator.annotations.AnnotationCatalog.Entry;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the nginx directives people put in snippet annotations, never to run them, and says for the
 * common shapes which Weir annotation gives the same result: response headers ({@code
 * more_set_headers}, {@code add_header}), the upstream Host ({@code proxy_set_header Host}), fixed
 * redirects ({@code return 301 URL}, {@code rewrite ^ URL permanent}) and simple rewrites.
 */
final class SnippetAdvisor {
  /**
   * One directive of a snippet.
   *
   * @param directive the statement as written, without its {@code ;}
   * @param weirEquivalent the annotation that does the same, or null when there is none
   */
  record Advice(String directive, String weirEquivalent) {
    Advice {
      Objects.requireNonNull(directive, "directive");
    }
  }

  private static final Set<String> PERMANENT = Set.of("301", "308");
  private static final Set<String> TEMPORARY = Set.of("302", "303", "307");

  private SnippetAdvisor() {}

  /** Advice for each statement of {@code snippet}, in order. */
  static List<Advice> advise(String snippet) {
    List<Advice> out = new ArrayList<>();
    for (List<String> statement : statements(snippet)) {
      String written = String.join(" ", statement);
      out.add(new Advice(written, equivalent(statement).orElse(null)));
    }
    return out;
  }

  private static Optional<String> equivalent(List<String> words) {
    String name = words.get(0);
    List<String> args = words.subList(1, words.size());
    switch (name) {
      case "more_set_headers":
        if (!args.isEmpty() && args.stream().noneMatch(a -> a.startsWith("-"))) {
          return Optional.of(
              withStatus(
                  "custom-headers",
                  "(a ConfigMap with "
                      + String.join(", ", args.stream().map(h -> h.trim()).toList())
                      + ")"));
        }
        return Optional.empty();
      case "add_header":
        if (args.size() == 2 || (args.size() == 3 && args.get(2).equals("always"))) {
          return Optional.of(
              withStatus(
                  "custom-headers", "(a ConfigMap with " + args.get(0) + ": " + args.get(1) + ")"));
        }
        return Optional.empty();
      case "proxy_set_header":
        // upstream-vhost takes a literal name: a Host made of nginx variables has no equivalent.
        if (args.size() == 2
            && args.get(0).equalsIgnoreCase("Host")
            && !args.get(1).contains("$")) {
          return Optional.of(withStatus("upstream-vhost", "\"" + args.get(1) + "\""));
        }
        return Optional.empty();
      case "return":
        return redirect(
            args, args.size() == 2 ? args.get(0) : "", args.size() == 2 ? args.get(1) : "");
      case "rewrite":
        return rewrite(args);
      default:
        return Optional.empty();
    }
  }

  private static Optional<String> redirect(List<String> args, String code, String url) {
    if (args.size() != 2 || !(url.startsWith("http://") || url.startsWith("https://"))) {
      return Optional.empty();
    }
    if (PERMANENT.contains(code)) {
      return Optional.of(
          withStatus("permanent-redirect", "\"" + url + "\"")
              + (code.equals("301") ? "" : " with permanent-redirect-code: \"" + code + "\""));
    }
    if (TEMPORARY.contains(code)) {
      return Optional.of(
          withStatus("temporal-redirect", "\"" + url + "\"")
              + (code.equals("302") ? "" : " with temporal-redirect-code: \"" + code + "\""));
    }
    return Optional.empty();
  }

  private static Optional<String> rewrite(List<String> args) {
    if (args.size() != 3) {
      return Optional.empty();
    }
    String regex = args.get(0);
    String target = args.get(1);
    String flag = args.get(2);
    boolean everything = regex.equals("^") || regex.equals("^(.*)$") || regex.equals("^/(.*)$");
    boolean url = target.startsWith("http://") || target.startsWith("https://");
    if (everything && url && !target.contains("$")) {
      String base = target.endsWith("?") ? target.substring(0, target.length() - 1) : target;
      if (flag.equals("permanent")) {
        return Optional.of(
            withStatus("permanent-redirect", "\"" + base + "\"") + queryNote(target));
      }
      if (flag.equals("redirect")) {
        return Optional.of(withStatus("temporal-redirect", "\"" + base + "\"") + queryNote(target));
      }
    }
    if (!url && target.startsWith("/") && (flag.equals("break") || flag.equals("last"))) {
      return Optional.of(
          withStatus("rewrite-target", "\"" + target + "\"")
              + " on a path written as the regex "
              + regex.replaceFirst("^\\^", "")
              + " (use-regex)");
    }
    return Optional.empty();
  }

  private static String queryNote(String target) {
    return target.endsWith("?")
        ? ""
        : " (nginx appended the request's query, the redirect annotations do not)";
  }

  // The annotation's suggestion, saying when this Weir does not implement it yet.
  private static String withStatus(String suffix, String value) {
    String status =
        AnnotationCatalog.of(suffix)
            .map(Entry::status)
            .filter(s -> !s.applied())
            .map(s -> " [" + s.label() + " in this Weir version]")
            .orElse("");
    return "nginx.ingress.kubernetes.io/" + suffix + ": " + value + status;
  }

  /** The snippet's statements as words (quotes removed), split at {@code ;} outside quotes. */
  static List<List<String>> statements(String snippet) {
    List<List<String>> statements = new ArrayList<>();
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    char quote = 0;
    for (int i = 0; i < snippet.length(); i++) {
      char c = snippet.charAt(i);
      if (quote != 0) {
        if (c == '\\' && i + 1 < snippet.length()) {
          word.append(snippet.charAt(++i));
        } else if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
        continue;
      }
      if (c == '"' || c == '\'') {
        quote = c;
        if (word == null) {
          word = new StringBuilder();
        }
      } else if (c == '#') {
        while (i + 1 < snippet.length() && snippet.charAt(i + 1) != '\n') {
          i++;
        }
      } else if (Character.isWhitespace(c) || c == ';' || c == '{' || c == '}') {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && !words.isEmpty()) {
          if (c != ';') {
            words.add(String.valueOf(c));
          }
          statements.add(List.copyOf(words));
          words.clear();
        }
      } else {
        if (word == null) {
          word = new StringBuilder();
        }
        word.append(c);
      }
    }
    if (word != null) {
      words.add(word.toString());
    }
    if (!words.isEmpty()) {
      statements.add(List.copyOf(words));
    }
    return statements;
  }
}
