package dev.weir.dataplane;

import static dev.weir.dataplane.TestSnapshots.LOOPBACK;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Affinity;
import dev.weir.contract.snapshot.AffinityMode;
import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.Endpoint;
import dev.weir.contract.snapshot.PathType;
import dev.weir.contract.snapshot.Route;
import dev.weir.contract.snapshot.RouteSettings;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.SnapshotCodec;
import dev.weir.contract.snapshot.VirtualHost;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.testing.EchoBackend;
import dev.weir.dataplane.testing.EchoBackend.Echo;
import dev.weir.dataplane.testing.RawHttp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cookie session affinity through real sockets, within one data plane and across two. */
class CookieAffinityEndToEndTest {
  private static final Pattern HTTP_LISTENING =
      Pattern.compile("event=listening listener=http address=\\S*:(\\d+)");

  final List<EchoBackend> pods = new ArrayList<>();
  Dataplane dataplane;

  @BeforeEach
  void startPods() throws Exception {
    for (int i = 1; i <= 4; i++) {
      pods.add(
          EchoBackend.start("pod-" + i, "127.0.0.1" + i, EchoBackend.Mode.JSON, Duration.ZERO));
    }
  }

  @AfterEach
  void stop() {
    if (dataplane != null) {
      dataplane.close();
    }
    pods.forEach(EchoBackend::close);
  }

  private static Affinity affinity(AffinityMode mode, boolean changeOnFailure) {
    return Affinity.builder().mode(mode).changeOnFailure(changeOnFailure).build();
  }

  /** {@code /balanced} and {@code /persistent} routes over the given endpoints of backend web. */
  private static Snapshot snapshot(long version, List<Endpoint> endpoints, boolean change) {
    return TestSnapshots.snapshot(
        version,
        List.of(
            VirtualHost.builder("shop.test")
                .routes(
                    new Route(
                        PathType.PREFIX,
                        "/balanced",
                        "web",
                        RouteSettings.builder()
                            .affinity(affinity(AffinityMode.BALANCED, change))
                            .build()),
                    new Route(
                        PathType.PREFIX,
                        "/persistent",
                        "web",
                        RouteSettings.builder()
                            .affinity(affinity(AffinityMode.PERSISTENT, change))
                            .build()))
                .build()),
        List.of(Backend.of("web", endpoints)));
  }

  private List<Endpoint> endpoints() {
    return pods.stream().map(EchoBackend::endpoint).toList();
  }

  /** A response, the pod that answered, and the cookie value set (null: none). */
  private record Visit(String pod, String cookie, String setCookie) {}

  private static Visit visit(int port, String path, String cookie) throws IOException {
    RawHttp.Response response =
        RawHttp.exchange(
            port,
            "GET "
                + path
                + " HTTP/1.1\r\nHost: shop.test\r\n"
                + (cookie == null ? "" : "Cookie: theme=dark; INGRESSCOOKIE=" + cookie + "\r\n")
                + "Connection: close\r\n\r\n");
    assertThat(response.status()).as(response.bodyText()).isEqualTo(200);
    String setCookie = response.header("set-cookie");
    String value =
        setCookie == null
            ? null
            : setCookie.substring("INGRESSCOOKIE=".length(), setCookie.indexOf(';'));
    return new Visit(Echo.parse(response.bodyText()).instance(), value, setCookie);
  }

  private void startDataplane(Snapshot snapshot) throws Exception {
    dataplane = Dataplane.start(LOOPBACK, new DataplaneMetrics());
    dataplane.apply(snapshot);
  }

  @Test
  void aSessionStaysOnItsPodAndTheCookieIsHttpOnlyWithTheRoutesPath() throws Exception {
    startDataplane(snapshot(1, endpoints(), false));
    for (String path : List.of("/balanced", "/persistent")) {
      Visit first = visit(dataplane.httpPort(), path + "/cart", null);
      assertThat(first.setCookie())
          .startsWith("INGRESSCOOKIE=")
          .endsWith("; Path=" + path + "; HttpOnly");
      for (int i = 0; i < 10; i++) {
        Visit next = visit(dataplane.httpPort(), path + "/cart", first.cookie());
        assertThat(next.pod()).isEqualTo(first.pod());
        assertThat(next.setCookie()).isNull();
      }
    }
  }

  @Test
  void aGarbageCookieIsServedAndReplaced() throws Exception {
    startDataplane(snapshot(1, endpoints(), false));
    for (String path : List.of("/balanced", "/persistent")) {
      Visit visit = visit(dataplane.httpPort(), path, "not-a-session");
      assertThat(visit.cookie()).isNotNull().isNotEqualTo("not-a-session");
      assertThat(visit(dataplane.httpPort(), path, visit.cookie()).pod()).isEqualTo(visit.pod());
    }
  }

  @Test
  void whenThePinnedPodLeavesTheSessionMovesAndGetsANewCookie() throws Exception {
    startDataplane(snapshot(1, endpoints(), false));
    Visit first = visit(dataplane.httpPort(), "/persistent", null);
    Visit balanced = visit(dataplane.httpPort(), "/balanced", null);
    List<Endpoint> remaining =
        pods.stream()
            .filter(p -> !p.id().equals(first.pod()) && !p.id().equals(balanced.pod()))
            .map(EchoBackend::endpoint)
            .toList();
    dataplane.apply(snapshot(2, remaining, false));

    Visit moved = visit(dataplane.httpPort(), "/persistent", first.cookie());
    assertThat(moved.pod()).isNotEqualTo(first.pod());
    assertThat(moved.cookie()).isNotNull().isNotEqualTo(first.cookie());
    assertThat(visit(dataplane.httpPort(), "/persistent", moved.cookie()).pod())
        .isEqualTo(moved.pod());
    // A balanced key maps onto the remaining pods by itself, the same on every replica.
    Visit rehashed = visit(dataplane.httpPort(), "/balanced", balanced.cookie());
    assertThat(rehashed.pod()).isNotEqualTo(balanced.pod());
    assertThat(visit(dataplane.httpPort(), "/balanced", balanced.cookie()).pod())
        .isEqualTo(rehashed.pod());
  }

  @Test
  void withChangeOnFailureTheCookieFollowsTheRetryToAnotherPod() throws Exception {
    startDataplane(snapshot(1, endpoints(), true));
    for (String path : List.of("/balanced", "/persistent")) {
      Visit first = visit(dataplane.httpPort(), path, null);
      EchoBackend pinned = pods.stream().filter(p -> p.id().equals(first.pod())).findFirst().get();
      pinned.close();
      try {
        Visit retried = visit(dataplane.httpPort(), path, first.cookie());
        assertThat(retried.pod()).isNotEqualTo(first.pod());
        assertThat(retried.cookie()).isNotNull().isNotEqualTo(first.cookie());
        assertThat(visit(dataplane.httpPort(), path, retried.cookie()).pod())
            .isEqualTo(retried.pod());
      } finally {
        pods.set(
            pods.indexOf(pinned),
            EchoBackend.startOnPort(pinned.id(), pinned.address(), pinned.port()));
      }
    }
  }

  @Test
  void withoutChangeOnFailureAFailedPodsSessionIsServedElsewhereAndKeepsItsCookie()
      throws Exception {
    startDataplane(snapshot(1, endpoints(), false));
    Visit first = visit(dataplane.httpPort(), "/persistent", null);
    EchoBackend pinned = pods.stream().filter(p -> p.id().equals(first.pod())).findFirst().get();
    pinned.close();
    try {
      Visit elsewhere = visit(dataplane.httpPort(), "/persistent", first.cookie());
      assertThat(elsewhere.pod()).isNotEqualTo(first.pod());
      assertThat(elsewhere.setCookie()).isNull();
    } finally {
      pods.set(
          pods.indexOf(pinned),
          EchoBackend.startOnPort(pinned.id(), pinned.address(), pinned.port()));
    }
  }

  // ---------------------------------------------------------------- two replicas

  /** A data plane in its own JVM, as a second replica runs, serving {@code snapshotFile}. */
  private record Replica(Process process, int httpPort) implements AutoCloseable {
    static Replica start(Path snapshotFile) throws Exception {
      Process process =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx128m",
                  "-cp",
                  System.getProperty("java.class.path"),
                  DataplaneMain.class.getName(),
                  "--snapshot-file",
                  snapshotFile.toString(),
                  "--bind",
                  "127.0.0.1",
                  "--http-port",
                  "0",
                  "--https-port",
                  "-1",
                  "--admin-port",
                  "-1",
                  "--io-threads",
                  "1")
              .redirectErrorStream(true)
              .start();
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      CompletableFuture<Integer> port = new CompletableFuture<>();
      Thread reader =
          new Thread(
              () -> {
                try {
                  for (String line = out.readLine(); line != null; line = out.readLine()) {
                    Matcher m = HTTP_LISTENING.matcher(line);
                    if (m.find()) {
                      port.complete(Integer.parseInt(m.group(1)));
                    }
                  }
                  port.completeExceptionally(new IOException("replica exited before listening"));
                } catch (IOException e) {
                  port.completeExceptionally(e);
                }
              },
              "replica-output");
      reader.setDaemon(true);
      reader.start();
      try {
        return new Replica(process, port.get(60, TimeUnit.SECONDS));
      } catch (Exception e) {
        process.destroyForcibly();
        throw e;
      }
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  /** Waits, bounded, until the replica serves the snapshot (it reads the file after listening). */
  private static void awaitServing(int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        RawHttp.Response response =
            RawHttp.exchange(
                port, "GET /balanced HTTP/1.1\r\nHost: shop.test\r\nConnection: close\r\n\r\n");
        if (response.status() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // listening, not yet accepting requests
      }
      assertThat(System.nanoTime()).as("replica serving within 30 s").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  @Test
  void aCookieFromOneReplicaReachesTheSamePodThroughAnother(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("snapshot.json");
    Files.write(file, SnapshotCodec.encode(snapshot(1, endpoints(), false)));
    try (Replica a = Replica.start(file);
        Replica b = Replica.start(file)) {
      awaitServing(a.httpPort());
      awaitServing(b.httpPort());
      for (String path : List.of("/balanced", "/persistent")) {
        for (int session = 0; session < 12; session++) {
          Visit onA = visit(a.httpPort(), path, null);
          Visit onB = visit(b.httpPort(), path, onA.cookie());
          assertThat(onB.pod()).as(path + " session " + session).isEqualTo(onA.pod());
          assertThat(onB.setCookie()).isNull();
        }
      }
    }
  }
}
