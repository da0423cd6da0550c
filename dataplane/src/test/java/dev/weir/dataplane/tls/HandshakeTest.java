package dev.weir.dataplane.tls;

import static dev.weir.dataplane.tls.Snapshots.host;
import static dev.weir.dataplane.tls.Snapshots.tls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.TicketKey;
import dev.weir.contract.testing.TestPki;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Protocol versions, ALPN, session resumption and handshake metrics over real handshakes. */
class HandshakeTest {
  private static final TestPki pki = TestPki.create();
  private static final TestPki.Leaf leaf = pki.issue("a.example.com");

  private static Snapshot snapshot(List<TicketKey> ticketKeys) {
    return tls(
        List.of(host("a.example.com", "a")), List.of(leaf.toCertificate("a")), ticketKeys, null);
  }

  // Every ServerTls a test makes, closed after it (with OpenSSL each holds a native context).
  private final List<ServerTls> made = new ArrayList<>();

  @AfterEach
  void closeTls() {
    made.forEach(ServerTls::close);
  }

  private ServerTls serverTls(SslProvider provider) {
    ServerTls tls = ServerTls.create(ServerTls.Options.defaults().withProvider(provider));
    made.add(tls);
    return tls;
  }

  @ParameterizedTest
  @EnumSource(
      value = SslProvider.class,
      names = {"OPENSSL", "JDK"})
  void alpnSelectsH2WhenOfferedAndHttp11Otherwise(SslProvider provider) throws Exception {
    ServerTls tls = serverTls(provider);
    assertThat(tls.provider()).isEqualTo(provider);
    try (TlsTestServer server = new TlsTestServer(tls.compile(snapshot(null)))) {
      TlsTestClient client = TlsTestClient.trusting(pki.trustManager());
      // Client lists http/1.1 first: the server's preference (h2) decides.
      assertThat(
              client
                  .connect(
                      server.port(),
                      "a.example.com",
                      List.of("TLSv1.3"),
                      List.of("http/1.1", "h2"),
                      true)
                  .alpn())
          .isEqualTo("h2");
      var http11 =
          client.connect(
              server.port(), "a.example.com", List.of("TLSv1.3"), List.of("http/1.1"), true);
      assertThat(http11.alpn()).isEqualTo("http/1.1");
      assertThat(http11.serverLine()).contains("alpn=http/1.1");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
  void negotiatesTls12AndTls13(String version) throws Exception {
    try (TlsTestServer server = new TlsTestServer(serverTls(null).compile(snapshot(null)))) {
      var c =
          TlsTestClient.trusting(pki.trustManager())
              .connect(server.port(), "a.example.com", List.of(version), List.of("h2"), true);
      assertThat(c.protocol()).isEqualTo(version);
      assertThat(c.serverLine()).contains("protocol=" + version).contains("alpn=h2");
    }
  }

  @Test
  void tls12UsesOnlyEcdheAeadSuites() throws Throwable {
    try (TlsTestServer server = new TlsTestServer(serverTls(null).compile(snapshot(null)))) {
      // A TLS 1.2 client offering only a CBC suite must not find a common cipher.
      assertThatThrownBy(
              () -> handshakeWithOpenSslClient(server.port(), "TLSv1.2", "ECDHE-ECDSA-AES128-SHA"))
          .isInstanceOf(SSLHandshakeException.class);
      handshakeWithOpenSslClient(server.port(), "TLSv1.2", "ECDHE-ECDSA-AES128-GCM-SHA256");
    }
  }

  @Test
  void tls11IsRefusedAndCountedAsFailedHandshake() throws Exception {
    try (TlsTestServer server = new TlsTestServer(serverTls(null).compile(snapshot(null)))) {
      // BoringSSL as the client: the JDK client refuses TLS 1.1 itself, which would prove nothing.
      assertThatThrownBy(() -> handshakeWithOpenSslClient(server.port(), "TLSv1.1", null))
          .isInstanceOf(SSLHandshakeException.class);
      assertThat(server.awaitHandshakes("failed", 1)).isEqualTo(1);
      assertThat(server.handshakes("full")).isZero();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
  void secondConnectionResumesAndMetricsCountFullAndResumed(String version) throws Exception {
    try (TlsTestServer server = new TlsTestServer(serverTls(null).compile(snapshot(null)))) {
      TlsTestClient client = TlsTestClient.trusting(pki.trustManager());
      var first =
          client.connect(server.port(), "a.example.com", List.of(version), List.of("h2"), true);
      var second =
          client.connect(server.port(), "a.example.com", List.of(version), List.of("h2"), true);

      assertThat(first.resumed()).isFalse();
      assertThat(second.resumed()).as(second.serverLine()).isTrue();
      assertThat(server.awaitHandshakes("resumed", 1)).isEqualTo(1);
      assertThat(server.handshakes("full")).isEqualTo(1);
      assertThat(server.metrics().scrape())
          .contains("weir_tls_handshakes_total{kind=\"resumed\"} 1.0")
          .contains("weir_tls_handshakes_total{kind=\"full\"} 1.0");
    }
  }

  @Test
  void jdkProviderAlsoResumesAndRecordsIt() throws Exception {
    try (TlsTestServer server =
        new TlsTestServer(serverTls(SslProvider.JDK).compile(snapshot(null)))) {
      TlsTestClient client = TlsTestClient.trusting(pki.trustManager());
      var first = client.connect(server.port(), "a.example.com");
      Thread.sleep(5); // the JDK check compares millisecond creation times
      var second = client.connect(server.port(), "a.example.com");

      assertThat(first.resumed()).isFalse();
      assertThat(second.resumed()).as(second.serverLine()).isTrue();
      assertThat(server.awaitHandshakes("resumed", 1)).isEqualTo(1);
      assertThat(server.handshakes("full")).isEqualTo(1);
    }
  }

  static Stream<Arguments> replicaClients() {
    // BoringSSL's client (as Netty configures it) only uses tickets with TLS 1.3.
    return Stream.of(
        Arguments.of(SslProvider.JDK, "TLSv1.2"),
        Arguments.of(SslProvider.JDK, "TLSv1.3"),
        Arguments.of(SslProvider.OPENSSL, "TLSv1.3"));
  }

  private static NettyTlsClient replicaClient(SslProvider provider, String version)
      throws Exception {
    return new NettyTlsClient(
        SslContextBuilder.forClient()
            .sslProvider(provider)
            .protocols(version)
            .trustManager(pki.trustManager())
            .build());
  }

  @ParameterizedTest
  @MethodSource("replicaClients")
  void everyReplicaResumesWithSharedSnapshotTicketKeys(SslProvider client, String version)
      throws Throwable {
    List<TicketKey> keys = Snapshots.randomTicketKeys(2);
    try (TlsTestServer replicaA = new TlsTestServer(serverTls(null).compile(snapshot(keys)));
        TlsTestServer replicaB = new TlsTestServer(serverTls(null).compile(snapshot(keys)));
        NettyTlsClient c = replicaClient(client, version)) {
      String first = c.connect(replicaA.port(), "a.example.com");
      String second = c.connect(replicaB.port(), "a.example.com");

      assertThat(first).contains("resumed=false").contains("protocol=" + version);
      assertThat(second).contains("resumed=true").contains("protocol=" + version);
      assertThat(replicaB.awaitHandshakes("resumed", 1)).isEqualTo(1);
      assertThat(replicaB.handshakes("full")).isZero();
    }
  }

  @Test
  void replicasWithTheirOwnGeneratedKeysDoNotResumeEachOther() throws Throwable {
    try (TlsTestServer replicaA = new TlsTestServer(serverTls(null).compile(snapshot(null)));
        TlsTestServer replicaB = new TlsTestServer(serverTls(null).compile(snapshot(null)));
        NettyTlsClient c = replicaClient(SslProvider.JDK, "TLSv1.3")) {
      c.connect(replicaA.port(), "a.example.com");
      assertThat(c.connect(replicaB.port(), "a.example.com")).contains("resumed=false");
    }
  }

  @Test
  void cachedContextTakesNewKeyListAndDecryptsWithOlderKey() throws Throwable {
    List<TicketKey> old = Snapshots.randomTicketKeys(1);
    List<TicketKey> rotated = List.of(Snapshots.randomTicketKeys(1).get(0), old.get(0));
    ServerTls replicaBTls = serverTls(null);
    SniCertificateStore beforeRotation =
        replicaBTls.compile(snapshot(Snapshots.randomTicketKeys(1)));
    SniCertificateStore afterRotation = replicaBTls.compile(snapshot(rotated));
    // Same certificate id in both compiles: the context is reused, so the new keys must reach it.
    assertThat(afterRotation.map("a.example.com")).isSameAs(beforeRotation.map("a.example.com"));
    try (TlsTestServer replicaA = new TlsTestServer(serverTls(null).compile(snapshot(old)));
        TlsTestServer replicaB = new TlsTestServer(afterRotation);
        NettyTlsClient c = replicaClient(SslProvider.JDK, "TLSv1.3")) {
      c.connect(replicaA.port(), "a.example.com");
      assertThat(c.connect(replicaB.port(), "a.example.com")).contains("resumed=true");
    }
  }

  private static void handshakeWithOpenSslClient(int port, String protocol, String cipher)
      throws Throwable {
    SslContextBuilder builder =
        SslContextBuilder.forClient()
            .sslProvider(SslProvider.OPENSSL)
            .trustManager(InsecureTrustManagerFactory.INSTANCE)
            .protocols(protocol);
    if (cipher != null) {
      builder.ciphers(List.of(cipher));
    }
    SslContext client = builder.build();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    // Kept from the initializer: a server that refuses the handshake closes the channel, which
    // may empty its pipeline before a lookup there could find the handler.
    SslHandler[] tls = new SslHandler[1];
    try {
      Channel ch =
          new Bootstrap()
              .group(group)
              .channel(NioSocketChannel.class)
              .handler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                      tls[0] = client.newHandler(c.alloc(), "a.example.com", port);
                      c.pipeline().addLast(tls[0]);
                    }
                  })
              .connect("127.0.0.1", port)
              .sync()
              .channel();
      Future<Channel> handshake = tls[0].handshakeFuture();
      if (!handshake.await(5, TimeUnit.SECONDS)) {
        throw new AssertionError("handshake did not finish within 5s");
      }
      ch.close().sync();
      if (!handshake.isSuccess()) {
        throw handshake.cause();
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
