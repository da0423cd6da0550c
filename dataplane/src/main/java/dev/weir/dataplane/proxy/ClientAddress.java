package dev.weir.dataplane.proxy;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** The client's IP address and Weir's listener port for a connection or an HTTP/2 stream. */
final class ClientAddress {
  private ClientAddress() {}

  static String of(Channel channel) {
    SocketAddress remote = connection(channel).remoteAddress();
    if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress().getHostAddress();
    }
    return String.valueOf(remote);
  }

  static int listenerPort(Channel channel) {
    SocketAddress local = connection(channel).localAddress();
    return local instanceof InetSocketAddress inet ? inet.getPort() : 0;
  }

  private static Channel connection(Channel channel) {
    Channel c = channel;
    while (c.parent() != null && !(c.parent() instanceof io.netty.channel.ServerChannel)) {
      c = c.parent();
    }
    return c;
  }
}
