package dev.weir.dataplane.tls;

import io.netty.handler.ssl.DelegatingSslContext;
import io.netty.handler.ssl.SslContext;
import javax.net.ssl.SSLEngine;

/**
 * One certificate as {@link SniCertificateStore} hands it to the {@code SniHandler}: a view of the
 * one shared BoringSSL context that binds its certificate to each engine it creates, for {@link
 * SharedKeyManager} to serve when BoringSSL asks. A plain Java object: no SSL_CTX of its own;
 * BoringSSL holds the certificate and key parsed once it has served them (see {@code ServerTls}'s
 * key material cache).
 */
final class CertificateContext extends DelegatingSslContext {
  private final SharedKeyManager keyManager;
  private final SharedKeyManager.Served served;

  CertificateContext(
      SslContext shared, SharedKeyManager keyManager, SharedKeyManager.Served served) {
    super(shared);
    this.keyManager = keyManager;
    this.served = served;
  }

  @Override
  protected void initEngine(SSLEngine engine) {
    keyManager.bind(engine, served);
  }

  @Override
  public String toString() {
    return "CertificateContext[" + served.alias + "]";
  }
}
