package dev.weir.dataplane.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;
import java.util.Map;

/**
 * SNI name to server {@link SslContext} for one snapshot. Never answers null: an unknown or
 * missing name gets the default certificate. Immutable; a new snapshot compiles a new store.
 *
 * <p>PRELIMINARY: exact names only; see {@link ServerTls}.
 */
public final class SniCertificateStore implements Mapping<String, SslContext> {
  private final Map<String, SslContext> byHost;
  private final SslContext defaultContext;

  SniCertificateStore(Map<String, SslContext> byHost, SslContext defaultContext) {
    this.byHost = Map.copyOf(byHost);
    this.defaultContext = defaultContext;
  }

  @Override
  public SslContext map(String sniHostname) {
    if (sniHostname == null) {
      return defaultContext;
    }
    return byHost.getOrDefault(sniHostname.toLowerCase(java.util.Locale.ROOT), defaultContext);
  }
}
