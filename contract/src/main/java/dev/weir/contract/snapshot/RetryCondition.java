package dev.weir.contract.snapshot;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/**
 * A failure after which a request is tried on another endpoint: the values of ingress-nginx's
 * {@code proxy-next-upstream} (nginx's {@code proxy_next_upstream}), spelled as there.
 */
public enum RetryCondition {
  /** The connection could not be made, or broke before a response head arrived. */
  @JsonProperty("error")
  ERROR,
  /** The connect, send or read timeout ran out before a response head arrived. */
  @JsonProperty("timeout")
  TIMEOUT,
  @JsonProperty("http_500")
  HTTP_500,
  @JsonProperty("http_502")
  HTTP_502,
  @JsonProperty("http_503")
  HTTP_503,
  @JsonProperty("http_504")
  HTTP_504,
  @JsonProperty("http_403")
  HTTP_403,
  @JsonProperty("http_404")
  HTTP_404,
  @JsonProperty("http_429")
  HTTP_429,
  /**
   * Requests with a non-idempotent method (POST, PATCH) are retried after they were sent, too.
   * Without it they are retried only when no byte of them reached an endpoint.
   */
  @JsonProperty("non_idempotent")
  NON_IDEMPOTENT;

  /** The condition of a response status, or null for a status no condition names. */
  public static RetryCondition ofStatus(int status) {
    return switch (status) {
      case 500 -> HTTP_500;
      case 502 -> HTTP_502;
      case 503 -> HTTP_503;
      case 504 -> HTTP_504;
      case 403 -> HTTP_403;
      case 404 -> HTTP_404;
      case 429 -> HTTP_429;
      default -> null;
    };
  }

  /** Its name in {@code proxy-next-upstream} and in the snapshot. */
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }
}
