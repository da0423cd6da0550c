package dev.weir.dataplane.testing;

import dev.weir.contract.snapshot.Endpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pod that answers each request with exactly the bytes a test scripted for its path, however
 * wrong they are: for the response framing a proxy must get right (or refuse) whatever an upstream
 * sends. Requests are read as heads only, unless {@link #recordUntil} says where they end; a thread
 * per connection.
 */
public final class ScriptedPod implements AutoCloseable {
  /**
   * What the pod sends for a path: {@code bytes}, then after {@code laterDelayMillis} the {@code
   * later} bytes (null: none), then it closes the connection if {@code close}.
   */
  public record Answer(byte[] bytes, byte[] later, long laterDelayMillis, boolean close) {
    public static Answer of(String bytes) {
      return new Answer(latin1(bytes), null, 0, false);
    }

    public static Answer thenClose(String bytes) {
      return new Answer(latin1(bytes), null, 0, true);
    }

    public static Answer withLater(String bytes, String later, long delayMillis) {
      return new Answer(latin1(bytes), latin1(later), delayMillis, false);
    }
  }

  private final ServerSocket server;
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private final List<Socket> connections = new CopyOnWriteArrayList<>();
  private final AtomicInteger accepted = new AtomicInteger();
  private final List<String> requestLines = new CopyOnWriteArrayList<>();
  private final BlockingQueue<String> recorded = new LinkedBlockingQueue<>();
  private volatile String recordUntil;

  private ScriptedPod(String address) throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getByName(address));
    Thread acceptor = new Thread(this::acceptLoop, "scripted-pod-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public static ScriptedPod start(String address) throws IOException {
    return new ScriptedPod(address);
  }

  /** From now on, a request for {@code path} gets {@code answer}. */
  public ScriptedPod answer(String path, Answer answer) {
    answers.put(path, answer);
    return this;
  }

  public Endpoint endpoint() {
    return Endpoint.ready(server.getInetAddress().getHostAddress(), server.getLocalPort());
  }

  /** Connections accepted so far. */
  public int connectionCount() {
    return accepted.get();
  }

  /** Request lines received so far, in order. */
  public List<String> requestLines() {
    return List.copyOf(requestLines);
  }

  /**
   * From now on, a request is read up to the first {@code end} after its head (its body's end, for
   * one with a body), and its bytes kept for {@link #nextRecorded}.
   */
  public ScriptedPod recordUntil(String end) {
    recordUntil = end;
    return this;
  }

  /** The bytes of the next request recorded, or null if none comes within the timeout. */
  public String nextRecorded(long timeout, TimeUnit unit) throws InterruptedException {
    return recorded.poll(timeout, unit);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        accepted.incrementAndGet();
        connections.add(s);
        Thread t = new Thread(() -> serve(s), "scripted-pod-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      while (true) {
        String head = readHead(in);
        if (head == null) {
          return;
        }
        String end = recordUntil;
        if (end != null) {
          StringBuilder whole = new StringBuilder(head);
          while (whole.length() < end.length()
              || whole.lastIndexOf(end) != whole.length() - end.length()) {
            int b = in.read();
            if (b == -1) {
              return;
            }
            whole.append((char) b);
          }
          recorded.add(whole.toString());
        }
        String requestLine = head.substring(0, head.indexOf("\r\n"));
        requestLines.add(requestLine);
        String path = requestLine.split(" ")[1];
        Answer answer = answers.get(path);
        if (answer == null) {
          answer = Answer.thenClose("HTTP/1.1 500 Unscripted\r\nContent-Length: 0\r\n\r\n");
        }
        out.write(answer.bytes());
        out.flush();
        if (answer.later() != null) {
          Thread.sleep(answer.laterDelayMillis());
          out.write(answer.later());
          out.flush();
        }
        if (answer.close()) {
          return;
        }
      }
    } catch (IOException | InterruptedException e) {
      // the proxy closed the connection: nothing more to serve on it
    }
  }

  /** The request head up to its blank line, or null at end of stream. */
  public static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b == -1) {
        return null;
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  private static byte[] latin1(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : connections) {
      s.close();
    }
  }
}
