package dev.weir.contract.snapshot;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How a route's path is compared with the request path, with the Ingress specification's meaning.
 */
public enum PathType {
  /** The request path equals the route path, case-sensitively. */
  @JsonProperty("Exact")
  EXACT,
  /**
   * The route path is a prefix of the request path element by element: {@code /foo} matches {@code
   * /foo}, {@code /foo/} and {@code /foo/bar}, never {@code /foobar}.
   */
  @JsonProperty("Prefix")
  PREFIX
}
