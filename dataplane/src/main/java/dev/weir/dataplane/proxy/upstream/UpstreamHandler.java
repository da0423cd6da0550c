package dev.weir.dataplane.proxy.upstream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * Last handler of an upstream connection: hands what arrives to the exchange using the connection.
 * A pooled, idle connection expects nothing: anything it receives (or its closing) takes it out of
 * service.
 */
public final class UpstreamHandler extends ChannelInboundHandlerAdapter {
  private final UpstreamConnection connection;

  UpstreamHandler(UpstreamConnection connection) {
    this.connection = connection;
  }

  UpstreamConnection connection() {
    return connection;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    UpstreamListener l = connection.listener;
    if (l == null) {
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    l.upstreamRead(connection, msg);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    UpstreamListener l = connection.listener;
    if (l != null) {
      l.upstreamWritabilityChanged(connection);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    UpstreamListener l = connection.listener;
    connection.listener = null;
    if (l != null) {
      l.upstreamClosed(connection, connection.failure);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (connection.failure == null) {
      connection.failure = cause;
    }
    ctx.close();
  }
}
