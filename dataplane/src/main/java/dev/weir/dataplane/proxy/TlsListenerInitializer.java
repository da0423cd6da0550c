package dev.weir.dataplane.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pipeline of a connection to the HTTPS listener: idle timer, tracking, SNI selection among the
 * certificates of the snapshot current at accept time, then HTTP/2 or HTTP/1.1 as ALPN decided.
 */
public final class TlsListenerInitializer extends ChannelInitializer<Channel> {
  private static final Logger log = LoggerFactory.getLogger(TlsListenerInitializer.class);

  private final ListenerContext listener;
  private final Duration drainTimeout;

  public TlsListenerInitializer(ListenerContext listener, Duration drainTimeout) {
    this.listener = listener;
    this.drainTimeout = drainTimeout;
  }

  @Override
  protected void initChannel(Channel ch) {
    CompiledSnapshot current = listener.snapshot().get();
    long idleMillis = current.snapshot().settings().clientIdleMillis();
    ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS));
    ch.pipeline().addLast("tracker", listener.connections().tracker(true));
    ch.pipeline().addLast("sni", new SniHandler(current.sni()));
    ch.pipeline().addLast("alpn", new ProtocolSelector());
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
      log.debug("event=tls_handshake_failed client={} error={}",
          ClientAddress.of(ctx.channel()), cause.getClass().getSimpleName());
      ctx.close();
    }
  }
}
