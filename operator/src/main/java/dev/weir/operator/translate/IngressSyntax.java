package dev.weir.operator.translate;

import dev.weir.contract.host.HostName;
import dev.weir.contract.snapshot.PathRegex;
import dev.weir.contract.snapshot.PathType;
import dev.weir.contract.snapshot.VirtualHost;
import dev.weir.operator.state.ObjectRef;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Host, path and TLS rules of an Ingress, checked and put in the snapshot's canonical form: one
 * definition for both translators.
 */
final class IngressSyntax {
  /**
   * The "host" of the certificate served when no host's certificate applies: what a TLS entry
   * without hosts gives (the spec's "wildcard host setting of the load balancer").
   */
  static final String DEFAULT_CERTIFICATE = "";

  // RFC 3986 path characters; anything else (spaces, '|', '{', regex syntax) cannot be a literal
  // path.
  private static final Pattern PATH =
      Pattern.compile("/(?:[A-Za-z0-9\\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*");
  private static final Pattern REGEX_PATH =
      Pattern.compile("/[-._~a-zA-Z0-9/:\\^$\\[\\](){}*+?|&=\\\\]*");
  private static final Pattern IPV4 = Pattern.compile("[0-9]+(\\.[0-9]+){3}");

  // Characters only a regular expression has reason to carry (the literal path characters '(',
  // ')', '+' and '$' are rare in URLs but common in ingress-nginx regex paths), and ".+", the one
  // use of '+' that is a regex rather than a literal plus.
  private static final Pattern REGEX_LIKE = Pattern.compile("[\\^$()\\[\\]{}|\\\\*?]|\\.\\+");

  private IngressSyntax() {}

  /**
   * The Secret a TLS entry names, if the Ingress may use it. Null for an entry naming none (TLS by
   * SNI alone, with the default certificate) and for a Secret of another namespace, which is
   * refused with a diagnostic added to {@code diagnostics}.
   */
  static String tlsSecret(IngressTLS entry, ObjectRef ref, Collection<Diagnostic> diagnostics) {
    if (entry == null || entry.getSecretName() == null || entry.getSecretName().isEmpty()) {
      return null;
    }
    if (entry.getSecretName().contains("/")) {
      diagnostics.add(Diagnostic.crossNamespaceSecret(ref, entry.getSecretName()));
      return null;
    }
    return entry.getSecretName();
  }

  /**
   * The hosts a TLS entry covers, lower case; {@link #DEFAULT_CERTIFICATE} alone if it has none.
   */
  static List<String> tlsHosts(IngressTLS entry) {
    return entry.getHosts() == null || entry.getHosts().isEmpty()
        ? List.of(DEFAULT_CERTIFICATE)
        : entry.getHosts().stream()
            .filter(Objects::nonNull)
            .map(h -> h.toLowerCase(Locale.ROOT))
            .toList();
  }

  /** A rule's host as a virtual host name: lower case, {@code *} for none; null when invalid. */
  static String host(String host) {
    if (host == null || host.isEmpty()) {
      return VirtualHost.ANY_HOST;
    }
    String name = host.toLowerCase(Locale.ROOT);
    if (name.equals(VirtualHost.ANY_HOST)
        || IPV4.matcher(name).matches()
        || HostName.problem(name) != null) {
      return null;
    }
    return name;
  }

  /**
   * The route type for an Ingress {@code pathType}. ImplementationSpecific (and an absent type,
   * which manifests written for old API versions have) is Prefix: it is what users of other
   * controllers most often mean by it, and Weir has no other matching to offer. Null for an unknown
   * type.
   */
  static PathType pathType(String pathType) {
    if (pathType == null
        || pathType.equals("ImplementationSpecific")
        || pathType.equals("Prefix")) {
      return PathType.PREFIX;
    }
    if (pathType.equals("Exact")) {
      return PathType.EXACT;
    }
    return null;
  }

  /**
   * Whether a path as written looks like a regular expression (ingress-nginx's {@code use-regex}
   * paths, such as {@code /api/.*} or {@code /v1/(.+)}): it holds one of {@code ^ $ ( ) [ ] { } | \
   * * ?} or the sequence {@code .+}.
   */
  static boolean looksLikeRegex(String path) {
    return path != null && REGEX_LIKE.matcher(path).find();
  }

  /**
   * Whether a {@code pathType} as written is ImplementationSpecific (or absent, which means it).
   */
  static boolean isImplementationSpecific(String rawPathType) {
    return rawPathType == null || rawPathType.equals("ImplementationSpecific");
  }

  /**
   * Why {@code path} cannot be a regex path, or null: it must start with '/', hold only the
   * characters ingress-nginx's validator allows in one ({@code parser.IsValidRegex}) and compile in
   * RE2 ({@link PathRegex}).
   */
  static String regexPathProblem(String path) {
    if (!REGEX_PATH.matcher(path).matches()) {
      return "must start with '/' and hold only letters, digits and -._~/:^$[](){}*+?|&=\\";
    }
    return PathRegex.problem(path);
  }

  /**
   * The path in canonical form, or null when it is not a valid literal path. Prefix paths lose
   * trailing slashes ({@code /foo/} and {@code /foo} are one Prefix rule in the Ingress
   * specification, so they must conflict). Dot segments, empty segments and encoded slashes are
   * refused as Kubernetes' own validation does: they mean different paths to different servers.
   */
  static String path(String path, String rawPathType, PathType type) {
    if (path == null || path.isEmpty()) {
      boolean implementationSpecific =
          rawPathType == null || rawPathType.equals("ImplementationSpecific");
      return implementationSpecific ? "/" : null;
    }
    if (!PATH.matcher(path).matches()
        || path.contains("//")
        || path.contains("/./")
        || path.contains("/../")
        || path.endsWith("/.")
        || path.endsWith("/..")
        || path.toLowerCase(Locale.ROOT).contains("%2f")) {
      return null;
    }
    if (type == PathType.PREFIX) {
      int end = path.length();
      while (end > 1 && path.charAt(end - 1) == '/') {
        end--;
      }
      return path.substring(0, end);
    }
    return path;
  }
}
