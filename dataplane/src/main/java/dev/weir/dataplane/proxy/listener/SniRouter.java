package dev.weir.dataplane.proxy.listener;

import dev.weir.dataplane.proxy.ListenerContext;
import dev.weir.dataplane.routing.CompiledBackend;
import dev.weir.dataplane.routing.CompiledSnapshot;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;

/**
 * The first protocol handler of an HTTPS connection: reads its ClientHello (however many TCP
 * segments it comes in, up to a bound in size and time, as Netty's {@link SniHandler} does) and
 * decides by its server name, on the snapshot current at accept. A passthrough host's connection is
 * relayed to its backend untouched, ClientHello included ({@link PassthroughConnection}); any other
 * name, no name, or a ClientHello that cannot be read terminates TLS with the certificate the SNI
 * store picks, as before.
 */
final class SniRouter extends SniHandler {
  private final CompiledSnapshot snapshot;
  private final ListenerContext listener;

  SniRouter(
      CompiledSnapshot snapshot,
      ListenerContext listener,
      int maxClientHelloBytes,
      long handshakeMillis) {
    super(snapshot.sni(), maxClientHelloBytes, handshakeMillis);
    this.snapshot = snapshot;
    this.listener = listener;
  }

  @Override
  protected void replaceHandler(ChannelHandlerContext ctx, String hostname, SslContext context)
      throws Exception {
    CompiledBackend passthrough = snapshot.routes().passthrough(hostname);
    if (passthrough == null) {
      super.replaceHandler(ctx, hostname, context);
      return;
    }
    ChannelPipeline p = ctx.pipeline();
    p.remove(TlsListenerInitializer.HANDSHAKE);
    p.remove(TlsListenerInitializer.ALPN);
    // Replacing this decoder hands the ClientHello bytes it holds to the new handler.
    p.replace(this, PassthroughConnection.NAME, new PassthroughConnection(listener, passthrough));
  }
}
