package dev.weir.dataplane.proxy.listener;

import dev.weir.dataplane.proxy.ListenerContext;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

/** Pipeline of a connection to the HTTP listener: tracking (with the idle timeout), HTTP/1.1. */
public final class PlainListenerInitializer extends ChannelInitializer<Channel> {
  private final ListenerContext listener;
  private final ClientConnections connections;

  public PlainListenerInitializer(ListenerContext listener, ClientConnections connections) {
    this.listener = listener;
    this.connections = connections;
  }

  @Override
  protected void initChannel(Channel ch) {
    long idleMillis = listener.snapshot().get().snapshot().settings().clientIdleMillis();
    ch.pipeline().addLast("tracker", connections.tracker(false, idleMillis));
    HttpPipelines.configureHttp1(ch, listener);
  }
}
