package dev.weir.dataplane.tls;

import dev.weir.dataplane.snapshot.Certificate;
import dev.weir.dataplane.snapshot.InvalidSnapshotException;
import dev.weir.dataplane.snapshot.Snapshot;
import dev.weir.dataplane.snapshot.VirtualHost;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The data plane's TLS for its lifetime: the chosen provider, the self-signed default certificate
 * generated at start. {@link #compile} turns each snapshot's certificates into an
 * {@link SniCertificateStore}.
 *
 * <p>PRELIMINARY: a first cut so the proxy can be built against this API; the tls work replaces
 * the implementation (provider choice, ALPN, ticket keys, wildcard and SAN selection, errors).
 */
public final class ServerTls {
  private final SslContext defaultContext;

  private ServerTls(SslContext defaultContext) {
    this.defaultContext = defaultContext;
  }

  public static ServerTls create() {
    try {
      SelfSignedCertificate self = new SelfSignedCertificate("weir.invalid");
      return new ServerTls(SslContextBuilder.forServer(self.key(), self.cert()).build());
    } catch (Exception e) {
      throw new IllegalStateException("cannot create the default certificate", e);
    }
  }

  public SniCertificateStore compile(Snapshot snapshot) throws InvalidSnapshotException {
    Map<String, SslContext> byId = new HashMap<>();
    for (int i = 0; i < snapshot.certificates().size(); i++) {
      Certificate c = snapshot.certificates().get(i);
      try {
        byId.put(c.id(), SslContextBuilder.forServer(
            new ByteArrayInputStream(c.certificateChain().getBytes(StandardCharsets.US_ASCII)),
            new ByteArrayInputStream(c.privateKey().reveal().getBytes(StandardCharsets.US_ASCII)))
            .build());
      } catch (Exception e) {
        throw new InvalidSnapshotException("certificates[" + i + "]", "cannot be loaded");
      }
    }
    Map<String, SslContext> byHost = new HashMap<>();
    for (VirtualHost v : snapshot.virtualHosts()) {
      if (v.certificate() != null) {
        byHost.put(v.host().toLowerCase(java.util.Locale.ROOT), byId.get(v.certificate()));
      }
    }
    return new SniCertificateStore(byHost, defaultContext);
  }
}
