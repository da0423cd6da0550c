package dev.weir.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.operator.state.ObjectRef;
import dev.weir.operator.testing.MockApiServer;
import dev.weir.operator.testing.SettableClock;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Status, Events and leader election against fabric8's mock API server in CRUD mode. */
class StatusTest {
  private MockApiServer server;
  private KubernetesClient client;

  @BeforeEach
  void startServer() {
    server = new MockApiServer();
    client = server.client();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void writesOurIngressesStatusAndClearsThoseNoLongerOurs() {
    PublishAddresses addresses = PublishAddresses.fixed(List.of("192.0.2.10", "lb.example.com"));
    create(ingress("a", List.of()));
    create(ingress("b", List.of()));
    create(ingress("other-controller", List.of("198.51.100.7")));
    create(ingress("was-ours", List.of("192.0.2.10", "lb.example.com")));
    IngressStatusWriter writer = new IngressStatusWriter(client, addresses);

    int written = writer.reconcile(all(), Set.of(ref("a"), ref("b")));

    assertThat(written).isEqualTo(3);
    assertThat(status("a")).containsExactly("192.0.2.10", "lb.example.com");
    assertThat(status("b")).containsExactly("192.0.2.10", "lb.example.com");
    assertThat(status("other-controller")).containsExactly("198.51.100.7");
    assertThat(status("was-ours")).isEmpty();

    assertThat(writer.reconcile(all(), Set.of(ref("a"), ref("b")))).isZero();

    writer.reconcile(all(), Set.of(ref("a")));
    assertThat(status("b")).isEmpty();
    assertThat(status("a")).containsExactly("192.0.2.10", "lb.example.com");
  }

  @Test
  void publishServiceGivesItsLoadBalancerAddressElseItsClusterIp() {
    client
        .services()
        .inNamespace("weir")
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("dataplane")
                .withNamespace("weir")
                .endMetadata()
                .withNewSpec()
                .withClusterIP("10.96.0.50")
                .withClusterIPs("10.96.0.50")
                .endSpec()
                .build())
        .create();
    PublishAddresses addresses = PublishAddresses.ofService(client, "weir", "dataplane");
    assertThat(addresses.current()).extracting(a -> a.getIp()).containsExactly("10.96.0.50");

    client
        .services()
        .inNamespace("weir")
        .withName("dataplane")
        .editStatus(
            s ->
                new ServiceBuilder(s)
                    .withNewStatus()
                    .withNewLoadBalancer()
                    .addNewIngress()
                    .withIp("203.0.113.9")
                    .endIngress()
                    .endLoadBalancer()
                    .endStatus()
                    .build());
    assertThat(addresses.current()).extracting(a -> a.getIp()).containsExactly("203.0.113.9");

    assertThat(PublishAddresses.ofService(client, "weir", "missing").current()).isEmpty();
  }

  @Test
  void eventNamesTheObjectAndRepeatsOnlyAfterTheInterval() {
    create(ingress("shop", List.of()));
    SettableClock clock = new SettableClock(Instant.parse("2026-11-21T12:00:00Z"));
    EventRecorder events = new EventRecorder(client, "op-0", clock, Duration.ofMinutes(10), 10, 20);
    ObjectRef shop = ref("shop");

    assertThat(events.warn(shop, "SecretNotFound", "Secret shop/tls does not exist")).isTrue();
    assertThat(events.warn(shop, "SecretNotFound", "Secret shop/tls does not exist")).isFalse();

    List<Event> list = client.v1().events().inNamespace("shop").list().getItems();
    assertThat(list).hasSize(1);
    Event event = list.get(0);
    assertThat(event.getType()).isEqualTo("Warning");
    assertThat(event.getReason()).isEqualTo("SecretNotFound");
    assertThat(event.getMessage()).isEqualTo("Secret shop/tls does not exist");
    assertThat(event.getInvolvedObject().getKind()).isEqualTo("Ingress");
    assertThat(event.getInvolvedObject().getName()).isEqualTo("shop");
    assertThat(event.getInvolvedObject().getApiVersion()).isEqualTo("networking.k8s.io/v1");
    assertThat(event.getInvolvedObject().getUid()).isNotNull();
    assertThat(event.getCount()).isEqualTo(1);

    clock.advance(Duration.ofMinutes(11));
    assertThat(events.warn(shop, "SecretNotFound", "Secret shop/tls does not exist")).isTrue();
    List<Event> after = client.v1().events().inNamespace("shop").list().getItems();
    assertThat(after).hasSize(1);
    assertThat(after.get(0).getCount()).isEqualTo(2);
  }

  @Test
  void burstOfDistinctEventsIsCappedByTheTokenBucket() {
    SettableClock clock = new SettableClock(Instant.parse("2026-11-21T12:00:00Z"));
    EventRecorder events = new EventRecorder(client, "op-0", clock, Duration.ofMinutes(10), 1, 3);

    int written = 0;
    for (int i = 0; i < 10; i++) {
      written +=
          events.warn(ref("ing-" + i), "ServiceNotFound", "Service shop/x" + i + " does not exist")
              ? 1
              : 0;
    }
    assertThat(written).isEqualTo(3);
    assertThat(events.dropped()).isEqualTo(7);

    clock.advance(Duration.ofSeconds(2));
    assertThat(events.warn(ref("ing-9"), "ServiceNotFound", "Service shop/x9 does not exist"))
        .isTrue();
  }

  @Test
  void exactlyOneReplicaLeadsAndAnotherTakesOverWhenItLeaves() throws Exception {
    LeaderElection.Timing fast =
        new LeaderElection.Timing(
            Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofMillis(200));
    LeaderElection first =
        new LeaderElection(client, "weir", "weir-operator", "op-1", fast, () -> {});
    LeaderElection second =
        new LeaderElection(client, "weir", "weir-operator", "op-2", fast, () -> {});
    try {
      first.start();
      await(first::isLeader);
      second.start();
      Thread.sleep(1_000);
      assertThat(second.isLeader()).isFalse();

      first.close();
      await(second::isLeader);
      assertThat(first.isLeader()).isFalse();
    } finally {
      first.close();
      second.close();
    }
  }

  private void create(Ingress ingress) {
    Ingress created =
        client.network().v1().ingresses().inNamespace("shop").resource(ingress).create();
    if (ingress.getStatus() != null) {
      client
          .network()
          .v1()
          .ingresses()
          .inNamespace("shop")
          .withName(created.getMetadata().getName())
          .editStatus(i -> new IngressBuilder(i).withStatus(ingress.getStatus()).build());
    }
  }

  private List<Ingress> all() {
    return client.network().v1().ingresses().inNamespace("shop").list().getItems();
  }

  private List<String> status(String name) {
    Ingress ingress = client.network().v1().ingresses().inNamespace("shop").withName(name).get();
    return IngressStatusWriter.currentStatus(ingress).stream()
        .map(a -> a.getIp() != null ? a.getIp() : a.getHostname())
        .toList();
  }

  private static ObjectRef ref(String name) {
    return new ObjectRef("Ingress", "shop", name);
  }

  private static Ingress ingress(String name, List<String> status) {
    IngressBuilder builder =
        new IngressBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace("shop")
            .endMetadata()
            .withNewSpec()
            .withIngressClassName("weir")
            .endSpec();
    if (!status.isEmpty()) {
      builder
          .withNewStatus()
          .withNewLoadBalancer()
          .withIngress(
              status.stream()
                  .map(
                      a ->
                          Character.isDigit(a.charAt(0))
                              ? new IngressLoadBalancerIngressBuilder().withIp(a).build()
                              : new IngressLoadBalancerIngressBuilder().withHostname(a).build())
                  .toList())
          .endLoadBalancer()
          .endStatus();
    }
    return builder.build();
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 15 s");
      }
      Thread.sleep(50);
    }
  }
}
