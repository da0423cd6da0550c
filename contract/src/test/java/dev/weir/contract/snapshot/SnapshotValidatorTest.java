package dev.weir.contract.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Validation against a previous valid snapshot finds exactly what a full validation finds. */
class SnapshotValidatorTest {

  private static Certificate certificate(String id) {
    return new Certificate(
        id,
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        new SecretValue("-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"));
  }

  /** Hosts h0..h(n-1).example.com, each with its own backend and certificate. */
  private static Snapshot valid(int n) {
    List<VirtualHost> hosts = new ArrayList<>();
    List<Backend> backends = new ArrayList<>();
    List<Certificate> certificates = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      hosts.add(
          VirtualHost.builder("h" + i + ".example.com")
              .certificate("c" + i)
              .routes(List.of(Route.prefix("/", "b" + i), Route.exact("/x", "b" + i)))
              .build());
      backends.add(Backend.of("b" + i, List.of(Endpoint.ready("10.0.0." + (i + 1), 8080))));
      certificates.add(certificate("c" + i));
    }
    return Snapshot.builder()
        .version(1)
        .virtualHosts(hosts)
        .backends(backends)
        .certificates(certificates)
        .build();
  }

  private static List<String> problems(Snapshot s, Snapshot previous) {
    InvalidSnapshotException e =
        catchThrowableOfType(
            () -> SnapshotValidator.validate(s, previous), InvalidSnapshotException.class);
    return e == null ? List.of() : e.problems();
  }

  @Test
  void aKnownHostWhoseBackendIsGoneIsStillRefused() {
    Snapshot previous = valid(3);
    List<Backend> backends = new ArrayList<>(previous.backends());
    backends.remove(1);
    Snapshot next =
        Snapshot.builder()
            .version(2)
            .virtualHosts(previous.virtualHosts())
            .backends(backends)
            .certificates(previous.certificates())
            .build();

    assertThat(problems(next, previous)).isNotEmpty().isEqualTo(problems(next, null));
  }

  @Test
  void aNewHostDuplicatingAKnownOneIsRefused() {
    Snapshot previous = valid(3);
    List<VirtualHost> hosts = new ArrayList<>(previous.virtualHosts());
    hosts.add(VirtualHost.of("H1.example.com", List.of(Route.prefix("/", "b0"))));
    Snapshot next =
        Snapshot.builder()
            .version(2)
            .virtualHosts(hosts)
            .backends(previous.backends())
            .certificates(previous.certificates())
            .build();

    assertThat(problems(next, previous))
        .containsExactly("virtualHosts[3].host: duplicate host 'H1.example.com'");
  }

  private static List<String> problems(
      Snapshot s, SnapshotValidator.Validated previous, SnapshotDelta delta) {
    InvalidSnapshotException e =
        catchThrowableOfType(
            () -> SnapshotValidator.validate(s, previous, delta), InvalidSnapshotException.class);
    return e == null ? List.of() : e.problems();
  }

  /**
   * Random edits kept sorted, as the operator publishes: validating by the delta from the last
   * valid snapshot gives a full validation's outcome, and the indexes it keeps stay right for the
   * next one.
   */
  @Test
  void validatingByDeltaNeverChangesTheOutcome() throws Exception {
    Random random = new Random(5);
    Snapshot previous = valid(8);
    SnapshotValidator.Validated validated =
        SnapshotValidator.validate(previous, (SnapshotValidator.Validated) null);
    int refused = 0;
    int applied = 0;
    for (int round = 0; round < 600; round++) {
      TreeMap<String, VirtualHost> hosts = new TreeMap<>();
      previous.virtualHosts().forEach(v -> hosts.put(v.host(), v));
      TreeMap<String, Backend> backends = new TreeMap<>();
      previous.backends().forEach(b -> backends.put(b.id(), b));
      TreeMap<String, Certificate> certificates = new TreeMap<>();
      previous.certificates().forEach(c -> certificates.put(c.id(), c));
      for (int edit = 0; edit < 1 + random.nextInt(2); edit++) {
        int i = random.nextInt(12);
        switch (random.nextInt(9)) {
          case 0 -> backends.remove("b" + i);
          case 1 ->
              backends.put(
                  "b" + i,
                  Backend.of(
                      "b" + i,
                      List.of(
                          Endpoint.ready(random.nextInt(5) == 0 ? "name.local" : "10.2.0.1", 80))));
          case 2 ->
              certificates.put(
                  "c" + i,
                  random.nextInt(5) == 0
                      ? new Certificate("c" + i, "no pem", new SecretValue("no key"))
                      : certificate("c" + i));
          case 3 ->
              hosts.remove(
                  random.nextBoolean() ? "h" + i + ".example.com" : "H" + i + ".example.com");
          case 4 ->
              hosts.put(
                  "H" + i + ".example.com",
                  VirtualHost.of(
                      "H" + i + ".example.com",
                      List.of(Route.prefix("/", "b" + random.nextInt(12)))));
          case 5 ->
              hosts.put(
                  "h" + i + ".example.com",
                  VirtualHost.builder("h" + i + ".example.com")
                      .certificate(random.nextBoolean() ? "c" + random.nextInt(12) : null)
                      .routes(List.of(Route.prefix("/", "b" + random.nextInt(12))))
                      .build());
          case 6 -> hosts.put("bad_" + i, VirtualHost.of("bad_" + i, List.of()));
          case 7 -> certificates.remove("c" + i);
          default -> hosts.put("*", VirtualHost.retainingCertificate("*", List.of(), null));
        }
      }
      Snapshot next =
          Snapshot.builder()
              .version(2 + round)
              .virtualHosts(List.copyOf(hosts.values()))
              .backends(List.copyOf(backends.values()))
              .certificates(List.copyOf(certificates.values()))
              .defaultBackend(
                  random.nextInt(10) == 0 ? "b" + random.nextInt(12) : previous.defaultBackend())
              .build();
      SnapshotDelta delta = SnapshotDelta.between(previous, next).orElseThrow();
      List<String> expected = problems(next, null);
      assertThat(problems(next, validated, delta)).as("round %d", round).isEqualTo(expected);
      if (expected.isEmpty()) {
        validated = SnapshotValidator.validate(next, validated, delta);
        previous = next;
        applied++;
      } else {
        refused++;
      }
    }
    assertThat(refused).isGreaterThan(50);
    assertThat(applied).isGreaterThan(50);
  }

  /**
   * Random edits of a valid snapshot that keep most of its instances (as a delta does) and add new,
   * sometimes invalid or dangling, objects: the same problems, in the same order, as a validation
   * that trusts nothing.
   */
  @Test
  void trustingThePreviousSnapshotNeverChangesTheOutcome() {
    Random random = new Random(7);
    Snapshot previous = valid(8);
    int refused = 0;
    for (int round = 0; round < 500; round++) {
      List<VirtualHost> hosts = new ArrayList<>(previous.virtualHosts());
      List<Backend> backends = new ArrayList<>(previous.backends());
      List<Certificate> certificates = new ArrayList<>(previous.certificates());
      for (int edit = 0; edit < 1 + random.nextInt(3); edit++) {
        int i = random.nextInt(10);
        switch (random.nextInt(8)) {
          case 0 -> {
            if (!backends.isEmpty()) backends.remove(random.nextInt(backends.size()));
          }
          case 1 -> {
            if (!certificates.isEmpty()) certificates.remove(random.nextInt(certificates.size()));
          }
          case 2 ->
              hosts.add(
                  random.nextInt(hosts.size() + 1),
                  VirtualHost.of(
                      random.nextBoolean() ? "h" + i + ".example.com" : "bad_host" + i,
                      List.of(Route.prefix("/", "b" + i))));
          case 3 ->
              backends.add(
                  Backend.of(
                      "b" + i,
                      List.of(
                          Endpoint.ready(random.nextBoolean() ? "10.1.0.1" : "name.local", 80))));
          case 4 ->
              certificates.add(
                  random.nextBoolean()
                      ? certificate("c" + i)
                      : new Certificate("c" + i, "no pem", new SecretValue("no key")));
          case 5 -> {
            if (!hosts.isEmpty()) hosts.remove(random.nextInt(hosts.size()));
          }
          case 6 ->
              hosts.add(
                  VirtualHost.builder("n" + i + ".example.com")
                      .certificate("c" + i)
                      .routes(List.of(Route.prefix("/", "b" + i), Route.prefix("/", "b" + i)))
                      .build());
          default -> hosts.add(VirtualHost.retainingCertificate("*", List.of(), "b" + i));
        }
      }
      Snapshot next =
          Snapshot.builder()
              .version(2 + round)
              .virtualHosts(hosts)
              .backends(backends)
              .certificates(certificates)
              .defaultBackend(random.nextInt(10) == 0 ? "missing" : null)
              .build();
      List<String> expected = problems(next, null);
      assertThat(problems(next, previous)).as("round %d", round).isEqualTo(expected);
      if (expected.isEmpty()) {
        previous = next; // what a data plane does: the applied snapshot becomes the trusted one
      } else {
        refused++;
      }
    }
    assertThat(refused).as("some rounds must be refused, some applied").isBetween(50, 450);
  }
}
