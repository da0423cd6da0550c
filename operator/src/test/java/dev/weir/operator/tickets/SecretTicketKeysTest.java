package dev.weir.operator.tickets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.SnapshotUpdate;
import dev.weir.operator.metrics.OperatorMetrics;
import dev.weir.operator.publish.TranslationLoop;
import dev.weir.operator.source.ManifestSource;
import dev.weir.operator.status.LeaderElection;
import dev.weir.operator.testing.MockApiServer;
import dev.weir.operator.testing.SettableClock;
import dev.weir.operator.translate.TranslateOptions;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Session-ticket keys in a Secret, against fabric8's mock API server in CRUD mode: the leader
 * creates and rotates it, every replica reads it, a new leader keeps its keys, a corrupt one is
 * replaced. Rotation time comes from a clock the test moves; only the API's watch is waited for.
 */
class SecretTicketKeysTest {
  private static final String NAMESPACE = "weir";
  private static final String NAME = "weir-session-ticket-keys";
  private static final RotationPolicy HOURLY = new RotationPolicy(Duration.ofHours(1));
  private static final Duration WAIT = Duration.ofSeconds(15);

  private MockApiServer server;
  private KubernetesClient client;
  private final SettableClock clock = new SettableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeEach
  void startServer() {
    server = new MockApiServer();
    client = server.client();
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
    server.close();
  }

  @Test
  void theLeaderCreatesTheSecretAndTheNextLeaderLoadsTheSameKeysInsteadOfNewOnes()
      throws Exception {
    LeaderElection.Timing fast =
        new LeaderElection.Timing(
            Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofMillis(200));
    LeaderElection[] firstElection = new LeaderElection[1];
    SecretTicketKeys first = keys(() -> firstElection[0].isLeader());
    firstElection[0] =
        new LeaderElection(client, NAMESPACE, "lease", "op-1", fast, first::startLeading);
    assertThat(first.start(() -> {}, WAIT)).isTrue();
    assertThat(first.ring().isEmpty()).isTrue();
    firstElection[0].start();
    await("the first leader creates the Secret", () -> stored() != null);
    TicketKeyRing created = TicketKeySecretFormat.decode(stored().getData());
    assertThat(created.keys()).hasSize(1);
    await("the first leader publishes the keys it wrote", () -> created.equals(first.ring()));
    String version = stored().getMetadata().getResourceVersion();
    firstElection[0].close();
    first.close();

    LeaderElection[] secondElection = new LeaderElection[1];
    SecretTicketKeys second = keys(() -> secondElection[0].isLeader());
    secondElection[0] =
        new LeaderElection(client, NAMESPACE, "lease", "op-2", fast, second::startLeading);
    closeables.add(secondElection[0]);
    assertThat(second.start(() -> {}, WAIT)).isTrue();
    // Read before leading: a restarted operator's first snapshot already has the keys.
    assertThat(second.ring()).isEqualTo(created);
    secondElection[0].start();
    await("the second replica leads", secondElection[0]::isLeader);
    assertThat(second.reconcile()).isEqualTo(clock.instant().plus(Duration.ofHours(1)));

    assertThat(second.ring()).isEqualTo(created);
    assertThat(stored().getMetadata().getResourceVersion()).isEqualTo(version);
  }

  @Test
  void aRotationUpdatesTheSecretTheFollowersAndThePublishedSnapshot(@TempDir Path manifests)
      throws Exception {
    SecretTicketKeys leader = keys(() -> true);
    SecretTicketKeys follower = keys(() -> false);
    List<SnapshotUpdate> published = new CopyOnWriteArrayList<>();
    TranslationLoop loop =
        new TranslationLoop(
            new ManifestSource(manifests),
            state -> TranslateOptions.defaults(),
            List.of(published::add),
            List.of(),
            new OperatorMetrics(List::of),
            clock,
            follower::current);
    closeables.add(loop);
    leader.start(() -> {}, WAIT);
    follower.start(loop::ticketKeysChanged, WAIT);
    leader.reconcile();
    TicketKeyRing first = TicketKeySecretFormat.decode(stored().getData());
    await("the follower reads the first keys", () -> first.equals(follower.ring()));
    loop.start(WAIT);
    assertThat(lastPublished(published).ticketKeys()).isEqualTo(first.ticketKeys());

    clock.advance(Duration.ofMinutes(59));
    leader.reconcile();
    assertThat(TicketKeySecretFormat.decode(stored().getData())).isEqualTo(first);

    clock.advance(Duration.ofMinutes(1));
    Instant next = leader.reconcile();

    TicketKeyRing rotated = TicketKeySecretFormat.decode(stored().getData());
    assertThat(rotated.keys()).hasSize(2);
    assertThat(rotated.keys().get(0).created()).isEqualTo(clock.instant());
    assertThat(rotated.keys().get(1)).isEqualTo(first.keys().get(0));
    assertThat(next).isEqualTo(clock.instant().plus(Duration.ofHours(1)));
    // No cluster change: the new keys alone make the loop publish.
    await(
        "the rotated keys are published",
        () -> rotated.ticketKeys().equals(lastPublished(published).ticketKeys()));
    assertThat(follower.ring()).isEqualTo(rotated);
  }

  @Test
  void aCorruptSecretIsReplacedByTheLeaderWithTheKeysItHeld() throws Exception {
    SecretTicketKeys leader = keys(() -> true);
    SecretTicketKeys follower = keys(() -> false);
    leader.start(() -> {}, WAIT);
    follower.start(() -> {}, WAIT);
    leader.reconcile();
    TicketKeyRing good = TicketKeySecretFormat.decode(stored().getData());
    await("the follower reads the keys", () -> good.equals(follower.ring()));

    client
        .secrets()
        .inNamespace(NAMESPACE)
        .withName(NAME)
        .edit(
            s ->
                new SecretBuilder(s)
                    .withData(Map.of(TicketKeySecretFormat.DATA_KEY, base64("not json")))
                    .build());
    // The follower keeps publishing the keys it had; the leader writes them back.
    await("the leader repairs the Secret", () -> readable(stored()));
    assertThat(TicketKeySecretFormat.decode(stored().getData())).isEqualTo(good);
    assertThat(follower.ring()).isEqualTo(good);
    assertThat(leader.ring()).isEqualTo(good);
  }

  @Test
  void aCorruptSecretWithNoKeysHeldIsReplacedByNewKeys() throws Exception {
    client
        .secrets()
        .inNamespace(NAMESPACE)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(NAME)
                .withNamespace(NAMESPACE)
                .endMetadata()
                .withData(Map.of("unrelated", base64("x")))
                .build())
        .create();
    SecretTicketKeys follower = keys(() -> false);
    follower.start(() -> {}, WAIT);
    assertThat(follower.ring().isEmpty()).isTrue();

    SecretTicketKeys leader = keys(() -> true);
    leader.start(() -> {}, WAIT);
    leader.reconcile();

    TicketKeyRing replaced = TicketKeySecretFormat.decode(stored().getData());
    assertThat(replaced.keys()).hasSize(1);
    await("the follower reads the new keys", () -> replaced.equals(follower.ring()));
  }

  @Test
  void aReplicaThatDoesNotLeadNeverWrites() throws Exception {
    SecretTicketKeys follower = keys(() -> false);
    follower.start(() -> {}, WAIT);

    assertThat(follower.reconcile()).isNull();
    assertThat(stored()).isNull();
    assertThat(follower.current()).isEmpty();
  }

  private SecretTicketKeys keys(BooleanSupplier leader) {
    SecretTicketKeys keys =
        new SecretTicketKeys(
            client, NAMESPACE, NAME, HOURLY, clock, leader, new OperatorMetrics(List::of));
    closeables.add(keys);
    return keys;
  }

  private Secret stored() {
    return client.secrets().inNamespace(NAMESPACE).withName(NAME).get();
  }

  private static boolean readable(Secret secret) {
    try {
      TicketKeySecretFormat.decode(secret.getData());
      return true;
    } catch (TicketKeySecretFormat.UnreadableKeys e) {
      return false;
    }
  }

  private static Snapshot lastPublished(List<SnapshotUpdate> published) {
    return published.isEmpty() ? Snapshot.empty() : published.get(published.size() - 1).snapshot();
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + ": not within " + WAIT.toSeconds() + " s");
      }
      Thread.sleep(20);
    }
  }
}
