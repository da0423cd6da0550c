package dev.weir.dataplane.tls;

import dev.weir.dataplane.metrics.DataplaneMetrics;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.internal.tcnative.SSL;
import io.netty.util.AttributeKey;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;

/**
 * Counts the outcome of a connection's TLS handshake (full, resumed or failed) in {@link
 * DataplaneMetrics}, then leaves the pipeline. Place it right after the {@code SniHandler} (which
 * becomes the {@link SslHandler}); one instance per channel.
 */
public final class HandshakeRecorder extends ChannelInboundHandlerAdapter {
  /** On the connection, after a successful handshake: whether it resumed a session. */
  public static final AttributeKey<Boolean> RESUMED =
      AttributeKey.valueOf(HandshakeRecorder.class, "resumed");

  private final DataplaneMetrics metrics;
  private long startedMillis;

  public HandshakeRecorder(DataplaneMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    startedMillis = System.currentTimeMillis();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    boolean done = false;
    if (evt instanceof SslHandshakeCompletionEvent handshake) {
      if (handshake.isSuccess()) {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        boolean resumed = ssl != null && isResumed(ssl.engine(), startedMillis);
        ctx.channel().attr(RESUMED).set(resumed);
        metrics.handshake(resumed);
      } else {
        metrics.handshakeFailed();
      }
      done = true;
    } else if (evt instanceof SniCompletionEvent sni && !sni.isSuccess()) {
      // The ClientHello could not be read or mapped: no SslHandler will ever report.
      metrics.handshakeFailed();
      done = true;
    }
    ctx.fireUserEventTriggered(evt);
    if (done && ctx.pipeline().context(this) != null) {
      ctx.pipeline().remove(this);
    }
  }

  /**
   * Whether {@code engine}'s finished handshake resumed an earlier session. BoringSSL says so
   * directly. The JDK engine has no such API: a resumed session was created before this connection
   * started, a full handshake creates its session during it.
   */
  public static boolean isResumed(SSLEngine engine, long connectionStartedMillis) {
    if (engine instanceof ReferenceCountedOpenSslEngine openSsl) {
      // Called on the event loop after the handshake, while the engine (and its SSL*) is alive.
      long ssl = openSsl.sslPointer();
      return ssl != 0 && SSL.isSessionReused(ssl);
    }
    SSLSession session = engine.getSession();
    return session != null && session.getCreationTime() < connectionStartedMillis;
  }
}
