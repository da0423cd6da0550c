package dev.weir.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weir.contract.snapshot.SecretValue;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.SnapshotCodec;
import dev.weir.contract.snapshot.TicketKey;
import dev.weir.contract.testing.TestPki;
import dev.weir.dataplane.tls.ServerTls;
import dev.weir.operator.status.ExpiryWarnings;
import dev.weir.operator.status.LeaderElection;
import dev.weir.operator.testing.MockApiServer;
import dev.weir.operator.tickets.RotationPolicy;
import dev.weir.operator.tickets.TicketKeyRing;
import dev.weir.operator.tickets.TicketKeySecretFormat;
import dev.weir.operator.translate.TranslateOptions;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS session resumption across data-plane replicas, end to end: an operator against the mock API
 * server creates the session-ticket keys in a Secret and sends them to two data planes, each a JVM
 * of its own dialing the control port; a JDK client's session from replica A resumes on replica B.
 * A third data plane, serving a snapshot file with other keys, does not resume it: the check can
 * fail. Whether a handshake resumed is read from each data plane's own handshake counter.
 *
 * <p>The JDK client caches sessions by the peer's host name and port, so every connection goes
 * through one relay port, switched to the replica wanted, as through a load balancer; the TLS
 * socket is named {@code resume.weir.test} (its SNI) over that plain connection.
 */
class SessionResumptionAcrossReplicasTest {
  private static final String HOST = "resume.weir.test";
  private static final String RESUMED = "weir_tls_handshakes_total{kind=\"resumed\"}";
  private static final String FULL = "weir_tls_handshakes_total{kind=\"full\"}";
  private static final String NAMESPACE = "weir";
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir static Path dir;
  static MockApiServer apiServer;
  static KubernetesClient client;
  static Operator operator;
  static DataplaneProcess replicaA;
  static DataplaneProcess replicaB;
  static DataplaneProcess otherKeys;
  static SwitchableRelay loadBalancer;

  @BeforeAll
  static void startOperatorAndThreeDataPlanes() throws Exception {
    assumeTrue(
        OpenSsl.isAvailable(),
        "netty-tcnative (BoringSSL) does not load here: the JDK provider cannot take shared "
            + "ticket keys");
    TestPki pki = TestPki.create();
    Path operatorTls =
        pki.writeControlTlsDir(dir.resolve("operator"), pki.issueServer("127.0.0.1"));
    Path dataplaneTls =
        pki.writeControlTlsDir(dir.resolve("dataplane"), pki.issueClient("dataplane"));
    apiServer = new MockApiServer();
    client = apiServer.client();
    operator =
        Operator.start(
            client,
            new Operator.Config(
                Set.of(),
                TranslateOptions.defaults(),
                null,
                List.of("192.0.2.10"),
                "127.0.0.1",
                0,
                operatorTls,
                -1,
                NAMESPACE,
                "weir-operator-leader",
                "operator-resumption",
                new LeaderElection.Timing(
                    Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofMillis(200)),
                Duration.ofSeconds(30),
                Operator.Config.DEFAULT_TICKET_KEY_SECRET,
                RotationPolicy.DEFAULT,
                ExpiryWarnings.DEFAULT_AHEAD));
    Await.until(
        "the leader's ticket keys are published",
        WAIT,
        () -> operator.translationLoop().lastPublished(),
        s -> s != null && !s.ticketKeys().isEmpty());

    loadBalancer = SwitchableRelay.start();
    String control = "127.0.0.1:" + operator.controlPort();
    replicaA = DataplaneProcess.start("a", dialing(control, dataplaneTls, "a"));
    replicaB = DataplaneProcess.start("b", dialing(control, dataplaneTls, "b"));
    Path snapshot = dir.resolve("other-keys.json");
    Files.write(
        snapshot,
        SnapshotCodec.encode(
            Snapshot.builder().version(1).ticketKeys(List.of(randomKey())).build()));
    otherKeys = DataplaneProcess.start("other", List.of("--snapshot-file", snapshot.toString()));
    for (DataplaneProcess p : List.of(replicaA, replicaB, otherKeys)) {
      Await.until("a data plane is ready", WAIT, () -> p.admin("/readyz").statusCode() == 200);
    }
    awaitBothReplicasApply(operator.translationLoop().lastPublished());
  }

  @AfterAll
  static void stopAll() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {loadBalancer, replicaA, replicaB, otherKeys}) {
      if (c != null) {
        c.close();
      }
    }
    if (operator != null) {
      operator.close();
    }
    if (apiServer != null) {
      apiServer.close();
    }
  }

  @Test
  void aSessionEstablishedOnOneReplicaResumesOnAnother() throws Exception {
    SSLSocketFactory browser = newClient();
    exchange(browser, replicaA);
    Handshakes before = Handshakes.of(replicaB);

    exchange(browser, replicaB);

    assertThat(Handshakes.of(replicaB)).isEqualTo(before.plusResumed());
  }

  @Test
  void aReplicaWithOtherKeysDoesNotResumeTheSession() throws Exception {
    SSLSocketFactory browser = newClient();
    exchange(browser, replicaA);
    Handshakes before = Handshakes.of(otherKeys);

    exchange(browser, otherKeys);

    assertThat(Handshakes.of(otherKeys)).isEqualTo(before.plusFull());
  }

  @Test
  void aSessionFromBeforeARotationStillResumesAfterIt() throws Exception {
    SSLSocketFactory browser = newClient();
    exchange(browser, replicaA);

    // A rotation as the leader writes it: a new encrypting key in front, the old one kept.
    TicketKeyRing ring =
        TicketKeySecretFormat.decode(
            client
                .secrets()
                .inNamespace(NAMESPACE)
                .withName(Operator.Config.DEFAULT_TICKET_KEY_SECRET)
                .get()
                .getData());
    TicketKeyRing rotated =
        ring.rotated(Instant.now(), RotationPolicy.DEFAULT.retainedKeys(), new SecureRandom());
    client
        .secrets()
        .inNamespace(NAMESPACE)
        .withName(Operator.Config.DEFAULT_TICKET_KEY_SECRET)
        .edit(s -> new SecretBuilder(s).withData(TicketKeySecretFormat.encode(rotated)).build());
    Snapshot published =
        Await.until(
            "the rotated keys are published",
            WAIT,
            () -> operator.translationLoop().lastPublished(),
            s -> s.ticketKeys().equals(rotated.ticketKeys()));
    awaitBothReplicasApply(published);
    Handshakes before = Handshakes.of(replicaB);

    exchange(browser, replicaB);

    assertThat(Handshakes.of(replicaB)).isEqualTo(before.plusResumed());
  }

  @Test
  void theRotationPolicyOutlastsTheDataPlanesSessionTimeout() {
    assertThat(RotationPolicy.TICKET_LIFETIME)
        .isGreaterThanOrEqualTo(ServerTls.Options.defaults().sessionTimeout());
  }

  /** A data plane's handshake counters, from its {@code /metrics}. */
  private record Handshakes(double full, double resumed) {
    static Handshakes of(DataplaneProcess replica) throws Exception {
      return new Handshakes(replica.metric(FULL), replica.metric(RESUMED));
    }

    Handshakes plusFull() {
      return new Handshakes(full + 1, resumed);
    }

    Handshakes plusResumed() {
      return new Handshakes(full, resumed + 1);
    }
  }

  private static List<String> dialing(String control, Path tlsDir, String node) {
    return List.of("--operator", control, "--tls-dir", tlsDir.toString(), "--node-name", node);
  }

  private static void awaitBothReplicasApply(Snapshot snapshot) throws InterruptedException {
    Await.until(
        "both replicas apply snapshot " + snapshot.version(),
        WAIT,
        () -> operator.controlServer().dataPlanes(),
        planes ->
            planes.size() == 2
                && planes.stream().allMatch(p -> p.appliedVersion() == snapshot.version()));
  }

  /**
   * One HTTPS request to {@code replica}, read to its end: a TLS 1.3 server sends its session
   * tickets after the handshake, and the client takes them in only as it reads.
   */
  private static void exchange(SSLSocketFactory client, DataplaneProcess replica) throws Exception {
    loadBalancer.routeTo(replica.httpsPort());
    Socket plain = new Socket(InetAddress.getLoopbackAddress(), loadBalancer.port());
    try (SSLSocket tls = (SSLSocket) client.createSocket(plain, HOST, loadBalancer.port(), true)) {
      tls.setSoTimeout(10_000);
      tls.startHandshake();
      OutputStream out = tls.getOutputStream();
      out.write(
          ("GET / HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = tls.getInputStream();
      String head = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(head).startsWith("HTTP/1.1 404");
    }
  }

  /** A TLS 1.3 client with its own session cache, trusting the data planes' default certificate. */
  private static SSLSocketFactory newClient() throws Exception {
    SSLContext context = SSLContext.getInstance("TLSv1.3");
    // The data planes serve their self-signed default certificate here: what is tested is
    // resumption, not trust.
    context.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), new SecureRandom());
    return context.getSocketFactory();
  }

  private static TicketKey randomKey() {
    byte[] bytes = new byte[TicketKey.LENGTH_BYTES];
    new SecureRandom().nextBytes(bytes);
    return new TicketKey(new SecretValue(Base64.getEncoder().encodeToString(bytes)));
  }
}
