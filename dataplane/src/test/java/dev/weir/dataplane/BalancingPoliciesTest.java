package dev.weir.dataplane;

import static dev.weir.dataplane.TestSnapshots.LOOPBACK;
import static dev.weir.dataplane.TestSnapshots.everythingTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.BalancePolicy;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.testing.EchoBackend;
import dev.weir.dataplane.testing.EchoBackend.Echo;
import dev.weir.dataplane.testing.RawHttp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A backend's balancing policy end to end: consistent hashing and EWMA over real backends. */
class BalancingPoliciesTest {
  final List<EchoBackend> pods = new ArrayList<>();
  Dataplane dataplane;

  @AfterEach
  void stop() {
    if (dataplane != null) {
      dataplane.close();
    }
    pods.forEach(EchoBackend::close);
  }

  private static String pod(int port, String target, String user) throws Exception {
    RawHttp.Response response =
        RawHttp.exchange(
            port,
            "GET "
                + target
                + " HTTP/1.1\r\nHost: a.test\r\nX-User: "
                + user
                + "\r\nConnection: close\r\n\r\n");
    assertThat(response.status()).isEqualTo(200);
    return Echo.parse(response.bodyText()).instance();
  }

  @Test
  void consistentHashSendsTheSameKeyToTheSamePodAndSpreadsKeys() throws Exception {
    for (int i = 1; i <= 3; i++) {
      pods.add(
          EchoBackend.start("pod-" + i, "127.0.0.2" + i, EchoBackend.Mode.JSON, Duration.ZERO));
    }
    dataplane = Dataplane.start(LOOPBACK, new DataplaneMetrics());
    dataplane.apply(
        everythingTo(
            1,
            Backend.builder("web")
                .endpoints(pods.stream().map(EchoBackend::endpoint).toList())
                .policy(BalancePolicy.CONSISTENT_HASH)
                .hashBy("$http_x_user$arg_tenant")
                .build()));
    Map<String, String> podOf = new HashMap<>();
    for (int user = 0; user < 30; user++) {
      podOf.put("user-" + user, pod(dataplane.httpPort(), "/?tenant=t1", "user-" + user));
    }
    for (Map.Entry<String, String> e : podOf.entrySet()) {
      assertThat(pod(dataplane.httpPort(), "/other/path?tenant=t1", e.getKey()))
          .isEqualTo(e.getValue());
    }
    assertThat(podOf.values()).containsAll(List.of("pod-1", "pod-2", "pod-3"));
  }

  @Test
  void ewmaSendsMostRequestsToTheFasterPod() throws Exception {
    pods.add(
        EchoBackend.start("slow", "127.0.0.31", EchoBackend.Mode.JSON, Duration.ofMillis(150)));
    pods.add(EchoBackend.start("fast", "127.0.0.32", EchoBackend.Mode.JSON, Duration.ZERO));
    dataplane = Dataplane.start(LOOPBACK, new DataplaneMetrics());
    dataplane.apply(
        everythingTo(
            1,
            Backend.builder("web")
                .endpoints(pods.stream().map(EchoBackend::endpoint).toList())
                .policy(BalancePolicy.EWMA)
                .build()));
    int fast = 0;
    for (int i = 0; i < 40; i++) {
      if (pod(dataplane.httpPort(), "/", "u").equals("fast")) {
        fast++;
      }
    }
    // Round robin would give the fast pod 20; after the first slow answers EWMA avoids the slow
    // one.
    assertThat(fast).isGreaterThanOrEqualTo(34);
  }
}
