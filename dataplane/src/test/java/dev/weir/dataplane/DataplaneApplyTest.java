package dev.weir.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.Endpoint;
import dev.weir.contract.snapshot.InvalidSnapshotException;
import dev.weir.contract.snapshot.Route;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.SnapshotDelta;
import dev.weir.contract.snapshot.SnapshotUpdate;
import dev.weir.contract.snapshot.SnapshotValidator;
import dev.weir.contract.snapshot.VirtualHost;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link Dataplane#apply} validates and compiles: the delta it is given when that delta was
 * made from the snapshot it serves, else the difference from that snapshot. Seen through the TLS
 * compiler, which is handed the delta the data plane works from.
 */
class DataplaneApplyTest {
  private static final Backend WEB = Backend.of("web", List.of(Endpoint.ready("10.0.0.1", 80)));
  private static final Snapshot FIRST =
      Snapshot.builder().version(1).virtualHosts(host("a.example")).backends(WEB).build();

  /** The deltas the TLS layer was compiled with; empty: compiled without one. */
  private final List<Optional<SnapshotDelta>> compiledWith = new ArrayList<>();

  private Dataplane dataplane;

  private static VirtualHost host(String name) {
    return VirtualHost.of(name, List.of(Route.prefix("/", "web")));
  }

  /** {@code base} and one more host, at the next version; sharing base's objects. */
  private static Snapshot plus(Snapshot base, String name) {
    List<VirtualHost> hosts = new ArrayList<>(base.virtualHosts());
    hosts.add(host(name));
    return base.toBuilder().version(base.version() + 1).virtualHosts(hosts).build();
  }

  private static SnapshotUpdate update(Snapshot base, Snapshot next) {
    return new SnapshotUpdate(next, SnapshotDelta.between(base, next).orElseThrow());
  }

  @BeforeEach
  void start() throws Exception {
    Dataplane.SniCompiler recording =
        new Dataplane.SniCompiler() {
          @Override
          public Mapping<String, SslContext> compile(Snapshot snapshot) {
            compiledWith.add(Optional.empty());
            return name -> null;
          }

          @Override
          public Mapping<String, SslContext> compile(Snapshot snapshot, SnapshotDelta delta) {
            compiledWith.add(Optional.of(delta));
            return name -> null;
          }
        };
    // No listeners: only what apply does is looked at.
    dataplane =
        Dataplane.start(
            new Dataplane.Options("127.0.0.1", -1, -1, Duration.ofSeconds(1)),
            new DataplaneMetrics(),
            recording);
    dataplane.apply(SnapshotUpdate.full(FIRST));
    compiledWith.clear();
  }

  @AfterEach
  void stop() {
    dataplane.close();
  }

  private SnapshotDelta lastCompiledWith() {
    return compiledWith.get(compiledWith.size() - 1).orElseThrow();
  }

  @Test
  void aDeltaMadeFromTheServedSnapshotIsTheOneCompiled() throws Exception {
    Snapshot second = plus(FIRST, "b.example");
    SnapshotUpdate update = update(FIRST, second);

    dataplane.apply(update);

    assertThat(lastCompiledWith()).isSameAs(update.delta());
    assertThat(dataplane.current()).isSameAs(second);
  }

  @Test
  void aDeltaMadeFromAnotherSnapshotIsNotUsed() throws Exception {
    // The data plane never got the second snapshot (it refused it, say).
    Snapshot second = plus(FIRST, "b.example");
    Snapshot third = plus(second, "c.example");

    dataplane.apply(update(second, third));

    SnapshotDelta used = lastCompiledWith();
    assertThat(used.baseVersion()).isEqualTo(FIRST.version());
    assertThat(used.upsertVirtualHosts())
        .extracting(VirtualHost::host)
        .containsExactly("b.example", "c.example");
    assertThat(dataplane.current()).isSameAs(third);
  }

  @Test
  void aSnapshotWithoutADeltaIsComparedWithTheServedOne() throws Exception {
    Snapshot second = plus(FIRST, "b.example");

    dataplane.apply(SnapshotUpdate.full(second));

    assertThat(lastCompiledWith().baseVersion()).isEqualTo(FIRST.version());
    assertThat(lastCompiledWith().upsertVirtualHosts())
        .extracting(VirtualHost::host)
        .containsExactly("b.example");
    assertThat(dataplane.current()).isSameAs(second);
  }

  @Test
  void anInvalidSnapshotGivenWithADeltaIsRefusedAsTheWholeSnapshotWouldBe() throws Exception {
    List<VirtualHost> hosts = new ArrayList<>(FIRST.virtualHosts());
    hosts.add(VirtualHost.of("b.example", List.of(Route.prefix("/", "missing"))));
    Snapshot invalid = FIRST.toBuilder().version(2).virtualHosts(hosts).build();
    InvalidSnapshotException whole =
        catchThrowableOfType(
            () -> SnapshotValidator.validate(invalid), InvalidSnapshotException.class);

    assertThatThrownBy(() -> dataplane.apply(update(FIRST, invalid)))
        .isInstanceOf(InvalidSnapshotException.class)
        .hasMessage(whole.getMessage());
    assertThat(dataplane.current()).isSameAs(FIRST);
  }
}
