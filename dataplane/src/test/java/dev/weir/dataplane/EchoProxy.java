package dev.weir.dataplane;

import static dev.weir.dataplane.TestSnapshots.LOOPBACK;
import static dev.weir.dataplane.TestSnapshots.backend;
import static dev.weir.dataplane.TestSnapshots.everythingTo;

import dev.weir.contract.snapshot.Settings;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.testing.EchoBackend;
import java.time.Duration;

/**
 * The set-up many proxy tests share: one echo backend, and a data plane on loopback that sends
 * every request to it, with the settings the test is about.
 */
final class EchoProxy implements AutoCloseable {
  final EchoBackend backend;
  final Dataplane dataplane;

  private EchoProxy(EchoBackend backend, Dataplane dataplane) {
    this.backend = backend;
    this.dataplane = dataplane;
  }

  /**
   * HTTP and HTTPS with the data plane's own certificate handling (no certificates: its default).
   */
  static EchoProxy start(Settings settings) throws Exception {
    return start(settings, null);
  }

  /**
   * As {@link #start(Settings)}, with {@code tls} served for every name if not null; null {@code
   * settings} leave the snapshot's settings out (the defaults).
   */
  static EchoProxy start(Settings settings, LocalhostTls tls) throws Exception {
    return start(settings, tls, Duration.ZERO);
  }

  /**
   * As {@link #start(Settings, LocalhostTls)}, the backend waiting {@code delay} before each
   * answer.
   */
  static EchoProxy start(Settings settings, LocalhostTls tls, Duration delay) throws Exception {
    EchoBackend backend = EchoBackend.start("backend", "127.0.0.1", EchoBackend.Mode.JSON, delay);
    Dataplane dataplane = null;
    try {
      dataplane =
          tls == null
              ? Dataplane.start(LOOPBACK, new DataplaneMetrics())
              : Dataplane.start(LOOPBACK, new DataplaneMetrics(), tls.everyName());
      Snapshot snapshot = everythingTo(1, backend("backend", backend.endpoint()));
      dataplane.apply(settings == null ? snapshot : TestSnapshots.withSettings(snapshot, settings));
      return new EchoProxy(backend, dataplane);
    } catch (Exception | Error e) {
      if (dataplane != null) {
        dataplane.close();
      }
      backend.close();
      throw e;
    }
  }

  @Override
  public void close() {
    dataplane.close();
    backend.close();
  }
}
