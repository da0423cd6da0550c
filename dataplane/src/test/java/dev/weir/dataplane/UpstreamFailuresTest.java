package dev.weir.dataplane;

import static dev.weir.dataplane.TestSnapshots.LOOPBACK;
import static dev.weir.dataplane.TestSnapshots.backend;
import static dev.weir.dataplane.TestSnapshots.everythingTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Endpoint;
import dev.weir.contract.snapshot.EndpointState;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.testing.EchoBackend;
import dev.weir.dataplane.testing.EchoBackend.Echo;
import dev.weir.dataplane.testing.RawHttp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Balancing and what clients see when endpoints are missing, down or slow. */
class UpstreamFailuresTest {
  Dataplane dataplane;
  final List<EchoBackend> backends = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    dataplane = Dataplane.start(LOOPBACK, new DataplaneMetrics());
  }

  @AfterEach
  void stop() {
    dataplane.close();
    backends.forEach(EchoBackend::close);
  }

  EchoBackend backendOn(String id, String address, Duration delay) throws Exception {
    EchoBackend b = EchoBackend.start(id, address, EchoBackend.Mode.JSON, delay);
    backends.add(b);
    return b;
  }

  RawHttp.Response request(String method) throws IOException {
    return RawHttp.exchange(
        dataplane.httpPort(),
        method + " /x HTTP/1.1\r\nHost: a.test\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  }

  /** A port on which nothing listens: bound, then released. */
  static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  @Test
  void roundRobinSpreadsRequestsEvenlyOverReadyEndpoints() throws Exception {
    EchoBackend a = backendOn("a", "127.0.0.1", Duration.ZERO);
    EchoBackend b = backendOn("b", "127.0.0.2", Duration.ZERO);
    EchoBackend c = backendOn("c", "127.0.0.3", Duration.ZERO);
    dataplane.apply(everythingTo(1, backend("pool", a.endpoint(), b.endpoint(), c.endpoint())));
    Map<String, Integer> hits = new HashMap<>();
    for (int i = 0; i < 30; i++) {
      hits.merge(Echo.parse(request("GET").bodyText()).instance(), 1, Integer::sum);
    }
    assertThat(hits).containsOnly(Map.entry("a", 10), Map.entry("b", 10), Map.entry("c", 10));
  }

  @Test
  void terminatingEndpointsServeOnlyWhenNoneIsReady() throws Exception {
    EchoBackend ready = backendOn("ready", "127.0.0.1", Duration.ZERO);
    EchoBackend leaving = backendOn("leaving", "127.0.0.2", Duration.ZERO);
    Endpoint terminating =
        new Endpoint(leaving.address(), leaving.port(), EndpointState.TERMINATING);
    dataplane.apply(everythingTo(1, backend("pool", ready.endpoint(), terminating)));
    for (int i = 0; i < 4; i++) {
      assertThat(Echo.parse(request("GET").bodyText()).instance()).isEqualTo("ready");
    }
    dataplane.apply(
        everythingTo(
            2,
            backend(
                "pool",
                terminating,
                new Endpoint(ready.address(), ready.port(), EndpointState.NOT_READY))));
    assertThat(Echo.parse(request("GET").bodyText()).instance()).isEqualTo("leaving");
  }

  @Test
  void backendWithoutEndpointsAnswers503() throws Exception {
    dataplane.apply(everythingTo(1, backend("empty")));
    assertThat(request("GET").status()).isEqualTo(503);
  }

  @Test
  void refusedConnectionAnswers502() throws Exception {
    dataplane.apply(everythingTo(1, backend("down", Endpoint.ready("127.0.0.1", closedPort()))));
    assertThat(request("GET").status()).isEqualTo(502);
  }

  @Test
  void idempotentRequestIsRetriedOnAnotherEndpointWhenOneIsDown() throws Exception {
    EchoBackend up = backendOn("up", "127.0.0.2", Duration.ZERO);
    dataplane.apply(
        everythingTo(1, backend("half", Endpoint.ready("127.0.0.1", closedPort()), up.endpoint())));
    for (int i = 0; i < 6; i++) {
      RawHttp.Response response = request("GET");
      assertThat(response.status()).isEqualTo(200);
      assertThat(Echo.parse(response.bodyText()).instance()).isEqualTo("up");
    }
  }

  @Test
  void nonIdempotentRequestIsRetriedAfterARefusedConnect() throws Exception {
    EchoBackend up = backendOn("up", "127.0.0.2", Duration.ZERO);
    dataplane.apply(
        everythingTo(1, backend("half", Endpoint.ready("127.0.0.1", closedPort()), up.endpoint())));
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      statuses.add(request("POST").status());
    }
    // No byte of a POST reaches a refused endpoint: sending it elsewhere cannot repeat it (nginx's
    // proxy_next_upstream error does the same).
    assertThat(statuses).containsExactly(200, 200, 200, 200);
    assertThat(up.requestCount()).isEqualTo(4);
  }

  @Test
  void nonIdempotentRequestIsNotRetriedWhenTheUpstreamTimesOutAfterReceivingIt() throws Exception {
    EchoBackend slow = backendOn("slow", "127.0.0.1", Duration.ofSeconds(2));
    EchoBackend fast = backendOn("fast", "127.0.0.2", Duration.ZERO);
    dataplane.apply(
        everythingTo(1, backend("pool", 1_000, 300, 2, slow.endpoint(), fast.endpoint())));
    List<Integer> post = new ArrayList<>();
    List<Integer> get = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      post.add(request("POST").status());
    }
    for (int i = 0; i < 2; i++) {
      get.add(request("GET").status());
    }
    // The POST the slow pod took may have been acted on: 504, not a second copy elsewhere.
    assertThat(post).containsExactlyInAnyOrder(200, 504);
    assertThat(get).containsExactly(200, 200);
  }

  @Test
  void slowBackendAnswers504AfterTheReadTimeout() throws Exception {
    EchoBackend slow = backendOn("slow", "127.0.0.1", Duration.ofSeconds(3));
    dataplane.apply(everythingTo(1, backend("slow", 1_000, 300, 1, slow.endpoint())));
    long start = System.nanoTime();
    assertThat(request("GET").status()).isEqualTo(504);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void staleKeepAliveConnectionIsReplacedTransparently() throws Exception {
    EchoBackend a = backendOn("a", "127.0.0.1", Duration.ZERO);
    dataplane.apply(everythingTo(1, backend("a", a.endpoint())));
    assertThat(request("GET").status()).isEqualTo(200);
    // The backend restarts on the same port: the pooled connection is now dead.
    int port = a.port();
    a.close();
    backends.remove(a);
    EchoBackend again = null;
    for (int i = 0; i < 50 && again == null; i++) {
      try {
        again = EchoBackend.startOnPort("a2", "127.0.0.1", port);
      } catch (Exception bindFailed) {
        Thread.sleep(20);
      }
    }
    assertThat(again).as("backend restarted on port " + port).isNotNull();
    backends.add(again);
    RawHttp.Response response = request("GET");
    assertThat(response.status()).isEqualTo(200);
    assertThat(Echo.parse(response.bodyText()).instance()).isEqualTo("a2");
  }

  /** Two requests on one client connection, so both use the same event loop's pool. */
  static List<RawHttp.Response> twoRequests(int port, String first, String second)
      throws IOException {
    try (RawHttp http = new RawHttp("127.0.0.1", port)) {
      http.send(first);
      RawHttp.Response a = http.readResponse(false);
      http.send(second);
      return List.of(a, http.readResponse(false));
    }
  }

  @Test
  void idempotentRequestOnAConnectionClosedAsItArrivesIsRetriedOnAFreshOne() throws Exception {
    EchoBackend racy =
        EchoBackend.start(
            "racy", "127.0.0.1", EchoBackend.Mode.CLOSE_ON_SECOND_REQUEST, Duration.ZERO);
    backends.add(racy);
    dataplane.apply(everythingTo(1, backend("racy", racy.endpoint())));
    List<RawHttp.Response> responses =
        twoRequests(
            dataplane.httpPort(),
            "GET /1 HTTP/1.1\r\nHost: a.test\r\n\r\n",
            "GET /2 HTTP/1.1\r\nHost: a.test\r\n\r\n");
    assertThat(responses).extracting(RawHttp.Response::status).containsExactly(200, 200);
    assertThat(Echo.parse(responses.get(1).bodyText()).uri()).isEqualTo("/2");
    // /1, /2 on the reused connection (dropped), /2 again on a fresh one.
    assertThat(racy.requestCount()).isEqualTo(3);
  }

  @Test
  void requestWhoseBodyWasSentIsNotRetriedWhenTheReusedConnectionCloses() throws Exception {
    EchoBackend racy =
        EchoBackend.start(
            "racy", "127.0.0.1", EchoBackend.Mode.CLOSE_ON_SECOND_REQUEST, Duration.ZERO);
    backends.add(racy);
    dataplane.apply(everythingTo(1, backend("racy", racy.endpoint())));
    List<RawHttp.Response> responses =
        twoRequests(
            dataplane.httpPort(),
            "GET /1 HTTP/1.1\r\nHost: a.test\r\n\r\n",
            "PUT /2 HTTP/1.1\r\nHost: a.test\r\nContent-Length: 3\r\n\r\nabc");
    // PUT is idempotent, but its body is gone: it cannot be sent again.
    assertThat(responses).extracting(RawHttp.Response::status).containsExactly(200, 502);
    assertThat(racy.requestCount()).isEqualTo(2);
  }

  @Test
  void nonIdempotentRequestIsNotRetriedWhenTheReusedConnectionCloses() throws Exception {
    EchoBackend racy =
        EchoBackend.start(
            "racy", "127.0.0.1", EchoBackend.Mode.CLOSE_ON_SECOND_REQUEST, Duration.ZERO);
    backends.add(racy);
    dataplane.apply(everythingTo(1, backend("racy", racy.endpoint())));
    List<RawHttp.Response> responses =
        twoRequests(
            dataplane.httpPort(),
            "GET /1 HTTP/1.1\r\nHost: a.test\r\n\r\n",
            "POST /2 HTTP/1.1\r\nHost: a.test\r\nContent-Length: 0\r\n\r\n");
    // The backend read the whole POST before closing: it may have acted on it (RFC 9110 §9.2.2).
    assertThat(responses).extracting(RawHttp.Response::status).containsExactly(200, 502);
    assertThat(racy.requestCount()).isEqualTo(2);
  }
}
