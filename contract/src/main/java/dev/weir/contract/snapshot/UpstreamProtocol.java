package dev.weir.contract.snapshot;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How the data plane speaks to a backend's endpoints (ingress-nginx's {@code backend-protocol}).
 */
public enum UpstreamProtocol {
  /** HTTP/1.1 in clear text. */
  @JsonProperty("HTTP")
  HTTP(false, false),
  /** HTTP/1.1 over TLS: re-encryption. */
  @JsonProperty("HTTPS")
  HTTPS(true, false),
  /** HTTP/2 in clear text (h2c, prior knowledge), for gRPC. */
  @JsonProperty("GRPC")
  GRPC(false, true),
  /** HTTP/2 over TLS (ALPN h2), for gRPC. */
  @JsonProperty("GRPCS")
  GRPCS(true, true);

  private final boolean tls;
  private final boolean http2;

  UpstreamProtocol(boolean tls, boolean http2) {
    this.tls = tls;
    this.http2 = http2;
  }

  public boolean tls() {
    return tls;
  }

  public boolean http2() {
    return http2;
  }
}
