package dev.weir.dataplane.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/** Pipeline of a connection to the HTTP listener: idle timer, tracking, HTTP/1.1. */
public final class PlainListenerInitializer extends ChannelInitializer<Channel> {
  private final ListenerContext listener;

  public PlainListenerInitializer(ListenerContext listener) {
    this.listener = listener;
  }

  @Override
  protected void initChannel(Channel ch) {
    long idleMillis = listener.snapshot().get().snapshot().settings().clientIdleMillis();
    ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS));
    ch.pipeline().addLast("tracker", listener.connections().tracker(false));
    HttpPipelines.configureHttp1(ch, listener);
  }
}
