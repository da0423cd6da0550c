package dev.weir.dataplane.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

/** Pipeline of a connection to the HTTP listener: tracking (with the idle timeout), HTTP/1.1. */
public final class PlainListenerInitializer extends ChannelInitializer<Channel> {
  private final ListenerContext listener;

  public PlainListenerInitializer(ListenerContext listener) {
    this.listener = listener;
  }

  @Override
  protected void initChannel(Channel ch) {
    long idleMillis = listener.snapshot().get().snapshot().settings().clientIdleMillis();
    ch.pipeline().addLast("tracker", listener.connections().tracker(false, idleMillis));
    HttpPipelines.configureHttp1(ch, listener);
  }
}
