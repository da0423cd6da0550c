package dev.weir.dataplane.proxy.listener;

import dev.weir.contract.snapshot.Settings;
import dev.weir.dataplane.proxy.LogLimiter;
import dev.weir.dataplane.proxy.http.ClientAddress;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PROXY protocol (v1 text or v2 binary, HAProxy's specification) in front of a listener: the
 * first bytes of every connection must be a PROXY header, sent by the load balancer in front of
 * Weir, naming the client it accepted. Its source address becomes the connection's client address
 * ({@link ClientAddress#of}) for everything after it: X-Forwarded-For, X-Real-IP, the access log,
 * hash balancing. A connection whose first bytes are not a valid header, or that sends none within
 * the timeout, is closed: with the protocol on, a client that reached the port directly could
 * otherwise claim any address, and one without the header cannot be told apart from one.
 *
 * <p>A {@code LOCAL} header (a load balancer's own health check) or one for an unknown or Unix
 * family keeps the socket's address. Nothing of the header goes further: not to an HTTP backend,
 * not to a passthrough one.
 */
final class ProxyProtocol {
  static final String DECODER = "proxy-protocol-decoder";
  static final String HANDLER = "proxy-protocol";
  private static final Logger log = LoggerFactory.getLogger(ProxyProtocol.class);

  // A load balancer sends the header with its first segment; waiting longer only holds a
  // connection for nothing. As for a TLS handshake, a shorter request header timeout shortens it.
  private static final long MAX_TIMEOUT_MILLIS = 10_000;

  private ProxyProtocol() {}

  /** How long a connection may take to send its header. */
  static long timeoutMillis(Settings settings) {
    return Math.min(MAX_TIMEOUT_MILLIS, settings.requestHeaderMillis());
  }

  /** Adds the decoder and the handler that takes its header, waiting at most the timeout. */
  static void addTo(ChannelPipeline pipeline, long timeoutMillis) {
    pipeline.addLast(DECODER, new HAProxyMessageDecoder());
    pipeline.addLast(HANDLER, new HeaderHandler(timeoutMillis));
  }

  private static final class HeaderHandler extends ChannelInboundHandlerAdapter {
    private final long timeoutMillis;
    private ScheduledFuture<?> timeout;

    HeaderHandler(long timeoutMillis) {
      this.timeoutMillis = timeoutMillis;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      if (ctx.channel().isActive()) {
        startTimer(ctx);
      }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      startTimer(ctx);
      ctx.fireChannelActive();
    }

    private void startTimer(ChannelHandlerContext ctx) {
      if (timeout == null) {
        timeout =
            ctx.executor()
                .schedule(() -> refuse(ctx, "timeout"), timeoutMillis, TimeUnit.MILLISECONDS);
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof HAProxyMessage header)) {
        // The decoder passes nothing before the header; this is the connection's own traffic
        // after it (a read already under way when this handler was removed).
        ctx.fireChannelRead(msg);
        return;
      }
      try {
        if (header.command() == HAProxyCommand.PROXY
            && header.sourceAddress() != null
            && (header.proxiedProtocol().addressFamily()
                    == HAProxyProxiedProtocol.AddressFamily.AF_IPv4
                || header.proxiedProtocol().addressFamily()
                    == HAProxyProxiedProtocol.AddressFamily.AF_IPv6)) {
          ClientAddress.setProxied(
              ctx.channel(), new InetSocketAddress(header.sourceAddress(), header.sourcePort()));
        }
      } finally {
        ReferenceCountUtil.release(header);
      }
      cancelTimer();
      ctx.pipeline().remove(this);
      // Whatever follows may wait for a read it asked for: the header consumed that one.
      if (!ctx.channel().config().isAutoRead()) {
        ctx.read();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      refuse(ctx, "invalid_header");
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      cancelTimer();
      ctx.fireChannelInactive();
    }

    private void refuse(ChannelHandlerContext ctx, String reason) {
      cancelTimer();
      long suppressed = LogLimiter.FAILURES.admit("proxy_protocol " + reason);
      if (suppressed != LogLimiter.SUPPRESS) {
        log.info(
            "event=connection_refused reason=proxy_protocol_{} peer={} suppressed={}",
            reason,
            ClientAddress.peer(ctx.channel()),
            suppressed);
      }
      ctx.close();
    }

    private void cancelTimer() {
      if (timeout != null) {
        timeout.cancel(false);
        timeout = null;
      }
    }
  }
}
