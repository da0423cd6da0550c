package dev.weir.contract.snapshot;

/** A path rule of a virtual host: requests whose path matches go to {@code backend} (an id). */
public record Route(PathType pathType, String path, String backend) {
  public static Route exact(String path, String backend) {
    return new Route(PathType.EXACT, path, backend);
  }

  public static Route prefix(String path, String backend) {
    return new Route(PathType.PREFIX, path, backend);
  }
}
