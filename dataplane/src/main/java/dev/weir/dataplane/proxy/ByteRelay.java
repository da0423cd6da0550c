package dev.weir.dataplane.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * Copies bytes from its channel to a peer channel after a protocol switch (WebSocket) or for a TLS
 * passthrough connection, with backpressure: this side stops reading while the peer cannot take
 * more. When either side closes, the other is closed once what was written to it is flushed.
 */
public final class ByteRelay extends ChannelInboundHandlerAdapter {
  private final Channel peer;
  // The peer, while it waits for this channel to become writable again.
  private Channel paused;

  public ByteRelay(Channel peer) {
    this.peer = peer;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf)) {
      // Leftovers of the removed HTTP codec (an empty end-of-message marker).
      ReferenceCountUtil.release(msg);
      return;
    }
    peer.writeAndFlush(msg);
    ByteRelay peerRelay = peer.pipeline().get(ByteRelay.class);
    if (!peer.isWritable() && peerRelay != null) {
      ctx.channel().config().setAutoRead(false);
      peerRelay.resumeWhenWritable(ctx.channel());
    }
  }

  private void resumeWhenWritable(Channel other) {
    paused = other;
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable() && paused != null) {
      paused.config().setAutoRead(true);
      paused = null;
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
