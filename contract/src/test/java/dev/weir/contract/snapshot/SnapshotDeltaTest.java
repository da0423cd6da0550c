package dev.weir.contract.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.contract.control.ControlFrameCodec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SnapshotDeltaTest {
  private static final Random RANDOM = new Random(42);

  /**
   * Hosts a-i.example.com, each with its own backend and certificate, sorted as the operator sorts.
   */
  private static Snapshot base(int hosts, long version) {
    List<VirtualHost> virtualHosts = new ArrayList<>();
    List<Backend> backends = new ArrayList<>();
    List<Certificate> certificates = new ArrayList<>();
    for (int i = 0; i < hosts; i++) {
      String name = String.format("app-%05d", i);
      virtualHosts.add(
          VirtualHost.builder(name + ".example.com")
              .certificate("cert-" + name)
              .routes(List.of(Route.prefix("/", "ns/" + name + ":80")))
              .build());
      backends.add(
          Backend.of(
              "ns/" + name + ":80",
              List.of(Endpoint.ready("10.0.0.1", 8080), Endpoint.ready("10.0.0.2", 8080))));
      certificates.add(certificate("cert-" + name));
    }
    return Snapshot.builder()
        .version(version)
        .virtualHosts(virtualHosts)
        .backends(backends)
        .certificates(certificates)
        .build();
  }

  /** Random, so gzip cannot shrink 10,000 of them to nothing: sized like a P-256 pair's PEM. */
  private static Certificate certificate(String id) {
    byte[] body = new byte[500];
    RANDOM.nextBytes(body);
    byte[] key = new byte[138];
    RANDOM.nextBytes(key);
    return new Certificate(
        id,
        "-----BEGIN CERTIFICATE-----\n"
            + Base64.getMimeEncoder().encodeToString(body)
            + "\n-----END CERTIFICATE-----\n",
        new SecretValue(
            "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(key)
                + "\n-----END PRIVATE KEY-----\n"));
  }

  private static Snapshot edit(
      Snapshot s,
      UnaryOperator<List<VirtualHost>> hosts,
      UnaryOperator<List<Backend>> backends,
      UnaryOperator<List<Certificate>> certificates) {
    return s.toBuilder()
        .version(s.version() + 1)
        .virtualHosts(hosts.apply(new ArrayList<>(s.virtualHosts())))
        .backends(backends.apply(new ArrayList<>(s.backends())))
        .certificates(certificates.apply(new ArrayList<>(s.certificates())))
        .build();
  }

  static Stream<Arguments> changes() {
    Snapshot base = base(5, 7);
    VirtualHost added =
        VirtualHost.of("app-00002a.example.com", List.of(Route.prefix("/", "ns/app-00000:80")));
    Certificate rotated = certificate("cert-rotated");
    return Stream.of(
        Arguments.of(
            "add a host in the middle",
            edit(
                base,
                h -> {
                  h.add(3, added);
                  return h;
                },
                b -> b,
                c -> c)),
        Arguments.of(
            "remove a host, its backend and certificate",
            edit(
                base,
                h -> {
                  h.remove(2);
                  return h;
                },
                b -> {
                  b.remove(2);
                  return b;
                },
                c -> {
                  c.remove(2);
                  return c;
                })),
        Arguments.of(
            "modify a host's routes",
            edit(
                base,
                h -> {
                  VirtualHost v = h.get(1);
                  h.set(
                      1,
                      VirtualHost.builder(v.host())
                          .certificate(v.certificate())
                          .routes(
                              List.of(
                                  Route.prefix("/", "ns/app-00001:80"),
                                  Route.exact("/login", "ns/app-00000:80")))
                          .build());
                  return h;
                },
                b -> b,
                c -> c)),
        Arguments.of(
            "change a backend's endpoints",
            edit(
                base,
                h -> h,
                b -> {
                  b.set(
                      4,
                      Backend.of(
                          b.get(4).id(),
                          List.of(
                              Endpoint.ready("10.0.0.9", 8080),
                              new Endpoint("10.0.0.1", 8080, EndpointState.TERMINATING))));
                  return b;
                },
                c -> c)),
        Arguments.of(
            "rotate a certificate (new id, old one gone)",
            edit(
                base,
                h -> {
                  VirtualHost v = h.get(0);
                  h.set(
                      0,
                      VirtualHost.builder(v.host())
                          .certificate(rotated.id())
                          .routes(v.routes())
                          .build());
                  return h;
                },
                b -> b,
                c -> {
                  c.remove(0);
                  c.add(rotated); // "cert-rotated" sorts last
                  return c;
                })),
        Arguments.of(
            "change the settings",
            Snapshot.builder()
                .version(8)
                .settings(
                    Settings.builder()
                        .clientIdleMillis(5_000)
                        .upstreamMaxConnectionsPerEndpoint(16)
                        .build())
                .virtualHosts(base.virtualHosts())
                .backends(base.backends())
                .certificates(base.certificates())
                .build()),
        Arguments.of(
            "set ticket keys and defaults",
            Snapshot.builder()
                .version(8)
                .virtualHosts(base.virtualHosts())
                .backends(base.backends())
                .certificates(base.certificates())
                .ticketKeys(
                    List.of(
                        new TicketKey(
                            new SecretValue(Base64.getEncoder().encodeToString(new byte[48])))))
                .defaultBackend("ns/app-00000:80")
                .defaultCertificate("cert-app-00001")
                .build()),
        Arguments.of("no change but the version", base.withVersion(8)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("changes")
  void deltaThroughTheCodecTurnsTheBaseIntoTheTarget(String change, Snapshot target)
      throws Exception {
    Snapshot base = base(5, 7);
    SnapshotDelta delta = SnapshotDelta.between(base, target).orElseThrow();

    SnapshotDelta decoded = SnapshotCodec.decodeDelta(SnapshotCodec.encodeDelta(delta));
    Snapshot result = decoded.applyTo(base);

    assertThat(result).isEqualTo(target);
    SnapshotValidator.validate(result);
    assertThat(decoded.baseVersion()).isEqualTo(7);
  }

  @Test
  void deltaCarriesOnlyWhatChanged() {
    Snapshot base = base(5, 7);
    Snapshot target =
        edit(
            base,
            h -> h,
            b -> {
              b.set(4, Backend.of(b.get(4).id(), List.of(Endpoint.ready("10.0.0.9", 8080))));
              return b;
            },
            c -> c);

    SnapshotDelta delta = SnapshotDelta.between(base, target).orElseThrow();

    assertThat(delta.upsertBackends()).extracting(Backend::id).containsExactly("ns/app-00004:80");
    assertThat(delta.upsertVirtualHosts()).isEmpty();
    assertThat(delta.upsertCertificates()).isEmpty();
    assertThat(delta.settings()).isNull();
    assertThat(delta.defaults()).isNull();
    assertThat(delta.ticketKeys()).isNull();
  }

  @Test
  void deltaOnAnotherBaseVersionIsRefused() {
    Snapshot base = base(3, 7);
    SnapshotDelta delta = SnapshotDelta.between(base, base.withVersion(8)).orElseThrow();

    assertThatThrownBy(() -> delta.applyTo(base.withVersion(6)))
        .isInstanceOf(InvalidSnapshotException.class)
        .hasMessageContaining("baseVersion");
  }

  @Test
  void removingAnIdTheBaseDoesNotHoldIsRefused() {
    Snapshot base = base(3, 7);
    SnapshotDelta delta =
        new SnapshotDelta(
            base.schemaVersion(),
            7,
            8,
            null,
            null,
            null,
            null,
            List.of("nothing.example.com"),
            null,
            List.of("ns/none:80"),
            null,
            null);

    assertThatThrownBy(() -> delta.applyTo(base))
        .isInstanceOf(InvalidSnapshotException.class)
        .hasMessageContaining("virtualHosts.remove: unknown 'nothing.example.com'")
        .hasMessageContaining("backends.remove: unknown 'ns/none:80'");
  }

  /**
   * Sorted lists that share most instances, as the operator publishes them, edited at random
   * (inserts, removals, replacements by an equal copy or by a changed host): the delta carries
   * exactly the changed keys and turns the base into the target.
   */
  @Test
  void sortedSnapshotsSharingInstancesGetTheExactDelta() throws Exception {
    Random random = new Random(11);
    Snapshot base = base(40, 1);
    for (int round = 0; round < 300; round++) {
      List<VirtualHost> hosts = new ArrayList<>(base.virtualHosts());
      List<String> changed = new ArrayList<>();
      for (int k = 0; k < 1 + random.nextInt(3); k++) {
        int at = random.nextInt(hosts.size() + 1);
        VirtualHost near = hosts.get(Math.min(at, hosts.size() - 1));
        switch (random.nextInt(4)) {
          case 0 -> { // a new host sorting right before 'near'
            String name = near.host().replace(".example.com", "") + "-" + round + k + ".example.co";
            if (hosts.stream().noneMatch(h -> h.host().equals(name))) {
              hosts.add(hosts.indexOf(near), VirtualHost.of(name, List.of()));
              changed.add(name);
            }
          }
          case 1 -> {
            if (hosts.size() > 1) {
              hosts.remove(near);
              changed.add(near.host());
            }
          }
          case 2 ->
              hosts.set(
                  hosts.indexOf(near),
                  VirtualHost.builder(near.host())
                      .certificate(near.certificate())
                      .routes(near.routes())
                      .build()); // equal, another instance: no change
          default -> {
            hosts.set(hosts.indexOf(near), VirtualHost.of(near.host(), near.routes()));
            if (near.certificate() != null) {
              changed.add(near.host());
            }
          }
        }
      }
      hosts.sort(Comparator.comparing(VirtualHost::host));
      Snapshot target =
          Snapshot.builder()
              .version(base.version() + 1)
              .virtualHosts(hosts)
              .backends(base.backends())
              .certificates(base.certificates())
              .build();

      SnapshotDelta delta = SnapshotDelta.between(base, target).orElseThrow();

      Snapshot before = base;
      List<String> keys = new ArrayList<>(delta.removeVirtualHosts());
      delta.upsertVirtualHosts().forEach(v -> keys.add(v.host()));
      assertThat(keys)
          .as("round %d", round)
          .containsExactlyInAnyOrderElementsOf(
              new LinkedHashSet<>(changed)
                  .stream()
                      .filter(
                          h -> {
                            boolean inBase =
                                before.virtualHosts().stream().anyMatch(v -> v.host().equals(h));
                            boolean inTarget = hosts.stream().anyMatch(v -> v.host().equals(h));
                            return inBase || inTarget;
                          })
                      .toList());
      assertThat(delta.upsertBackends()).isEmpty();
      assertThat(delta.applyTo(base)).isEqualTo(target);
      base = target;
    }
  }

  @Test
  void unsortedTargetThatNoMergeReproducesGetsNoDelta() {
    Snapshot base = base(3, 7);
    List<VirtualHost> reversed = new ArrayList<>(base.virtualHosts());
    Collections.reverse(reversed);
    Snapshot target =
        Snapshot.builder()
            .version(8)
            .virtualHosts(reversed)
            .backends(base.backends())
            .certificates(base.certificates())
            .build();

    assertThat(SnapshotDelta.between(base, target)).isEmpty();
  }

  @Test
  void oneHostChangeAtTenThousandHostsIsASmallFrame() {
    Snapshot base = base(10_000, 1);
    Snapshot target =
        edit(
            base,
            h -> {
              h.add(
                  VirtualHost.builder("zz-new.example.com")
                      .certificate("cert-zz-new")
                      .routes(List.of(Route.prefix("/", "ns/zz-new:80")))
                      .build());
              return h;
            },
            b -> {
              b.add(Backend.of("ns/zz-new:80", List.of(Endpoint.ready("10.0.0.3", 8080))));
              return b;
            },
            c -> {
              c.add(certificate("cert-zz-new"));
              return c;
            });

    byte[] delta = ControlFrameCodec.encodeDelta(SnapshotDelta.between(base, target).orElseThrow());
    byte[] full = ControlFrameCodec.encodeSnapshot(target);

    assertThat(delta.length).isLessThan(64 * 1024);
    // The full snapshot is what a delta saves: megabytes at this size.
    assertThat(full.length).isGreaterThan(1024 * 1024);
  }
}
