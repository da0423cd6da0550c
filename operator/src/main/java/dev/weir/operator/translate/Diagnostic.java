package dev.weir.operator.translate;

import dev.weir.contract.snapshot.PathType;
import dev.weir.contract.snapshot.UpstreamProtocol;
import dev.weir.operator.state.ObjectRef;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A problem found in one object while translating: what a user needs to fix. Messages name the
 * objects and fields involved, never secret material.
 *
 * <p>The messages about an Ingress's own rules and about Ingresses competing for a host are made
 * here and only here, so every translator words them alike.
 */
public record Diagnostic(ObjectRef object, Reason reason, String message)
    implements Comparable<Diagnostic> {
  private static final int MAX_LISTED_PATHS = 5;
  private static final Comparator<Diagnostic> ORDER =
      Comparator.comparing(Diagnostic::object)
          .thenComparing(Diagnostic::reason)
          .thenComparing(Diagnostic::message);

  public Diagnostic {
    Objects.requireNonNull(object, "object");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
  }

  /** {@code spec.defaultBackend} names neither a Service port nor a resource. */
  static Diagnostic unsupportedDefaultBackend(ObjectRef ingress) {
    return new Diagnostic(
        ingress,
        Reason.UNSUPPORTED_BACKEND,
        "spec.defaultBackend names neither a Service port nor a resource");
  }

  /** A path's backend names neither a Service port nor a resource. */
  static Diagnostic unsupportedPathBackend(ObjectRef ingress, String host, String path) {
    return format(
        ingress,
        Reason.UNSUPPORTED_BACKEND,
        "host %s path %s: the backend names neither a Service port nor a resource; ignored",
        host,
        path);
  }

  /** A rule's host, as written, is not a valid host name. */
  static Diagnostic invalidHost(ObjectRef ingress, String rawHost) {
    return format(
        ingress,
        Reason.INVALID_HOST,
        "host '%s' is not a DNS name or a '*.' wildcard of one; its rule is ignored",
        rawHost);
  }

  /** A path's {@code pathType}, as written, is none the specification defines. */
  static Diagnostic invalidPathType(ObjectRef ingress, String host, String rawPathType) {
    return format(
        ingress,
        Reason.INVALID_PATH,
        "host %s: pathType '%s' is not Exact, Prefix or ImplementationSpecific",
        host,
        rawPathType);
  }

  /** A path, as written, is not a literal absolute path Weir can match. */
  static Diagnostic invalidPath(ObjectRef ingress, String host, String rawPath) {
    return format(
        ingress,
        Reason.INVALID_PATH,
        "host %s: path '%s' is not a valid absolute path (no regular expressions, empty or dot"
            + " segments, or encoded slashes); ignored",
        host,
        rawPath);
  }

  /** A regex path (use-regex or rewrite-target), as written, that Weir cannot match. */
  static Diagnostic invalidRegexPath(ObjectRef ingress, String host, String rawPath, String why) {
    return format(
        ingress, Reason.INVALID_PATH, "host %s: regex path '%s' %s; ignored", host, rawPath, why);
  }

  /**
   * Paths of pathType ImplementationSpecific ({@code "/path (host h)"} each, in spec order) that
   * look like regular expressions and are matched as literal prefixes, their Ingress having neither
   * use-regex nor rewrite-target: one diagnostic per Ingress, naming at most {@value
   * #MAX_LISTED_PATHS} of them.
   */
  static Diagnostic implementationSpecificRegex(ObjectRef ingress, List<String> paths) {
    String listed = String.join(", ", paths.subList(0, Math.min(paths.size(), MAX_LISTED_PATHS)));
    if (paths.size() > MAX_LISTED_PATHS) {
      listed += " and " + (paths.size() - MAX_LISTED_PATHS) + " more";
    }
    String what =
        paths.size() == 1
            ? "path " + listed + " looks like a regular expression"
            : "paths " + listed + " look like regular expressions";
    return format(
        ingress,
        Reason.IMPLEMENTATION_SPECIFIC_REGEX,
        "%s, but without use-regex an ImplementationSpecific path is a literal prefix, as in"
            + " ingress-nginx: only request paths beginning with that very text match; set"
            + " nginx.ingress.kubernetes.io/use-regex: \"true\" for a regular expression, or write"
            + " a literal path with pathType Prefix or Exact",
        what);
  }

  /** A TLS entry names a Secret of another namespace. */
  static Diagnostic crossNamespaceSecret(ObjectRef ingress, String secretName) {
    return format(
        ingress,
        Reason.CROSS_NAMESPACE_SECRET,
        "Secret '%s' is refused: an Ingress may only use Secrets of its own namespace %s",
        secretName,
        ingress.namespace());
  }

  /**
   * {@code ingress} routes a host's path that {@code owner} routes first to another backend ({@code
   * owner} is older, or is {@code ingress} itself listing the path twice).
   */
  static Diagnostic conflictingPath(
      ObjectRef ingress, String host, PathType type, String path, ObjectRef owner) {
    String why =
        owner.equals(ingress)
            ? "this Ingress lists it before with another backend"
            : owner + " routes it and is older";
    return format(
        ingress,
        Reason.CONFLICTING_PATH,
        "host %s %s path %s is ignored: %s",
        host,
        typeName(type),
        path,
        why);
  }

  /**
   * {@code ingress} names Secret {@code secret} for a host ({@code ""}: the default certificate)
   * whose certificate the older {@code owner} takes from its Secret {@code ownerSecret}.
   */
  static Diagnostic conflictingCertificate(
      ObjectRef ingress, String host, ObjectRef owner, String ownerSecret, String secret) {
    String what = host.isEmpty() ? "the default certificate" : "the certificate of host " + host;
    return format(
        ingress,
        Reason.CONFLICTING_CERTIFICATE,
        "%s comes from Secret %s/%s of %s, which is older; Secret %s is not used for it",
        what,
        owner.namespace(),
        ownerSecret,
        owner,
        secret);
  }

  /** {@code ingress} sets a default backend that the older {@code owner} sets otherwise. */
  static Diagnostic conflictingDefaultBackend(ObjectRef ingress, ObjectRef owner) {
    return new Diagnostic(
        ingress,
        Reason.CONFLICTING_DEFAULT_BACKEND,
        "spec.defaultBackend is ignored: " + owner + " sets the default backend and is older");
  }

  /** {@code backend-protocol} re-encrypts without {@code proxy-ssl-verify: on}. */
  static Diagnostic unverifiedUpstream(ObjectRef ingress, UpstreamProtocol protocol) {
    return format(
        ingress,
        Reason.UNVERIFIED_UPSTREAM,
        "backend-protocol %s: the upstream certificate is not verified (set proxy-ssl-secret and"
            + " proxy-ssl-verify: \"on\" to verify it)",
        protocol);
  }

  /**
   * {@code ingress} sets host-level {@code what} for {@code host}, which the older {@code owner}
   * sets first (ingress-nginx's rule: the first Ingress of a host that sets it).
   */
  static Diagnostic hostSettingTaken(ObjectRef ingress, String host, String what, ObjectRef owner) {
    return format(
        ingress,
        Reason.IGNORED_ANNOTATION,
        "%s is not used for host %s: %s sets it and is older",
        what,
        host,
        owner);
  }

  /** A {@code server-alias} of {@code host} that is left out, and why. */
  static Diagnostic aliasIgnored(ObjectRef ingress, String host, String alias, String why) {
    return format(
        ingress,
        Reason.ALIAS_IGNORED,
        "server-alias %s of host %s is not served: %s",
        alias,
        host,
        why);
  }

  /** A {@code from-to-www-redirect} of {@code host} that makes no redirect, and why. */
  static Diagnostic wwwRedirectIgnored(ObjectRef ingress, String host, String from, String why) {
    return format(
        ingress,
        Reason.WWW_REDIRECT_IGNORED,
        "from-to-www-redirect of host %s: %s is not redirected, %s",
        host,
        from,
        why);
  }

  /** {@code ssl-passthrough} on a host that cannot be relayed. */
  static Diagnostic passthroughIgnored(ObjectRef ingress, String host, String why) {
    return format(
        ingress,
        Reason.IGNORED_ANNOTATION,
        "ssl-passthrough has no effect on host %s: %s",
        host,
        why);
  }

  /** A path of {@code ingress} on a host that {@code owner} makes a passthrough host. */
  static Diagnostic pathOnPassthroughHost(
      ObjectRef ingress, String host, String path, ObjectRef owner) {
    return format(
        ingress,
        Reason.PASSTHROUGH_HOST,
        "host %s path %s is not routed: %s sets ssl-passthrough for the host, whose TLS is relayed"
            + " untouched to the backend of its path /",
        host,
        path,
        owner);
  }

  /** A path of canary Ingress {@code canary} that is not attached to a main route, and why. */
  static Diagnostic canaryNotAttached(
      ObjectRef canary, String host, PathType type, String path, String why) {
    return format(
        canary,
        Reason.CANARY_NOT_ATTACHED,
        "canary for host %s %s path %s is ignored: %s",
        host,
        typeName(type),
        path,
        why);
  }

  /** A part of canary Ingress {@code canary}'s spec that only a main Ingress can have. */
  static Diagnostic canarySpecIgnored(ObjectRef canary, String part) {
    return format(
        canary,
        Reason.CANARY_SPEC_IGNORED,
        "%s of a canary Ingress is ignored: a canary only adds backends to the paths of a main"
            + " Ingress with the same host, path and path type",
        part);
  }

  private static String typeName(PathType type) {
    return type == PathType.EXACT ? "Exact" : "Prefix";
  }

  private static Diagnostic format(
      ObjectRef object, Reason reason, String format, Object... arguments) {
    return new Diagnostic(object, reason, format.formatted(arguments));
  }

  @Override
  public int compareTo(Diagnostic other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return object + " " + reason.camelCase() + ": " + message;
  }
}
