package dev.weir.dataplane.proxy;

import dev.weir.dataplane.admin.DataplaneMetrics;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open client connections of all listeners: counted in the metrics, closed when idle, and
 * drained at shutdown.
 */
public final class ClientConnections {
  private final DataplaneMetrics metrics;
  private final Set<Channel> open = ConcurrentHashMap.newKeySet();

  public ClientConnections(DataplaneMetrics metrics) {
    this.metrics = metrics;
  }

  /** The first handler of every client connection. */
  ChannelHandler tracker(boolean tls) {
    return new Tracker(tls);
  }

  public int openCount() {
    return open.size();
  }

  /** Asks every connection to finish its in-flight work and close. */
  public void drainAll() {
    for (Channel ch : open) {
      ch.eventLoop().execute(() -> {
        Drainable d = ch.attr(Drainable.KEY).get();
        if (d == null) {
          ch.close();
        } else {
          d.drain();
        }
      });
    }
  }

  public void closeAll() {
    for (Channel ch : open) {
      ch.close();
    }
  }

  private final class Tracker extends ChannelInboundHandlerAdapter {
    private final boolean tls;

    Tracker(boolean tls) {
      this.tls = tls;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      open.add(ctx.channel());
      metrics.connectionOpened(tls);
      ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (open.remove(ctx.channel())) {
        metrics.connectionClosed(tls);
      }
      ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof IdleStateEvent) {
        Drainable d = ctx.channel().attr(Drainable.KEY).get();
        if (d == null) {
          ctx.close();
        } else {
          d.idle();
        }
        return;
      }
      ctx.fireUserEventTriggered(evt);
    }
  }
}
