package dev.weir.operator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A TCP relay on one loopback port to whichever target port is set when a connection arrives: the
 * load balancer in front of data-plane replicas, as a client sees it. To the client every replica
 * is then the same host and port, which is what its TLS session cache is keyed by.
 */
final class SwitchableRelay implements AutoCloseable {
  private final ServerSocket server;
  private volatile int target;

  private SwitchableRelay(ServerSocket server) {
    this.server = server;
  }

  static SwitchableRelay start() throws IOException {
    SwitchableRelay relay =
        new SwitchableRelay(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    Thread accept = new Thread(relay::acceptLoop, "relay-accept");
    accept.setDaemon(true);
    accept.start();
    return relay;
  }

  int port() {
    return server.getLocalPort();
  }

  /** Connections accepted from now on go to {@code port} on loopback. */
  void routeTo(int port) {
    target = port;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        // Closed, or the target refused: the client sees its connection end.
      }
    }
  }

  private static void pump(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                in.transferTo(out);
                to.shutdownOutput();
              } catch (IOException e) {
                closeQuietly(to);
                closeQuietly(from);
              }
            },
            "relay-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
