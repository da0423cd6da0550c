package dev.weir.dataplane.tls;

import dev.weir.contract.snapshot.ClientAuth;
import dev.weir.contract.snapshot.ClientVerify;
import dev.weir.contract.snapshot.VirtualHost;
import io.netty.handler.ssl.DelegatingSslContext;
import io.netty.handler.ssl.SslContext;
import javax.net.ssl.SSLEngine;

/**
 * The context of a host with client-certificate authentication: its certificate's context, whose
 * engines ask the client for a certificate (nginx's {@code ssl_verify_client}). The handshake
 * accepts whatever the client sends, or nothing (the server contexts trust any client certificate);
 * the host's request policy then verifies it against the host's CA and answers 400 where nginx
 * does. Asking per engine rather than per context keeps one BoringSSL context for every host: hosts
 * without client authentication on the same port never ask.
 */
final class ClientCertificateContext extends DelegatingSslContext {
  private final SslContext certificate;

  private ClientCertificateContext(SslContext certificate) {
    super(certificate);
    this.certificate = certificate;
  }

  /**
   * What the SNI store serves {@code host}: {@code certificate}, asking for a client certificate
   * when the host authenticates clients (verification not {@code off}, CA usable).
   */
  static SslContext forHost(VirtualHost host, SslContext certificate) {
    ClientAuth auth = host.clientAuth();
    if (auth == null || auth.verify() == ClientVerify.OFF || auth.unavailable()) {
      return certificate;
    }
    return new ClientCertificateContext(certificate);
  }

  @Override
  protected void initEngine(SSLEngine engine) {
    engine.setWantClientAuth(true);
  }

  @Override
  public String toString() {
    return "ClientCertificateContext[" + certificate + "]";
  }
}
