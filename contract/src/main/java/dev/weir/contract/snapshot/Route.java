package dev.weir.contract.snapshot;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * A path rule of a virtual host: requests whose path matches go to {@code backend} (an id), with
 * what the Ingress's annotations set for the path.
 *
 * @param settings absent: {@link RouteSettings#NONE}, and left out of the JSON then
 */
public record Route(
    PathType pathType,
    String path,
    String backend,
    @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = RouteSettings.OmitNone.class)
        RouteSettings settings) {

  public Route {
    settings = Objects.requireNonNullElse(settings, RouteSettings.NONE);
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
    return new Route(pathType, path, backend, value);
  }
}
