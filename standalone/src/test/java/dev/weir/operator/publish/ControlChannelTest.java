package dev.weir.operator.publish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.Endpoint;
import dev.weir.contract.snapshot.InvalidSnapshotException;
import dev.weir.contract.snapshot.Route;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.SnapshotDelta;
import dev.weir.contract.snapshot.SnapshotUpdate;
import dev.weir.contract.snapshot.SnapshotValidator;
import dev.weir.contract.snapshot.VirtualHost;
import dev.weir.dataplane.control.OperatorClient;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Operator and data plane over the real mutually authenticated control channel on loopback. */
class ControlChannelTest {
  @TempDir static Path pki;
  static Path operatorDir;
  static Path dataplaneDir;
  static Path strangerDir;
  static X509Bundle ca;
  static X509Bundle dataplaneBundle;

  private final List<Snapshot> applied = new CopyOnWriteArrayList<>();
  private final List<SnapshotUpdate> updates = new CopyOnWriteArrayList<>();
  // What each server was last given, so that each publication carries its delta as the operator's
  // publisher makes it.
  private final Map<ControlServer, Snapshot> published = new ConcurrentHashMap<>();
  private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void issueCertificates() throws Exception {
    ca =
        new CertificateBuilder()
            .subject("CN=weir-ca")
            .ecp256()
            .setIsCertificateAuthority(true)
            .buildSelfSigned();
    X509Bundle operator =
        new CertificateBuilder()
            .subject("CN=weir-operator")
            .ecp256()
            .addSanDnsName("localhost")
            .addSanIpAddress("127.0.0.1")
            .addExtendedKeyUsageServerAuth()
            .buildIssuedBy(ca);
    X509Bundle dataplane =
        new CertificateBuilder()
            .subject("CN=weir-dataplane")
            .ecp256()
            .addExtendedKeyUsageClientAuth()
            .buildIssuedBy(ca);
    X509Bundle otherCa =
        new CertificateBuilder()
            .subject("CN=other-ca")
            .ecp256()
            .setIsCertificateAuthority(true)
            .buildSelfSigned();
    X509Bundle stranger =
        new CertificateBuilder()
            .subject("CN=stranger")
            .ecp256()
            .addExtendedKeyUsageClientAuth()
            .buildIssuedBy(otherCa);
    dataplaneBundle = dataplane;
    operatorDir = write("operator", operator, ca);
    dataplaneDir = write("dataplane", dataplane, ca);
    strangerDir = write("stranger", stranger, ca);
  }

  private static Path write(String name, X509Bundle bundle, X509Bundle trusted) throws Exception {
    Path dir = Files.createDirectories(pki.resolve(name));
    Files.writeString(dir.resolve("tls.crt"), bundle.getCertificatePEM());
    Files.writeString(dir.resolve("tls.key"), bundle.getPrivateKeyPEM());
    Files.writeString(dir.resolve("ca.crt"), trusted.getRootCertificatePEM());
    return dir;
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  @Test
  void dataPlaneReceivesTheLatestSnapshotOnConnectThenEveryNewerOne() throws Exception {
    ControlServer server = track(ControlServer.start("127.0.0.1", 0, operatorDir));
    publish(server, snapshot(1));
    OperatorClient client = track(client(server.port()));

    await(() -> applied.size() == 1);
    assertThat(applied.get(0).version()).isEqualTo(1);
    await(
        () -> server.dataPlanes().size() == 1 && server.dataPlanes().get(0).appliedVersion() == 1);
    assertThat(server.dataPlanes().get(0).node()).isEqualTo("dp-0");

    publish(server, snapshot(2));
    await(() -> client.appliedVersion() == 2);
    await(() -> server.dataPlanes().get(0).appliedVersion() == 2);
    assertThat(applied).extracting(Snapshot::version).containsExactly(1L, 2L);
    assertThat(applied.get(1).virtualHosts().get(0).host()).isEqualTo("v2.example.com");
  }

  @Test
  void peerWithoutClientCertificateIsRefused() throws Exception {
    ControlServer server = track(ControlServer.start("127.0.0.1", 0, operatorDir));
    publish(server, snapshot(1));
    SSLContext trustOnly = SSLContext.getInstance("TLSv1.3");
    trustOnly.init(null, ca.toTrustManagerFactory().getTrustManagers(), null);

    try (SSLSocket socket =
        (SSLSocket) trustOnly.getSocketFactory().createSocket("127.0.0.1", server.port())) {
      socket.setSoTimeout(5_000);
      // TLS 1.3 reports the server's refusal of the missing certificate on the first read.
      InputStream in = socket.getInputStream();
      int read;
      try {
        read = in.read();
      } catch (IOException refused) {
        read = -1;
      }
      assertThat(read).isEqualTo(-1);
    }
    await(() -> server.refusedHandshakes() == 1);
    assertThat(server.dataPlanes()).isEmpty();
  }

  @Test
  void peerWithCertificateFromAnotherCaIsRefused() throws Exception {
    ControlServer server = track(ControlServer.start("127.0.0.1", 0, operatorDir));
    publish(server, snapshot(1));
    track(
        new OperatorClient(
                "127.0.0.1",
                server.port(),
                strangerDir,
                "stranger",
                this::record,
                new DataplaneMetrics())
            .start());

    // Twice: the data plane redials after a refusal and is refused again.
    await(() -> server.refusedHandshakes() >= 2);
    assertThat(applied).isEmpty();
    assertThat(server.dataPlanes()).isEmpty();
  }

  @Test
  void dataPlaneKeepsItsSnapshotWhileTheOperatorIsAwayAndResumesWhenItIsBack() throws Exception {
    ControlServer first = ControlServer.start("127.0.0.1", 0, operatorDir);
    int port = first.port();
    publish(first, snapshot(1));
    OperatorClient client = track(client(port));
    await(() -> client.appliedVersion() == 1);

    first.close();
    await(() -> !client.connected());
    assertThat(client.appliedVersion()).isEqualTo(1);

    ControlServer second = track(ControlServer.start("127.0.0.1", port, operatorDir));
    publish(second, snapshot(3));
    await(() -> client.appliedVersion() == 3);
    assertThat(applied).extracting(Snapshot::version).containsExactly(1L, 3L);
  }

  @Test
  void refusedSnapshotIsReportedAndThePreviousOneKept() throws Exception {
    ControlServer server = track(ControlServer.start("127.0.0.1", 0, operatorDir));
    publish(server, snapshot(1));
    List<Snapshot> kept = new CopyOnWriteArrayList<>();
    OperatorClient client =
        track(
            new OperatorClient(
                    "127.0.0.1",
                    server.port(),
                    dataplaneDir,
                    "dp-0",
                    update -> {
                      if (update.snapshot().version() == 2) {
                        throw new InvalidSnapshotException(
                            "certificates[0]", "key does not match certificate");
                      }
                      kept.add(update.snapshot());
                    },
                    new DataplaneMetrics())
                .start());
    await(() -> client.appliedVersion() == 1);

    publish(server, snapshot(2));
    await(() -> server.dataPlanes().get(0).lastError() != null);
    assertThat(server.dataPlanes().get(0).lastError()).contains("key does not match");
    assertThat(server.dataPlanes().get(0).appliedVersion()).isEqualTo(1);
    assertThat(client.appliedVersion()).isEqualTo(1);
  }

  @Test
  void renewedOperatorCertificateIsServedToTheNextDataPlaneWithoutARestart() throws Exception {
    Path dir = Files.createDirectories(pki.resolve("renewing"));
    for (String f : List.of("tls.crt", "tls.key", "ca.crt")) {
      Files.copy(operatorDir.resolve(f), dir.resolve(f));
    }
    ControlServer server = track(ControlServer.start("127.0.0.1", 0, dir));
    assertThat(servedSubject(server.port())).contains("CN=weir-operator");

    X509Bundle renewed =
        new CertificateBuilder()
            .subject("CN=weir-operator-renewed")
            .ecp256()
            .addSanDnsName("localhost")
            .addSanIpAddress("127.0.0.1")
            .addExtendedKeyUsageServerAuth()
            .buildIssuedBy(ca);
    Path staging = Files.createDirectories(pki.resolve("staging"));
    write("staging", renewed, ca);
    for (String f : List.of("tls.crt", "tls.key")) {
      Files.move(staging.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
    }

    // The operator looks at its files at most once a second.
    await(Duration.ofSeconds(5), () -> servedSubject(server.port()).contains("renewed"));
    assertThat(servedSubject(server.port())).contains("CN=weir-operator-renewed");
  }

  private static String servedSubject(int port) throws Exception {
    SSLContext context = SSLContext.getInstance("TLSv1.3");
    context.init(
        dataplaneBundle.toKeyManagerFactory().getKeyManagers(),
        ca.toTrustManagerFactory().getTrustManagers(),
        null);
    try (SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(5_000);
      socket.startHandshake();
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0])
          .getSubjectX500Principal()
          .getName();
    }
  }

  @Test
  void slowReaderGetsOnlyTheLatestOfABurst() throws Exception {
    ControlServer server = track(ControlServer.start("127.0.0.1", 0, operatorDir));
    OperatorClient client = track(client(server.port()));
    await(() -> server.dataPlanes().size() == 1);

    for (int v = 1; v <= 200; v++) {
      publish(server, snapshot(v));
    }
    await(() -> client.appliedVersion() == 200);
    assertThat(applied.size()).isLessThanOrEqualTo(200);
    assertThat(applied.get(applied.size() - 1).version()).isEqualTo(200);
  }

  @Test
  void oneHostChangeReachesAConnectedDataPlaneAsADelta() throws Exception {
    ControlServer server = track(ControlServer.start("127.0.0.1", 0, operatorDir));
    Snapshot first = hosts(1, 2_000);
    publish(server, first);
    OperatorClient client = track(client(server.port()));
    await(() -> client.appliedVersion() == 1);

    Snapshot second = hosts(2, 2_001);
    publish(server, second);
    await(() -> client.appliedVersion() == 2);

    assertThat(applied.get(1)).isEqualTo(second);
    // The data plane is handed the delta that was published, to validate and compile only it.
    assertThat(updates.get(0).delta()).isNull();
    assertThat(updates.get(1).delta()).isEqualTo(SnapshotDelta.between(first, second).get());
    ControlServer.Sent sent = server.sent();
    assertThat(sent.fullFrames()).isEqualTo(1);
    assertThat(sent.deltaFrames()).isEqualTo(1);
    assertThat(sent.deltaBytes()).isLessThan(1_024).isLessThan(sent.fullBytes() / 20);
    assertThat(server.latestDeltaBytes()).isEqualTo(sent.deltaBytes());
  }

  @Test
  void aSnapshotPublishedWithoutADeltaGoesOutWhole() throws Exception {
    ControlServer server = track(ControlServer.start("127.0.0.1", 0, operatorDir));
    server.publish(SnapshotUpdate.full(hosts(1, 20)));
    OperatorClient client = track(client(server.port()));
    await(() -> client.appliedVersion() == 1);

    Snapshot second = hosts(2, 21);
    server.publish(SnapshotUpdate.full(second));
    await(() -> client.appliedVersion() == 2);

    assertThat(applied.get(1)).isEqualTo(second);
    assertThat(updates.get(1).delta()).isNull();
    assertThat(server.sent().fullFrames()).isEqualTo(2);
    assertThat(server.sent().deltaFrames()).isZero();
    assertThat(server.latestDeltaBytes()).isEqualTo(-1);
  }

  @Test
  void dataPlaneThatMissedAVersionGetsTheFullSnapshot() throws Exception {
    ControlServer server = track(ControlServer.start("127.0.0.1", 0, operatorDir));
    publish(server, hosts(1, 10));
    // Refuses version 2 however it arrives, so it holds 1 when the delta from 2 to 3 comes.
    OperatorClient client =
        track(
            new OperatorClient(
                    "127.0.0.1",
                    server.port(),
                    dataplaneDir,
                    "dp-0",
                    update -> {
                      if (update.snapshot().version() == 2) {
                        throw new InvalidSnapshotException(
                            "virtualHosts[0]", "refused by this test");
                      }
                      record(update);
                    },
                    new DataplaneMetrics())
                .start());
    await(() -> client.appliedVersion() == 1);

    publish(server, hosts(2, 11));
    await(() -> server.dataPlanes().get(0).lastError() != null);
    Snapshot third = hosts(3, 12);
    publish(server, third);
    await(() -> client.appliedVersion() == 3);

    assertThat(applied).extracting(Snapshot::version).containsExactly(1L, 3L);
    assertThat(applied.get(1)).isEqualTo(third);
    assertThat(server.sent().fullFrames()).isGreaterThanOrEqualTo(2);
  }

  private OperatorClient client(int port) {
    return new OperatorClient(
            "127.0.0.1", port, dataplaneDir, "dp-0", this::record, new DataplaneMetrics())
        .start();
  }

  private void record(SnapshotUpdate update) {
    updates.add(update);
    applied.add(update.snapshot());
  }

  /** Publishes {@code next} with its delta from what {@code server} was given before, if any. */
  private void publish(ControlServer server, Snapshot next) {
    Snapshot previous = published.put(server, next);
    server.publish(
        new SnapshotUpdate(
            next, previous == null ? null : SnapshotDelta.between(previous, next).orElse(null)));
  }

  private <T extends AutoCloseable> T track(T closeable) {
    closeables.add(0, closeable);
    return closeable;
  }

  private static Snapshot snapshot(long version) throws InvalidSnapshotException {
    Snapshot s =
        Snapshot.builder()
            .version(version)
            .virtualHosts(
                List.of(
                    VirtualHost.of(
                        "v" + version + ".example.com", List.of(Route.prefix("/", "ns/svc:80")))))
            .backends(List.of(Backend.of("ns/svc:80", List.of())))
            .build();
    SnapshotValidator.validate(s);
    return s;
  }

  /** {@code count} hosts h-0 .. h-(count-1), each routed to its own backend, sorted. */
  private static Snapshot hosts(long version, int count) throws InvalidSnapshotException {
    TreeMap<String, VirtualHost> hosts = new TreeMap<>();
    TreeMap<String, Backend> backends = new TreeMap<>();
    for (int i = 0; i < count; i++) {
      String backend = "ns/svc-" + i + ":80";
      hosts.put(
          "h-" + i + ".example.com",
          VirtualHost.of("h-" + i + ".example.com", List.of(Route.prefix("/", backend))));
      backends.put(
          backend,
          Backend.of(
              backend, List.of(Endpoint.ready("10.0." + (i / 250) + "." + (i % 250 + 1), 8080))));
    }
    Snapshot s =
        Snapshot.builder()
            .version(version)
            .virtualHosts(List.copyOf(hosts.values()))
            .backends(List.copyOf(backends.values()))
            .build();
    SnapshotValidator.validate(s);
    return s;
  }

  private static void await(Callable<Boolean> condition) throws Exception {
    await(Duration.ofSeconds(10), condition);
  }

  private static void await(Duration within, Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.call()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + within);
      }
      Thread.sleep(20);
    }
  }
}
