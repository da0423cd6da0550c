package dev.weir.dataplane;

import static dev.weir.dataplane.TestSnapshots.LOOPBACK;
import static dev.weir.dataplane.TestSnapshots.backend;
import static dev.weir.dataplane.TestSnapshots.everythingTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.SnapshotCodec;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.proxy.upstream.Transport;
import dev.weir.dataplane.testing.EchoBackend;
import dev.weir.dataplane.testing.EchoBackend.Echo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

/**
 * Every --transport value serves HTTPS (HTTP/1.1 and HTTP/2) and plain HTTP through real sockets,
 * on the transport it asked for where this host offers it and on its fallback where not.
 */
class TransportEndToEndTest {
  private static final Pattern HTTP_LISTENING =
      Pattern.compile("event=listening listener=http address=\\S*:(\\d+)");

  @ParameterizedTest
  @EnumSource(Transport.Preference.class)
  void eachTransportProxiesRequestsOrFallsBackToOneThatDoes(Transport.Preference preference)
      throws Exception {
    LocalhostTls tls = LocalhostTls.create();
    try (EchoBackend echo =
            EchoBackend.start("backend", "127.0.0.1", EchoBackend.Mode.JSON, Duration.ZERO);
        Dataplane dataplane =
            Dataplane.start(
                LOOPBACK.withTransport(preference), new DataplaneMetrics(), tls.everyName())) {
      dataplane.apply(everythingTo(1, backend("backend", echo.endpoint())));

      Transport.Kind asked =
          preference == Transport.Preference.AUTO
              ? Transport.Kind.EPOLL
              : Transport.Kind.valueOf(preference.name());
      if (Transport.unavailabilityCause(asked) == null) {
        assertThat(dataplane.transport()).isEqualTo(asked);
      } else {
        assertThat(dataplane.transport())
            .isEqualTo(Transport.choose(preference).transport().kind());
        assertThat(dataplane.transport()).isNotEqualTo(asked);
      }
      for (HttpClient.Version version : HttpClient.Version.values()) {
        HttpClient client =
            HttpClient.newBuilder()
                .sslContext(tls.client())
                .version(version)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        for (int i = 0; i < 3; i++) {
          HttpResponse<String> response =
              client.send(
                  HttpRequest.newBuilder(
                          URI.create("https://localhost:" + dataplane.httpsPort() + "/t/" + i))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          assertThat(response.statusCode()).isEqualTo(200);
          assertThat(response.version()).isEqualTo(version);
          assertThat(Echo.parse(response.body()).uri()).isEqualTo("/t/" + i);
        }
      }
      HttpResponse<String> plain =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(5))
              .build()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + dataplane.httpPort() + "/plain"))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(plain.statusCode()).isEqualTo(200);
      assertThat(Echo.parse(plain.body()).uri()).isEqualTo("/plain");
    }
  }

  @Test
  void aRefusedTransportFallsBackWithOneLogLineAndServes(@TempDir Path dir) throws Exception {
    // Netty's own switch makes both native transports refuse to load, as a sandbox would. The
    // listener is bound by the first snapshot applied, so the file holds a valid (empty) one.
    Path snapshot =
        Files.write(
            dir.resolve("snapshot.json"),
            SnapshotCodec.encode(Snapshot.builder().version(1).build()));
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dio.netty.transport.noNative=true",
                "-cp",
                System.getProperty("java.class.path"),
                DataplaneMain.class.getName(),
                "--snapshot-file=" + snapshot,
                "--bind=127.0.0.1",
                "--http-port=0",
                "--https-port=-1",
                "--admin-port=-1",
                "--io-threads=1",
                "--transport=io_uring")
            .redirectErrorStream(true)
            .start();
    try {
      // Read on a thread of its own and waited for with a bound: a data plane that never listens
      // (a refused snapshot leaves it unready and running) keeps its output open, and a plain
      // readLine would wait for ever.
      List<String> output = new CopyOnWriteArrayList<>();
      CompletableFuture<Integer> httpPort = new CompletableFuture<>();
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader log =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line = log.readLine(); line != null; line = log.readLine()) {
                    output.add(line);
                    Matcher m = HTTP_LISTENING.matcher(line);
                    if (m.find()) {
                      httpPort.complete(Integer.parseInt(m.group(1)));
                    }
                  }
                  httpPort.completeExceptionally(
                      new IOException("the data plane exited before listening"));
                } catch (IOException e) {
                  httpPort.completeExceptionally(e);
                }
              },
              "transport-fallback-output");
      reader.setDaemon(true);
      reader.start();
      int port;
      try {
        port = httpPort.get(60, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        throw new AssertionError("no event=listening line; the data plane said: " + output, e);
      }

      List<String> transportLines =
          output.stream().filter(line -> line.contains("event=transport")).toList();
      assertThat(transportLines).hasSize(1);
      assertThat(transportLines.get(0))
          .contains("event=transport name=nio requested=io_uring io_threads=1")
          .contains("unavailable=\"io_uring: ")
          .contains("; epoll: ")
          .contains("noNative");
      HttpResponse<String> response =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(5))
              .build()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      // Served on NIO: the empty snapshot routes nothing.
      assertThat(response.statusCode()).isEqualTo(404);
    } finally {
      process.destroyForcibly();
      assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("the data plane exited").isTrue();
    }
  }

  @Test
  void anUnknownTransportIsAUsageError() {
    StringWriter err = new StringWriter();
    int exit =
        new CommandLine(new DataplaneMain())
            .setErr(new PrintWriter(err))
            .execute(
                "--snapshot-file=/nonexistent",
                "--http-port=-1",
                "--https-port=-1",
                "--admin-port=-1",
                "--transport=kqueue");
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("--transport").contains("auto, epoll, io_uring, nio");
  }
}
