package dev.weir.images;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * A Docker engine's API asked directly, before Testcontainers is touched: on a machine without an
 * engine Testcontainers logs every discovery strategy it tried, and the skipped tests should say so
 * in one line instead.
 */
final class DockerEngine {
  private final String endpoint;

  private DockerEngine(String endpoint) {
    this.endpoint = endpoint;
  }

  /** The engine Testcontainers would use first: $DOCKER_HOST, else the default socket. */
  static DockerEngine fromEnvironment() {
    String host = System.getenv("DOCKER_HOST");
    return new DockerEngine(
        host == null || host.isBlank() ? "unix:///var/run/docker.sock" : host.strip());
  }

  String endpoint() {
    return endpoint;
  }

  /** Null when the engine answers its ping, else why not. */
  String unreachableReason() {
    try {
      int status = status("/_ping");
      return status == 200 ? null : "its /_ping answered " + status;
    } catch (IOException | RuntimeException e) {
      return e.toString();
    }
  }

  boolean hasImage(String name) throws IOException {
    return status("/images/" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "/json") == 200;
  }

  /** The status of a GET on a new connection (HTTP/1.0: the engine closes it after answering). */
  private int status(String path) throws IOException {
    URI uri = URI.create(endpoint);
    try (Connection connection = connect(uri)) {
      connection
          .out()
          .write(
              ("GET " + path + " HTTP/1.0\r\nHost: docker\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      connection.out().flush();
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      InputStream in = connection.in();
      for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
        head.write(b);
      }
      String statusLine = head.toString(StandardCharsets.US_ASCII);
      String[] parts = statusLine.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
        throw new IOException("not an HTTP answer: " + statusLine.strip());
      }
      return Integer.parseInt(parts[1]);
    }
  }

  private record Connection(AutoCloseable channel, InputStream in, OutputStream out)
      implements AutoCloseable {
    @Override
    public void close() throws IOException {
      try {
        channel.close();
      } catch (IOException e) {
        throw e;
      } catch (Exception e) {
        throw new IOException(e);
      }
    }
  }

  private static Connection connect(URI uri) throws IOException {
    switch (uri.getScheme()) {
      case "unix" -> {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
          channel.connect(UnixDomainSocketAddress.of(uri.getPath()));
        } catch (IOException e) {
          channel.close();
          throw e;
        }
        return new Connection(
            channel, Channels.newInputStream(channel), Channels.newOutputStream(channel));
      }
      case "tcp", "http" -> {
        Socket socket = new Socket();
        try {
          socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 2_000);
          socket.setSoTimeout(5_000);
        } catch (IOException e) {
          socket.close();
          throw e;
        }
        return new Connection(socket, socket.getInputStream(), socket.getOutputStream());
      }
      default -> throw new IOException("unsupported DOCKER_HOST scheme: " + uri);
    }
  }
}
