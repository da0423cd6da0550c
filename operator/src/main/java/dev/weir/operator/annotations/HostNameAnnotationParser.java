package dev.weir.operator.annotations;

import dev.weir.contract.host.HostName;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Reads {@code server-alias} and {@code from-to-www-redirect}.
 *
 * <p>{@code server-alias} as ingress-nginx's alias parser: split at commas, each name trimmed,
 * empty ones skipped, repeats dropped, sorted. nginx's {@code server_name} also takes regular
 * expressions ({@code ~^www\d+\.}) and the {@code .example.com} and {@code example.*} forms; Weir
 * matches hosts exactly or by a leading {@code *.} only, so such names (and anything else that is
 * no host name) are reported and left out, the others kept.
 */
final class HostNameAnnotationParser {
  static final List<String> SUPPORTED = List.of("server-alias", "from-to-www-redirect");

  private final AnnotationReader reader;

  HostNameAnnotationParser(AnnotationReader reader) {
    this.reader = reader;
  }

  HostNameAnnotations parse() {
    return new HostNameAnnotations(aliases(), reader.bool("from-to-www-redirect").orElse(false));
  }

  private List<String> aliases() {
    String value = reader.string("server-alias").orElse("");
    TreeSet<String> names = new TreeSet<>();
    List<String> refused = new ArrayList<>();
    for (String part : value.split(",")) {
      String name = part.trim();
      if (name.isEmpty()) {
        continue;
      }
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.equals(HostName.ANY) || HostName.problem(lower) != null || lower.endsWith(".")) {
        refused.add(name);
      } else {
        names.add(lower);
      }
    }
    if (!refused.isEmpty()) {
      reader.reject(
          "server-alias",
          "names "
              + String.join(", ", refused)
              + ", which Weir cannot match (an exact host name or a leading '*.' wildcard, no"
              + " regular expression), so they are left out");
    }
    return List.copyOf(names);
  }
}
