package dev.weir.dataplane;

import static dev.weir.dataplane.TestSnapshots.backend;
import static dev.weir.dataplane.TestSnapshots.everythingTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.SnapshotCodec;
import dev.weir.dataplane.testing.DataplaneFromFile;
import dev.weir.dataplane.testing.EchoBackend;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 100 MB upload streamed through the proxy to a backend that streams it straight back, with the
 * data plane in a JVM of 96 MB heap (and so 96 MB of direct memory): if either direction were
 * buffered, it would run out of memory instead of answering.
 */
class LargeBodyStreamingTest {
  static final long BODY_BYTES = 100L * 1024 * 1024;

  @Test
  void hundredMegabyteBodyIsStreamedBothWaysInBoundedMemory(@TempDir Path dir) throws Exception {
    try (EchoBackend echo =
        EchoBackend.start("stream", "127.0.0.1", EchoBackend.Mode.STREAM_BODY, Duration.ZERO)) {
      Path snapshot = dir.resolve("snapshot.json");
      Files.write(
          snapshot, SnapshotCodec.encode(everythingTo(1, backend("stream", echo.endpoint()))));
      Process child =
          new ProcessBuilder(
                  List.of(
                      Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                      "-Xmx96m",
                      "-cp",
                      System.getProperty("java.class.path"),
                      DataplaneFromFile.class.getName(),
                      snapshot.toString()))
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      try {
        int port = readPort(child);
        try (Socket socket = new Socket("127.0.0.1", port)) {
          socket.setSoTimeout(60_000);
          MessageDigest sent = MessageDigest.getInstance("SHA-256");
          CompletableFuture<Void> upload =
              CompletableFuture.runAsync(
                  () -> {
                    try {
                      OutputStream out = socket.getOutputStream();
                      out.write(
                          ("POST /upload HTTP/1.1\r\nHost: a.test\r\nContent-Length: "
                                  + BODY_BYTES
                                  + "\r\n\r\n")
                              .getBytes(StandardCharsets.US_ASCII));
                      Random random = new Random(42);
                      byte[] chunk = new byte[64 * 1024];
                      for (long written = 0; written < BODY_BYTES; written += chunk.length) {
                        random.nextBytes(chunk);
                        sent.update(chunk);
                        out.write(chunk);
                      }
                      out.flush();
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  });

          InputStream in = socket.getInputStream();
          String head = readHead(in);
          assertThat(head).startsWith("HTTP/1.1 200");
          assertThat(head.toLowerCase()).contains("content-length: " + BODY_BYTES);
          MessageDigest received = MessageDigest.getInstance("SHA-256");
          byte[] buffer = new byte[64 * 1024];
          long total = 0;
          while (total < BODY_BYTES) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, BODY_BYTES - total));
            if (n < 0) {
              break;
            }
            received.update(buffer, 0, n);
            total += n;
          }
          upload.get(60, TimeUnit.SECONDS);
          assertThat(total).isEqualTo(BODY_BYTES);
          assertThat(HexFormat.of().formatHex(received.digest()))
              .isEqualTo(HexFormat.of().formatHex(sent.digest()));
        }
        assertThat(child.isAlive()).as("data plane survived").isTrue();
      } finally {
        child.getOutputStream().close();
        if (!child.waitFor(10, TimeUnit.SECONDS)) {
          child.destroyForcibly();
        }
      }
    }
  }

  private static int readPort(Process child) throws Exception {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    for (int i = 0; i < 200; i++) {
      String line = out.readLine();
      if (line != null && !line.startsWith("http_port=")) {
        continue;
      }
      if (line == null) {
        break;
      }
      if (line.startsWith("http_port=")) {
        int port = Integer.parseInt(line.substring("http_port=".length()));
        // Keep draining the child's log output, or a full pipe would block its event loops.
        Thread drain =
            new Thread(
                () -> {
                  try {
                    while (out.readLine() != null) {
                      // discard
                    }
                  } catch (IOException ignored) {
                    // child gone
                  }
                },
                "child-stdout");
        drain.setDaemon(true);
        drain.start();
        return port;
      }
    }
    throw new AssertionError("the data plane child printed no port");
  }

  private static String readHead(InputStream in) throws Exception {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new AssertionError("connection closed in response head: " + head);
      }
      head.append((char) b);
    }
    return head.toString();
  }
}
