package dev.weir.dataplane.proxy.policy;

import dev.weir.contract.snapshot.Hsts;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.AsciiString;

/**
 * A host's HSTS: its HTTPS responses carry Strict-Transport-Security, replacing whatever the
 * backend sent, so the host's policy is the one the Ingress states. Never on plain HTTP, where
 * browsers ignore it (RFC 6797 §7.2) and a man in the middle could forge it anyway.
 */
public final class StrictTransportSecurity implements RequestPolicy, ResponseHook {
  static final AsciiString STRICT_TRANSPORT_SECURITY =
      AsciiString.cached("strict-transport-security");

  private final AsciiString value;

  public StrictTransportSecurity(Hsts hsts) {
    this.value = AsciiString.of(hsts.headerValue());
  }

  @Override
  public LocalResponse apply(ProxiedRequest request) {
    if (request.https()) {
      request.onResponse(this);
    }
    return null;
  }

  @Override
  public void amend(HttpResponse response) {
    response.headers().set(STRICT_TRANSPORT_SECURITY, value);
  }

  @Override
  public String toString() {
    return "StrictTransportSecurity[" + value + "]";
  }
}
