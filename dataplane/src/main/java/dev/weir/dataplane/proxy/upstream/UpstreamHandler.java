package dev.weir.dataplane.proxy.upstream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Last handler of an HTTP/2 upstream stream: hands what arrives to the exchange using the stream.
 * (An HTTP/1.1 connection's {@link UpstreamResponseDecoder} does this itself.)
 */
public final class UpstreamHandler extends ChannelInboundHandlerAdapter {
  private final UpstreamConnection connection;

  UpstreamHandler(UpstreamConnection connection) {
    this.connection = connection;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    connection.received(ctx, msg);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    connection.writabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    connection.closed();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    connection.failed(ctx, cause);
  }
}
