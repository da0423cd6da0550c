package dev.weir.dataplane.proxy.listener;

import dev.weir.contract.snapshot.Settings;
import dev.weir.dataplane.proxy.ListenerContext;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

/**
 * Pipeline of a connection to the HTTP listener: tracking (with the idle timeout), the PROXY
 * protocol header if the listener expects one, HTTP/1.1.
 */
public final class PlainListenerInitializer extends ChannelInitializer<Channel> {
  private final ListenerContext listener;
  private final ClientConnections connections;

  public PlainListenerInitializer(ListenerContext listener, ClientConnections connections) {
    this.listener = listener;
    this.connections = connections;
  }

  @Override
  protected void initChannel(Channel ch) {
    Settings settings = listener.snapshot().get().snapshot().settings();
    ch.pipeline().addLast("tracker", connections.tracker(false, settings.clientIdleMillis()));
    if (listener.expectsProxyProtocol(settings)) {
      ProxyProtocol.addTo(ch.pipeline(), ProxyProtocol.timeoutMillis(settings));
    }
    HttpPipelines.configureHttp1(ch, listener);
  }
}
