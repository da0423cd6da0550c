package dev.weir.dataplane.proxy.listener;

import dev.weir.contract.snapshot.Settings;
import dev.weir.dataplane.proxy.ListenerContext;
import dev.weir.dataplane.proxy.http.ClientAddress;
import dev.weir.dataplane.routing.CompiledSnapshot;
import dev.weir.dataplane.tls.HandshakeRecorder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pipeline of a connection to the HTTPS listener: tracking (with the idle timeout), the PROXY
 * protocol header if the listener expects one (it comes before the ClientHello), then by the
 * ClientHello's SNI ({@link SniRouter}) either a byte relay to a passthrough host's backend, or TLS
 * with the certificate of the snapshot current at accept time and then HTTP/2 or HTTP/1.1 as ALPN
 * decided.
 */
public final class TlsListenerInitializer extends ChannelInitializer<Channel> {
  private static final Logger log = LoggerFactory.getLogger(TlsListenerInitializer.class);
  static final String HANDSHAKE = "handshake";
  static final String ALPN = "alpn";

  // A ClientHello with post-quantum key shares is a few KiB; anything near this bound is abuse.
  private static final int MAX_CLIENT_HELLO_BYTES = 32 * 1024;
  // A client that doesn't finish its handshake in this time holds a connection for nothing; a
  // shorter request header timeout shortens it too, as a handshake is the first part of a head.
  private static final long MAX_HANDSHAKE_TIMEOUT_MILLIS = 10_000;

  private final ListenerContext listener;
  private final ClientConnections connections;
  private final Duration drainTimeout;

  public TlsListenerInitializer(
      ListenerContext listener, ClientConnections connections, Duration drainTimeout) {
    this.listener = listener;
    this.connections = connections;
    this.drainTimeout = drainTimeout;
  }

  @Override
  protected void initChannel(Channel ch) {
    CompiledSnapshot current = listener.snapshot().get();
    Settings settings = current.snapshot().settings();
    long idleMillis = settings.clientIdleMillis();
    long handshakeMillis = Math.min(MAX_HANDSHAKE_TIMEOUT_MILLIS, settings.requestHeaderMillis());
    ch.pipeline().addLast("tracker", connections.tracker(true, idleMillis));
    if (listener.expectsProxyProtocol(settings)) {
      ProxyProtocol.addTo(ch.pipeline(), ProxyProtocol.timeoutMillis(settings));
    }
    ch.pipeline()
        .addLast("sni", new SniRouter(current, listener, MAX_CLIENT_HELLO_BYTES, handshakeMillis));
    // The router replaces itself with the SslHandler; the recorder then sits right after it. For a
    // passthrough host it removes both of these instead.
    ch.pipeline().addLast(HANDSHAKE, new HandshakeRecorder(listener.metrics()));
    ch.pipeline().addLast(ALPN, new ProtocolSelector());
  }

  private final class ProtocolSelector extends ApplicationProtocolNegotiationHandler {
    ProtocolSelector() {
      super(ApplicationProtocolNames.HTTP_1_1);
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
      if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
        HttpPipelines.configureHttp2(ctx.channel(), listener, drainTimeout);
      } else if (ApplicationProtocolNames.HTTP_1_1.equals(protocol)) {
        HttpPipelines.configureHttp1(ctx.channel(), listener);
      } else {
        log.debug("event=alpn_refused protocol={}", protocol);
        ctx.close();
      }
    }

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
      log.debug(
          "event=tls_handshake_failed client={} error={}",
          ClientAddress.of(ctx.channel()),
          cause.getClass().getSimpleName());
      ctx.close();
    }
  }
}
