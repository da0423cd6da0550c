package dev.weir.contract.snapshot;

import com.fasterxml.jackson.annotation.JsonProperty;

/** nginx's {@code ssl_verify_client} modes, as ingress-nginx's {@code auth-tls-verify-client}. */
public enum ClientVerify {
  /** A certificate signed by the CA is required: without one, or with a bad one, 400. */
  @JsonProperty("on")
  ON,
  /** No certificate is asked for. */
  @JsonProperty("off")
  OFF,
  /** A certificate is asked for; none is fine, a bad one is 400. */
  @JsonProperty("optional")
  OPTIONAL,
  /**
   * A certificate is asked for and not verified against the CA; the result is passed upstream for
   * the backend to decide.
   */
  @JsonProperty("optional_no_ca")
  OPTIONAL_NO_CA
}
