package dev.weir.dataplane;

import static dev.weir.dataplane.TestSnapshots.LOOPBACK;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Affinity;
import dev.weir.contract.snapshot.AffinityMode;
import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.BalancePolicy;
import dev.weir.contract.snapshot.Endpoint;
import dev.weir.contract.snapshot.PathType;
import dev.weir.contract.snapshot.Route;
import dev.weir.contract.snapshot.RouteSettings;
import dev.weir.contract.snapshot.VirtualHost;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.testing.EchoBackend;
import dev.weir.dataplane.testing.EchoBackend.Echo;
import dev.weir.dataplane.testing.RawHttp;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sticky balancing with an ejected endpoint, through real sockets: a pod dies while the snapshot
 * still lists it. Sessions (cookie affinity) and hash keys ({@code upstream-hash-by}) pinned to it
 * cost a failed connect until outlier detection ejects it, then move to a live pod and stay there,
 * without dialling the dead one again; sessions and keys of the other pods never move.
 */
class EjectedEndpointStickinessTest {
  private static final int SESSIONS = 12;

  final List<EchoBackend> pods = new ArrayList<>();
  final DataplaneMetrics metrics = new DataplaneMetrics();
  Dataplane dataplane;

  @BeforeEach
  void start() throws Exception {
    for (int i = 1; i <= 4; i++) {
      pods.add(EchoBackend.start("pod-" + i, "127.0.0.1", EchoBackend.Mode.JSON, Duration.ZERO));
    }
    List<Endpoint> endpoints = pods.stream().map(EchoBackend::endpoint).toList();
    dataplane = Dataplane.start(LOOPBACK, metrics);
    dataplane.apply(
        TestSnapshots.snapshot(
            1,
            List.of(
                VirtualHost.builder("shop.test")
                    .routes(
                        new Route(
                            PathType.PREFIX,
                            "/cart",
                            "sticky",
                            RouteSettings.builder()
                                .affinity(Affinity.builder().mode(AffinityMode.PERSISTENT).build())
                                .build()),
                        Route.prefix("/hashed", "hashed"))
                    .build()),
            List.of(
                Backend.of("sticky", endpoints),
                Backend.builder("hashed")
                    .endpoints(endpoints)
                    .policy(BalancePolicy.CONSISTENT_HASH)
                    .hashBy("$arg_user")
                    .build())));
  }

  @AfterEach
  void stop() {
    dataplane.close();
    pods.forEach(EchoBackend::close);
  }

  @Test
  void sessionsAndHashKeysPinnedToAnEjectedPodMoveToALiveOneAndTheOthersStay() throws Exception {
    Map<String, String> keyPods = new LinkedHashMap<>();
    for (int i = 0; i < SESSIONS; i++) {
      keyPods.put("user-" + i, get("/hashed?user=user-" + i, null).pod());
    }
    Map<String, String> sessionPods = new LinkedHashMap<>();
    for (int i = 0; i < SESSIONS; i++) {
      Visit v = get("/cart", null);
      sessionPods.put(v.cookie(), v.pod());
    }
    // The dead pod holds a hash key; new sessions go round robin, so it holds sessions too.
    String dead = keyPods.get("user-0");
    assertThat(sessionPods).containsValue(dead);
    EchoBackend killed = pods.stream().filter(p -> p.id().equals(dead)).findFirst().orElseThrow();
    killed.close();
    pods.remove(killed);

    String deadSession = firstKeyOn(sessionPods, dead);
    for (int i = 0; i < 3; i++) {
      // Each costs a refused connect, retried on a live pod: the third ejects the dead one.
      assertThat(get("/cart", deadSession).pod()).isNotEqualTo(dead);
      assertThat(get("/hashed?user=user-0", null).pod()).isNotEqualTo(dead);
    }
    assertThat(connectFailures("sticky")).isEqualTo(3);
    assertThat(connectFailures("hashed")).isEqualTo(3);

    Map<String, String> movedTo = new LinkedHashMap<>();
    for (int round = 0; round < 2; round++) {
      for (Map.Entry<String, String> session : sessionPods.entrySet()) {
        Visit v = get("/cart", session.getKey());
        if (session.getValue().equals(dead)) {
          assertThat(v.pod()).isNotEqualTo(dead);
          // The moved session keeps its new pod (a new cookie naming it, if one was set).
          String cookie = v.cookie() != null ? v.cookie() : session.getKey();
          assertThat(get("/cart", cookie).pod()).isEqualTo(v.pod());
        } else {
          assertThat(v.pod()).as("a session of a live pod").isEqualTo(session.getValue());
        }
      }
      for (Map.Entry<String, String> key : keyPods.entrySet()) {
        String pod = get("/hashed?user=" + key.getKey(), null).pod();
        if (key.getValue().equals(dead)) {
          assertThat(pod).isNotEqualTo(dead);
          assertThat(movedTo.putIfAbsent(key.getKey(), pod))
              .as("the same live pod in both rounds")
              .isIn(null, pod);
          assertThat(get("/hashed?user=" + key.getKey(), null).pod())
              .as("a moved key stays on its new pod")
              .isEqualTo(pod);
        } else {
          assertThat(pod).as("a key of a live pod").isEqualTo(key.getValue());
        }
      }
    }
    assertThat(connectFailures("sticky"))
        .as("no request dialled the ejected pod again")
        .isEqualTo(3);
    assertThat(connectFailures("hashed")).isEqualTo(3);
  }

  private record Visit(String pod, String cookie) {}

  private Visit get(String target, String cookie) throws IOException {
    RawHttp.Response response =
        RawHttp.exchange(
            dataplane.httpPort(),
            "GET "
                + target
                + " HTTP/1.1\r\nHost: shop.test\r\n"
                + (cookie == null ? "" : "Cookie: INGRESSCOOKIE=" + cookie + "\r\n")
                + "Connection: close\r\n\r\n");
    assertThat(response.status()).as(response.bodyText()).isEqualTo(200);
    String setCookie = response.header("set-cookie");
    return new Visit(
        Echo.parse(response.bodyText()).instance(),
        setCookie == null
            ? null
            : setCookie.substring("INGRESSCOOKIE=".length(), setCookie.indexOf(';')));
  }

  private static String firstKeyOn(Map<String, String> pinned, String pod) {
    return pinned.entrySet().stream()
        .filter(e -> e.getValue().equals(pod))
        .map(Map.Entry::getKey)
        .findFirst()
        .orElseThrow();
  }

  private double connectFailures(String backend) {
    Counter c =
        metrics
            .registry()
            .find("weir.upstream.failures")
            .tag("backend", backend)
            .tag("reason", "connect")
            .counter();
    return c == null ? 0 : c.count();
  }
}
