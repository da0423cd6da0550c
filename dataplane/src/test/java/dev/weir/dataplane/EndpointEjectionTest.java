package dev.weir.dataplane;

import static dev.weir.dataplane.TestSnapshots.LOOPBACK;
import static dev.weir.dataplane.TestSnapshots.backend;
import static dev.weir.dataplane.TestSnapshots.everythingTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.cli.OutlierSettings;
import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.Endpoint;
import dev.weir.contract.snapshot.Timeouts;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.testing.EchoBackend;
import dev.weir.dataplane.testing.EchoBackend.Echo;
import dev.weir.dataplane.testing.RawHttp;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Pods that fail before Kubernetes notices (the snapshot still lists them): passive ejection, safe
 * retries and fair retry picks, through real sockets on loopback addresses.
 */
class EndpointEjectionTest {
  // Short back-offs so that a returning endpoint is seen without long waits.
  static final OutlierSettings QUICK =
      OutlierSettings.DEFAULTS.withEjection(Duration.ofMillis(300), Duration.ofSeconds(2));

  final DataplaneMetrics metrics = new DataplaneMetrics();
  final List<AutoCloseable> closing = new ArrayList<>();
  Dataplane dataplane;

  @AfterEach
  void stop() throws Exception {
    if (dataplane != null) {
      dataplane.close();
    }
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  void start(OutlierSettings outliers) throws Exception {
    dataplane = Dataplane.start(LOOPBACK.withOutliers(outliers), metrics);
  }

  EchoBackend pod(String id, String address) throws Exception {
    EchoBackend b = EchoBackend.start(id, address, EchoBackend.Mode.JSON, Duration.ZERO);
    closing.add(b);
    return b;
  }

  /** Where a pod was: its address and a port nothing listens on any more (connects refused). */
  static Endpoint deadPod(String address) throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(address))) {
      return Endpoint.ready(address, s.getLocalPort());
    }
  }

  RawHttp.Response get() throws IOException {
    return RawHttp.exchange(
        dataplane.httpPort(), "GET /x HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n");
  }

  double connectFailures() {
    Counter c =
        metrics.registry().find("weir.upstream.failures").tag("reason", "connect").counter();
    return c == null ? 0 : c.count();
  }

  double ejections() {
    Counter c = metrics.registry().find("weir.upstream.ejections").counter();
    return c == null ? 0 : c.count();
  }

  /**
   * Continuous load from a few keep-alive clients, GETs and POSTs in turn, until {@code
   * deadlineNanos} (or a request bound): statuses by method, and the times of connect failures.
   */
  final class Load implements AutoCloseable {
    final Map<String, Map<Integer, AtomicInteger>> statuses = new ConcurrentHashMap<>();
    final List<Thread> clients = new ArrayList<>();
    final AtomicLong requests = new AtomicLong();
    volatile boolean stop;

    Load(int clientCount, int maxRequests) {
      for (int i = 0; i < clientCount; i++) {
        int id = i;
        Thread t =
            new Thread(
                () -> {
                  int n = 0;
                  while (!stop && requests.incrementAndGet() <= maxRequests) {
                    try (RawHttp http = new RawHttp("127.0.0.1", dataplane.httpPort())) {
                      for (int k = 0; k < 100 && !stop; k++, n++) {
                        String method = (n + id) % 2 == 0 ? "GET" : "POST";
                        http.send(
                            method.equals("GET")
                                ? "GET /x HTTP/1.1\r\nHost: a.test\r\n\r\n"
                                : "POST /x HTTP/1.1\r\nHost: a.test\r\nContent-Length: 3\r\n\r\nabc");
                        RawHttp.Response r = http.readResponse(false);
                        statuses
                            .computeIfAbsent(method, m -> new ConcurrentHashMap<>())
                            .computeIfAbsent(r.status(), s -> new AtomicInteger())
                            .incrementAndGet();
                        if (r.status() != 200 || "close".equals(r.header("connection"))) {
                          break;
                        }
                      }
                    } catch (IOException e) {
                      statuses
                          .computeIfAbsent("IO", m -> new ConcurrentHashMap<>())
                          .computeIfAbsent(0, s -> new AtomicInteger())
                          .incrementAndGet();
                    }
                  }
                },
                "load-" + i);
        t.start();
        clients.add(t);
      }
    }

    Map<String, Map<Integer, Integer>> counts() {
      Map<String, Map<Integer, Integer>> out = new TreeMap<>();
      statuses.forEach(
          (m, byStatus) -> {
            Map<Integer, Integer> c = new TreeMap<>();
            byStatus.forEach((s, n) -> c.put(s, n.get()));
            out.put(m, c);
          });
      return out;
    }

    int failed(String method) {
      return counts().getOrDefault(method, Map.of()).entrySet().stream()
          .filter(e -> e.getKey() != 200)
          .mapToInt(Map.Entry::getValue)
          .sum();
    }

    @Override
    public void close() throws InterruptedException {
      stop = true;
      for (Thread t : clients) {
        t.join(10_000);
      }
    }
  }

  @Test
  void aPodKilledAbruptlyStopsGettingRequestsWithinASecondAndNoPostFails() throws Exception {
    start(OutlierSettings.DEFAULTS);
    EchoBackend a = pod("a", "127.0.0.1");
    EchoBackend b = pod("b", "127.0.0.2");
    EchoBackend c = pod("c", "127.0.0.3");
    dataplane.apply(everythingTo(1, backend("pool", a.endpoint(), b.endpoint(), c.endpoint())));
    double attemptsInFirstSecond;
    double attemptsAfter;
    Map<String, Map<Integer, Integer>> counts;
    long afterNanos;
    try (Load load = new Load(4, 200_000)) {
      Thread.sleep(300);
      // Killed: listener closed, connections reset; the snapshot still lists it.
      closing.remove(c);
      c.close();
      long killed = System.nanoTime();
      Thread.sleep(1_000);
      attemptsInFirstSecond = connectFailures();
      long after = System.nanoTime();
      Thread.sleep(1_500);
      attemptsAfter = connectFailures() - attemptsInFirstSecond;
      afterNanos = System.nanoTime() - after;
      load.close();
      counts = load.counts();
      System.out.printf(
          "abrupt kill: connect attempts to the dead pod: %.0f in the first second, %.1f/s after;"
              + " statuses by method %s; requests %d in %.1f s%n",
          attemptsInFirstSecond,
          attemptsAfter / (afterNanos / 1e9),
          counts,
          counts.values().stream()
              .flatMap(m -> m.values().stream())
              .mapToInt(Integer::intValue)
              .sum(),
          (System.nanoTime() - killed) / 1e9);
      // Only a POST the pod had taken as it died may fail (it cannot be sent again): at most one
      // per client. None fails for a refused connect.
      assertThat(load.failed("POST")).as("POSTs failed: %s", counts).isLessThanOrEqualTo(4);
      assertThat(load.failed("GET")).as("GETs failed: %s", counts).isZero();
      assertThat(load.failed("IO")).as("connections broken: %s", counts).isZero();
    }
    assertThat(attemptsAfter).as("connect attempts to the dead pod after a second").isLessThan(3);
    assertThat(ejections()).isEqualTo(1);
    assertThat(
            metrics
                .registry()
                .find("weir.upstream.ejected.endpoints")
                .tag("backend", "pool")
                .gauge())
        .extracting(Gauge::value)
        .isEqualTo(1.0);
  }

  @Test
  void withOnePodOfThreeDeadTheTwoLiveOnesEachGetAboutHalf() throws Exception {
    start(OutlierSettings.DEFAULTS);
    EchoBackend a = pod("a", "127.0.0.1");
    EchoBackend b = pod("b", "127.0.0.2");
    dataplane.apply(
        everythingTo(1, backend("pool", a.endpoint(), b.endpoint(), deadPod("127.0.0.3"))));
    Map<String, Integer> hits = new TreeMap<>();
    for (int i = 0; i < 90; i++) {
      RawHttp.Response r = get();
      assertThat(r.status()).isEqualTo(200);
      hits.merge(Echo.parse(r.bodyText()).instance(), 1, Integer::sum);
    }
    assertThat(hits.get("a")).as("hits %s", hits).isBetween(36, 54);
    assertThat(hits.get("b")).as("hits %s", hits).isBetween(36, 54);
  }

  @Test
  void withTwoPodsOfThreeDeadNoGetFails() throws Exception {
    start(OutlierSettings.DEFAULTS);
    EchoBackend a = pod("a", "127.0.0.1");
    dataplane.apply(
        everythingTo(1, backend("pool", deadPod("127.0.0.2"), a.endpoint(), deadPod("127.0.0.3"))));
    for (int i = 0; i < 30; i++) {
      assertThat(get().status()).isEqualTo(200);
    }
  }

  @Test
  void aHungPodIsEjectedAfterItsTimeoutsAndTheOthersStayFast() throws Exception {
    start(OutlierSettings.DEFAULTS);
    EchoBackend a = pod("a", "127.0.0.1");
    EchoBackend b = pod("b", "127.0.0.2");
    AcceptingPod hung = new AcceptingPod("127.0.0.3", true);
    closing.add(hung);
    Backend pool =
        Backend.builder("pool")
            .endpoints(a.endpoint(), b.endpoint(), hung.endpoint())
            .timeouts(new Timeouts(1_000, 200))
            .build();
    dataplane.apply(everythingTo(1, pool));
    for (int i = 0; i < 15; i++) {
      assertThat(get().status()).isEqualTo(200);
    }
    int accepted = hung.accepted.get();
    List<Long> millis = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      long start = System.nanoTime();
      assertThat(get().status()).isEqualTo(200);
      millis.add((System.nanoTime() - start) / 1_000_000);
    }
    assertThat(hung.accepted.get())
        .as("requests reaching the hung pod once ejected")
        .isEqualTo(accepted);
    assertThat(millis).allMatch(ms -> ms < 150, "each under the read timeout");
  }

  @Test
  void whenEveryPodFailsTrafficStillSpreadsAndFailsWith502() throws Exception {
    start(OutlierSettings.DEFAULTS);
    List<AcceptingPod> pods = new ArrayList<>();
    for (String address : List.of("127.0.0.1", "127.0.0.2", "127.0.0.3")) {
      AcceptingPod p = new AcceptingPod(address, false);
      closing.add(p);
      pods.add(p);
    }
    dataplane.apply(
        everythingTo(
            1,
            backend(
                "pool", pods.get(0).endpoint(), pods.get(1).endpoint(), pods.get(2).endpoint())));
    for (int i = 0; i < 30; i++) {
      assertThat(get().status()).isEqualTo(502);
    }
    // At most one of three is ejected (half, rounded down): the others keep their share.
    assertThat(pods).filteredOn(p -> p.accepted.get() > 10).hasSizeGreaterThanOrEqualTo(2);
    assertThat(ejections()).isEqualTo(1);
  }

  @Test
  void anEjectedPodThatRecoversGetsTrafficAgainAfterItsBackOff() throws Exception {
    start(QUICK);
    EchoBackend a = pod("a", "127.0.0.1");
    Endpoint dead = deadPod("127.0.0.2");
    dataplane.apply(everythingTo(1, backend("pool", a.endpoint(), dead)));
    for (int i = 0; i < 10; i++) {
      assertThat(get().status()).isEqualTo(200);
    }
    assertThat(ejections()).isEqualTo(1);
    EchoBackend back = EchoBackend.startOnPort("back", dead.address(), dead.port());
    closing.add(back);
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (back.requestCount() == 0 && System.nanoTime() < deadline) {
      assertThat(get().status()).isEqualTo(200);
      Thread.sleep(20);
    }
    assertThat(back.requestCount()).as("requests to the recovered pod").isPositive();
  }

  @Test
  void ejectionSurvivesASnapshotThatKeepsTheEndpoint() throws Exception {
    start(OutlierSettings.DEFAULTS);
    EchoBackend a = pod("a", "127.0.0.1");
    EchoBackend b = pod("b", "127.0.0.2");
    Endpoint dead = deadPod("127.0.0.3");
    dataplane.apply(everythingTo(1, backend("pool", a.endpoint(), dead)));
    for (int i = 0; i < 10; i++) {
      assertThat(get().status()).isEqualTo(200);
    }
    double failures = connectFailures();
    dataplane.apply(everythingTo(2, backend("pool", a.endpoint(), b.endpoint(), dead)));
    for (int i = 0; i < 20; i++) {
      assertThat(get().status()).isEqualTo(200);
    }
    assertThat(connectFailures()).isEqualTo(failures);
  }

  /**
   * A pod that accepts connections and then either never answers ({@code hang}) or resets each one
   * at once.
   */
  static final class AcceptingPod implements AutoCloseable {
    final ServerSocket server;
    final AtomicInteger accepted = new AtomicInteger();
    final List<Socket> held = new CopyOnWriteArrayList<>();

    AcceptingPod(String address, boolean hang) throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getByName(address));
      Thread t =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try {
                    Socket s = server.accept();
                    accepted.incrementAndGet();
                    if (hang) {
                      held.add(s);
                    } else {
                      s.setSoLinger(true, 0);
                      s.close();
                    }
                  } catch (IOException closed) {
                    if (server.isClosed()) {
                      return;
                    }
                  }
                }
              },
              hang ? "hung-pod" : "resetting-pod");
      t.setDaemon(true);
      t.start();
    }

    Endpoint endpoint() {
      return Endpoint.ready(server.getInetAddress().getHostAddress(), server.getLocalPort());
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : held) {
        s.close();
      }
    }
  }
}
