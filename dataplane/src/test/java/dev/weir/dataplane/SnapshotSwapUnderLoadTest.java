package dev.weir.dataplane;

import static dev.weir.dataplane.TestSnapshots.LOOPBACK;
import static dev.weir.dataplane.TestSnapshots.backend;
import static dev.weir.dataplane.TestSnapshots.everythingTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.testing.EchoBackend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Snapshots swapped every 50 ms under continuous load: no request is lost or fails. */
class SnapshotSwapUnderLoadTest {
  static final int CLIENTS = 4;
  static final Duration LOAD = Duration.ofSeconds(3);

  @Test
  void swappingSnapshotsUnderConcurrentLoadLosesNoRequest() throws Exception {
    try (EchoBackend a = EchoBackend.start("a", "127.0.0.1", EchoBackend.Mode.JSON, Duration.ZERO);
        EchoBackend b = EchoBackend.start("b", "127.0.0.2", EchoBackend.Mode.JSON, Duration.ZERO);
        Dataplane dataplane = Dataplane.start(LOOPBACK, new DataplaneMetrics())) {
      // Odd versions route to a alone, even ones to a and b: b's pool is dropped and rebuilt
      // every 100 ms while requests to it may be in flight.
      dataplane.apply(everythingTo(1, backend("one", a.endpoint())));
      URI uri = URI.create("http://127.0.0.1:" + dataplane.httpPort() + "/load");
      long deadline = System.nanoTime() + LOAD.toNanos();
      Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
      Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();

      ExecutorService pool = Executors.newFixedThreadPool(CLIENTS + 1);
      List<Future<?>> tasks = new ArrayList<>();
      tasks.add(
          pool.submit(
              () -> {
                long version = 2;
                while (System.nanoTime() < deadline) {
                  dataplane.apply(
                      version % 2 == 0
                          ? everythingTo(version, backend("two", a.endpoint(), b.endpoint()))
                          : everythingTo(version, backend("one", a.endpoint())));
                  version++;
                  Thread.sleep(50);
                }
                return null;
              }));
      for (int c = 0; c < CLIENTS; c++) {
        tasks.add(
            pool.submit(
                () -> {
                  HttpClient client =
                      HttpClient.newBuilder()
                          .version(HttpClient.Version.HTTP_1_1)
                          .connectTimeout(Duration.ofSeconds(5))
                          .build();
                  while (System.nanoTime() < deadline) {
                    try {
                      HttpResponse<String> response =
                          client.send(
                              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                              HttpResponse.BodyHandlers.ofString());
                      statuses
                          .computeIfAbsent(response.statusCode(), s -> new AtomicInteger())
                          .incrementAndGet();
                    } catch (Exception e) {
                      failures
                          .computeIfAbsent(e.toString(), s -> new AtomicInteger())
                          .incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> task : tasks) {
        task.get(LOAD.toSeconds() + 20, TimeUnit.SECONDS);
      }
      pool.shutdown();

      assertThat(failures).isEmpty();
      assertThat(statuses.keySet()).containsExactly(200);
      assertThat(statuses.get(200).get()).isGreaterThan(100);
      assertThat(b.requestCount()).isPositive();
    }
  }
}
