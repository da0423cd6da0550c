package dev.weir.dataplane.proxy.http;

import io.netty.channel.Channel;
import io.netty.channel.ServerChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLSession;

/**
 * The client's IP address, and what the client reached (Weir's listener port, the name it asked TLS
 * for), for a connection or an HTTP/2 stream. The client is the socket's peer, or, on a listener
 * behind a load balancer speaking the PROXY protocol, the source that balancer's header named.
 */
public final class ClientAddress {
  private static final AttributeKey<InetSocketAddress> PROXIED =
      AttributeKey.valueOf(ClientAddress.class, "proxied");

  private ClientAddress() {}

  public static String of(Channel channel) {
    SocketAddress remote = remote(connection(channel));
    if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress().getHostAddress();
    }
    return String.valueOf(remote);
  }

  /** The client's IP address as an address; null for a socket that has none (a Unix socket). */
  public static InetAddress inetOf(Channel channel) {
    return remote(connection(channel)) instanceof InetSocketAddress inet ? inet.getAddress() : null;
  }

  /** The socket's peer, whatever a PROXY header said: whom to blame for a refused connection. */
  public static String peer(Channel channel) {
    SocketAddress remote = connection(channel).remoteAddress();
    if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress().getHostAddress();
    }
    return String.valueOf(remote);
  }

  /** Records the client a PROXY protocol header named for the connection {@code channel}. */
  public static void setProxied(Channel channel, InetSocketAddress client) {
    connection(channel).attr(PROXIED).set(client);
  }

  private static SocketAddress remote(Channel connection) {
    InetSocketAddress proxied = connection.attr(PROXIED).get();
    return proxied != null ? proxied : connection.remoteAddress();
  }

  public static int listenerPort(Channel channel) {
    SocketAddress local = connection(channel).localAddress();
    return local instanceof InetSocketAddress inet ? inet.getPort() : 0;
  }

  /**
   * The authority a client reached when its request names none (HTTP/1.0 may omit Host): the server
   * name it sent in TLS SNI, else the listener's address and port. An HTTP/1.1 backend needs a
   * Host, and many answer a request without one with 400 and a closed connection.
   */
  public static String reachedAuthority(Channel channel) {
    Channel c = connection(channel);
    SslHandler tls = c.pipeline().get(SslHandler.class);
    if (tls != null) {
      SSLSession session = tls.engine().getSession();
      if (session instanceof ExtendedSSLSession extended) {
        for (SNIServerName name : extended.getRequestedServerNames()) {
          if (name instanceof SNIHostName host) {
            return host.getAsciiName();
          }
        }
      }
    }
    SocketAddress local = c.localAddress();
    if (local instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return NetUtil.toSocketAddressString(inet);
    }
    return "localhost";
  }

  private static Channel connection(Channel channel) {
    Channel c = channel;
    while (c.parent() != null && !(c.parent() instanceof ServerChannel)) {
      c = c.parent();
    }
    return c;
  }
}
