package dev.weir.dataplane;

import dev.weir.contract.admin.AdminServer;
import dev.weir.contract.admin.ProcessMetrics;
import dev.weir.contract.admin.PrometheusText;
import dev.weir.contract.local.LocalDataplane;
import dev.weir.contract.snapshot.InvalidSnapshotException;
import dev.weir.contract.snapshot.SnapshotUpdate;
import dev.weir.dataplane.demo.DemoBackends;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The data plane as standalone mode runs it: listeners, and an admin port whose readiness follows
 * the first applied snapshot and whose metrics are the data plane's and the embedding operator's.
 * Its {@code /metrics} is the process's only one, so the JVM and process meters are bound to the
 * data plane's registry. Registered in {@code META-INF/services}.
 */
public final class LocalDataplaneFactory implements LocalDataplane.Factory {

  @Override
  public LocalDataplane start(LocalDataplane.Options options) throws Exception {
    DataplaneMetrics metrics = new DataplaneMetrics();
    Dataplane dataplane =
        Dataplane.start(
            new Dataplane.Options(
                    options.bindAddress(),
                    options.httpPort(),
                    options.httpsPort(),
                    options.drainTimeout(),
                    Dataplane.Options.defaultIoThreads(),
                    options.httpsRedirectPort(),
                    options.edge())
                .withOutliers(options.outliers()),
            metrics);
    AtomicBoolean draining = new AtomicBoolean();
    if (options.adminPort() < 0) {
      return new Local(dataplane, null, null, draining);
    }
    ProcessMetrics processMetrics = ProcessMetrics.bindTo(metrics.registry());
    try {
      AdminServer admin =
          AdminServer.start(
              options.bindAddress(),
              options.adminPort(),
              () -> PrometheusText.merge(metrics.scrape(), options.embedderMetrics().get()),
              // As the data-plane binary: not ready once draining starts, so a Service stops
              // sending new connections before the listeners close.
              () -> dataplane.hasSnapshot() && !draining.get());
      return new Local(dataplane, admin, processMetrics, draining);
    } catch (Exception e) {
      dataplane.shutdown();
      processMetrics.close();
      throw e;
    }
  }

  @Override
  public AutoCloseable startDemoBackends(List<LocalDataplane.DemoPod> pods) throws Exception {
    return DemoBackends.start(
        pods.stream().map(p -> new DemoBackends.Pod(p.name(), p.address(), p.port())).toList());
  }

  private record Local(
      Dataplane dataplane, AdminServer admin, ProcessMetrics processMetrics, AtomicBoolean draining)
      implements LocalDataplane {
    @Override
    public void apply(SnapshotUpdate update) throws InvalidSnapshotException {
      dataplane.apply(update);
    }

    @Override
    public int httpPort() {
      return dataplane.httpPort();
    }

    @Override
    public int httpsPort() {
      return dataplane.httpsPort();
    }

    @Override
    public int adminPort() {
      return admin == null ? -1 : admin.port();
    }

    @Override
    public void close() {
      draining.set(true);
      dataplane.shutdown();
      if (admin != null) {
        admin.close();
        processMetrics.close();
      }
    }
  }
}
