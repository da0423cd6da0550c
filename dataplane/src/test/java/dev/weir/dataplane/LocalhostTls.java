package dev.weir.dataplane;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import javax.net.ssl.SSLContext;

/**
 * A test CA and an ECDSA certificate for "localhost" it issued: the server side offers h2 then
 * http/1.1, the client sides (the JDK's, and Netty's offering h2 only) trust only the CA. For tests
 * about HTTPS proxying rather than about certificate selection, which have the data plane serve
 * this for every name.
 */
record LocalhostTls(SslContext server, SSLContext client, SslContext nettyH2Client) {
  static LocalhostTls create() throws Exception {
    X509Bundle ca =
        new CertificateBuilder()
            .subject("CN=Weir test CA")
            .setIsCertificateAuthority(true)
            .ecp256()
            .buildSelfSigned();
    X509Bundle leaf =
        new CertificateBuilder()
            .subject("CN=localhost")
            .addSanDnsName("localhost")
            .ecp256()
            .buildIssuedBy(ca);
    SslContext server =
        SslContextBuilder.forServer(leaf.getKeyPair().getPrivate(), leaf.getCertificatePath())
            .applicationProtocolConfig(
                new ApplicationProtocolConfig(
                    ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                    ApplicationProtocolNames.HTTP_2,
                    ApplicationProtocolNames.HTTP_1_1))
            .build();
    SSLContext client = SSLContext.getInstance("TLS");
    client.init(null, ca.toTrustManagerFactory().getTrustManagers(), null);
    SslContext nettyH2Client =
        SslContextBuilder.forClient()
            .trustManager(ca.toTrustManagerFactory())
            .applicationProtocolConfig(h2Only())
            .build();
    return new LocalhostTls(server, client, nettyH2Client);
  }

  /** ALPN offering (or accepting) h2 alone. */
  static ApplicationProtocolConfig h2Only() {
    return new ApplicationProtocolConfig(
        ApplicationProtocolConfig.Protocol.ALPN,
        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
        ApplicationProtocolNames.HTTP_2);
  }

  /** What the data plane is started with so that it serves {@link #server()} for every name. */
  Dataplane.SniCompiler everyName() {
    return snapshot -> name -> server;
  }
}
