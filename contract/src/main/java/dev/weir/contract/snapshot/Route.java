package dev.weir.contract.snapshot;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * A path rule of a virtual host: requests whose path matches go to {@code backend} (an id), with
 * what the Ingress's annotations set for the path.
 *
 * @param settings absent: {@link RouteSettings#NONE}, and left out of the JSON then
 * @param ingress {@code namespace/name} of the Ingress that owns the path, for the access log;
 *     absent in a snapshot not made from Ingresses (schema version 3)
 * @param regex true: the path is a regular expression matched as nginx's {@code location ~*
 *     "^path"} ({@link PathRegex}), whatever the path type, and the host's regex routes are tried
 *     longest path first; absent: a literal Exact or Prefix path (schema version 4)
 * @param canary another backend that takes some of the route's requests; absent: none (schema
 *     version 5)
 */
public record Route(
    PathType pathType,
    String path,
    String backend,
    @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = RouteSettings.OmitNone.class)
        RouteSettings settings,
    String ingress,
    Boolean regex,
    Canary canary) {

  public Route {
    settings = Objects.requireNonNullElse(settings, RouteSettings.NONE);
    regex = Boolean.TRUE.equals(regex) ? Boolean.TRUE : null;
  }

  /** A route without canary. */
  public Route(
      PathType pathType,
      String path,
      String backend,
      RouteSettings settings,
      String ingress,
      Boolean regex) {
    this(pathType, path, backend, settings, ingress, regex, null);
  }

  /** A route with a literal path. */
  public Route(
      PathType pathType, String path, String backend, RouteSettings settings, String ingress) {
    this(pathType, path, backend, settings, ingress, null);
  }

  /** A route owned by no Ingress. */
  public Route(PathType pathType, String path, String backend, RouteSettings settings) {
    this(pathType, path, backend, settings, null);
  }

  /** A route without settings. */
  public Route(PathType pathType, String path, String backend) {
    this(pathType, path, backend, RouteSettings.NONE);
  }

  public static Route exact(String path, String backend) {
    return new Route(PathType.EXACT, path, backend);
  }

  public static Route prefix(String path, String backend) {
    return new Route(PathType.PREFIX, path, backend);
  }

  /** This route with {@code value} as its settings. */
  public Route withSettings(RouteSettings value) {
    return new Route(pathType, path, backend, value, ingress, regex, canary);
  }

  /** This route as owned by the Ingress {@code value} ({@code namespace/name}). */
  public Route withIngress(String value) {
    return new Route(pathType, path, backend, settings, value, regex, canary);
  }

  /** This route with its path matched as a regular expression ({@code value} true) or not. */
  public Route withRegex(boolean value) {
    return new Route(pathType, path, backend, settings, ingress, value, canary);
  }

  /** This route with {@code value} as its canary (null: none). */
  public Route withCanary(Canary value) {
    return new Route(pathType, path, backend, settings, ingress, regex, value);
  }

  /** Whether the path is a regular expression. */
  public boolean matchesAsRegex() {
    return Boolean.TRUE.equals(regex);
  }
}
