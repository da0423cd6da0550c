package dev.weir.contract.local;

import dev.weir.contract.cli.Edge;
import dev.weir.contract.cli.OutlierSettings;
import dev.weir.contract.control.SnapshotSink;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.function.Supplier;

/**
 * A data plane running in the operator's own process: how standalone mode serves what it
 * translates. The operator is built without the data plane (it needs none of its HTTP/2 codec,
 * native transports or BoringSSL to run in a cluster); the data plane registers a {@link Factory}
 * with {@link ServiceLoader}, so standalone mode works wherever both are on the class path, as in
 * {@code weir-standalone.jar}.
 */
public interface LocalDataplane extends SnapshotSink, AutoCloseable {

  /** The bound plain HTTP port, or -1 when there is none. */
  int httpPort();

  /** The bound HTTPS port, or -1 when there is none. */
  int httpsPort();

  /** The admin port ({@code /healthz}, {@code /readyz}, {@code /metrics}), or -1 when none. */
  int adminPort();

  /** Stops accepting, lets requests in flight finish within the drain timeout, then stops. */
  @Override
  void close();

  /**
   * Where the data plane listens.
   *
   * @param httpPort plain HTTP port; 0 = any free port, -1 = none
   * @param httpsPort HTTPS port; 0 = any free port, -1 = none
   * @param adminPort admin port; 0 = any free port, -1 = none
   * @param httpsRedirectPort the port of the https URLs plain HTTP is redirected to (443: none in
   *     the URL; 0: the HTTPS listener's own port): where clients reach the HTTPS listener
   * @param edge PROXY protocol, trusted proxies, access log
   * @param embedderMetrics the embedding process's own meters as Prometheus text, produced per
   *     scrape and served on the admin port's {@code /metrics} after the data plane's (families the
   *     data plane has too, such as the build info, once)
   * @param outliers when failing endpoints are ejected from balancing
   */
  record Options(
      String bindAddress,
      int httpPort,
      int httpsPort,
      int adminPort,
      Duration drainTimeout,
      int httpsRedirectPort,
      Edge edge,
      Supplier<String> embedderMetrics,
      OutlierSettings outliers) {
    public Options {
      Objects.requireNonNull(outliers, "outliers");
      Objects.requireNonNull(bindAddress, "bindAddress");
      Objects.requireNonNull(drainTimeout, "drainTimeout");
      Objects.requireNonNull(edge, "edge");
      Objects.requireNonNull(embedderMetrics, "embedderMetrics");
    }

    /** With {@link OutlierSettings#DEFAULTS}. */
    public Options(
        String bindAddress,
        int httpPort,
        int httpsPort,
        int adminPort,
        Duration drainTimeout,
        int httpsRedirectPort,
        Edge edge,
        Supplier<String> embedderMetrics) {
      this(
          bindAddress,
          httpPort,
          httpsPort,
          adminPort,
          drainTimeout,
          httpsRedirectPort,
          edge,
          embedderMetrics,
          OutlierSettings.DEFAULTS);
    }

    /** These options, ejecting failing endpoints as {@code value} says. */
    public Options withOutliers(OutlierSettings value) {
      return new Options(
          bindAddress,
          httpPort,
          httpsPort,
          adminPort,
          drainTimeout,
          httpsRedirectPort,
          edge,
          embedderMetrics,
          value);
    }

    /** Without metrics of the embedding process. */
    public Options(
        String bindAddress,
        int httpPort,
        int httpsPort,
        int adminPort,
        Duration drainTimeout,
        int httpsRedirectPort,
        Edge edge) {
      this(
          bindAddress,
          httpPort,
          httpsPort,
          adminPort,
          drainTimeout,
          httpsRedirectPort,
          edge,
          () -> "");
    }

    /** With {@link Edge#DEFAULTS}. */
    public Options(
        String bindAddress,
        int httpPort,
        int httpsPort,
        int adminPort,
        Duration drainTimeout,
        int httpsRedirectPort) {
      this(
          bindAddress,
          httpPort,
          httpsPort,
          adminPort,
          drainTimeout,
          httpsRedirectPort,
          Edge.DEFAULTS);
    }

    /** Redirecting to https URLs without a port (443). */
    public Options(
        String bindAddress, int httpPort, int httpsPort, int adminPort, Duration drainTimeout) {
      this(bindAddress, httpPort, httpsPort, adminPort, drainTimeout, 443);
    }
  }

  /** A demo pod for the quickstart: a small HTTP server answering with its name. */
  record DemoPod(String name, String address, int port) {}

  /** Starts local data planes; the data plane module provides one through ServiceLoader. */
  interface Factory {
    /** Binds the listeners; every request is answered 404 until the first snapshot. */
    LocalDataplane start(Options options) throws Exception;

    /** Starts one demo server per pod; closing the result stops them. */
    AutoCloseable startDemoBackends(List<DemoPod> pods) throws Exception;
  }

  /**
   * The data plane on the class path.
   *
   * @throws IllegalStateException when there is none (the operator's own jar carries none)
   */
  static Factory factory() {
    return ServiceLoader.load(Factory.class, LocalDataplane.class.getClassLoader())
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "standalone mode needs the data plane on the class path: run"
                        + " weir-standalone.jar (standalone/target/) instead of weir-operator.jar"));
  }
}
