package dev.weir.dataplane.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * An HTTP/1.1 client over a plain socket that sends exactly the bytes a test gives it, for
 * malformed and smuggling requests no real client would send, and reads responses strictly.
 */
public final class RawHttp implements AutoCloseable {
  /** A response as read off the wire; header names in lower case. */
  public record Response(int status, Map<String, List<String>> headers, byte[] body) {
    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null ? null : String.join(",", values);
    }

    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  public RawHttp(String host, int port) throws IOException {
    socket = new Socket(host, port);
    socket.setSoTimeout(10_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  /** One request on a new connection; the response, read fully. */
  public static Response exchange(int port, String request) throws IOException {
    try (RawHttp http = new RawHttp("127.0.0.1", port)) {
      http.send(request);
      return http.readResponse(false);
    }
  }

  public void send(String raw) throws IOException {
    send(raw.getBytes(StandardCharsets.ISO_8859_1));
  }

  public void send(byte[] raw) throws IOException {
    out.write(raw);
    out.flush();
  }

  public Socket socket() {
    return socket;
  }

  /** Reads one response; {@code headRequest} says it has no body whatever its headers say. */
  public Response readResponse(boolean headRequest) throws IOException {
    String statusLine = readLine();
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("bad status line: " + statusLine);
    }
    int status = Integer.parseInt(parts[1]);
    Map<String, List<String>> headers = new TreeMap<>();
    for (String line = readLine(); !line.isEmpty(); line = readLine()) {
      int colon = line.indexOf(':');
      headers
          .computeIfAbsent(
              line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(line.substring(colon + 1).trim());
    }
    Response head = new Response(status, headers, new byte[0]);
    if (headRequest || status == 204 || status == 304 || status / 100 == 1) {
      return head;
    }
    byte[] body;
    String te = head.header("transfer-encoding");
    String cl = head.header("content-length");
    if (te != null && te.equalsIgnoreCase("chunked")) {
      body = readChunked();
    } else if (cl != null) {
      body = in.readNBytes(Integer.parseInt(cl));
    } else {
      body = in.readAllBytes();
    }
    return new Response(status, headers, body);
  }

  /** True when the server closed the connection (reads EOF within the socket timeout). */
  public boolean closedByServer() throws IOException {
    try {
      return in.read() == -1;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  private byte[] readChunked() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = readLine();
      int semicolon = sizeLine.indexOf(';');
      int size =
          Integer.parseInt(
              semicolon < 0 ? sizeLine.trim() : sizeLine.substring(0, semicolon).trim(), 16);
      if (size == 0) {
        while (!readLine().isEmpty()) {
          // trailers
        }
        return body.toByteArray();
      }
      body.write(in.readNBytes(size));
      readLine();
    }
  }

  private String readLine() throws IOException {
    StringBuilder line = new StringBuilder();
    while (true) {
      int b = in.read();
      if (b == -1) {
        throw new EOFException("connection closed after: " + line);
      }
      if (b == '\n') {
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
          line.setLength(end - 1);
        }
        return line.toString();
      }
      line.append((char) b);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
