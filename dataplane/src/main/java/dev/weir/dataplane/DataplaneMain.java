package dev.weir.dataplane;

import dev.weir.contract.admin.AdminServer;
import dev.weir.contract.admin.ProcessMetrics;
import dev.weir.contract.cli.BuildInfo;
import dev.weir.contract.cli.DurationConverter;
import dev.weir.contract.cli.Edge;
import dev.weir.contract.cli.EdgeOptions;
import dev.weir.contract.cli.ListenerPorts;
import dev.weir.contract.cli.OutlierOptions;
import dev.weir.contract.cli.OutlierSettings;
import dev.weir.contract.cli.Shutdown;
import dev.weir.dataplane.control.OperatorClient;
import dev.weir.dataplane.control.SnapshotFileSource;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.proxy.http.TrustedProxies;
import dev.weir.dataplane.proxy.upstream.Transport;
import io.netty.util.ResourceLeakDetector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code java -jar weir-dataplane.jar}: the data plane as a process. */
@Command(
    name = "weir-dataplane",
    mixinStandardHelpOptions = true,
    versionProvider = BuildInfo.VersionProvider.class,
    sortOptions = false,
    description =
        "Weir's data plane: terminates TLS and proxies HTTP/1.1 and HTTP/2 by host and path. It "
            + "serves snapshots from the operator (--operator, mutually authenticated TLS 1.3) or from "
            + "a file (--snapshot-file, re-read when it changes). A new snapshot is swapped in "
            + "atomically; an invalid one is refused and the previous one keeps serving. /readyz turns "
            + "ready once the first snapshot is applied. SIGTERM drains: listeners stop accepting, "
            + "in-flight requests finish (up to --drain-timeout), then the process exits.")
public final class DataplaneMain implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(DataplaneMain.class);

  static final class Source {
    @Option(
        names = "--snapshot-file",
        paramLabel = "FILE",
        description = "Snapshot JSON to serve (docs/snapshot.md); followed when it changes.")
    Path snapshotFile;

    @Option(
        names = "--operator",
        paramLabel = "HOST:PORT",
        description = "The operator's control port to dial for snapshots.")
    String operator;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  @Option(
      names = "--tls-dir",
      paramLabel = "DIR",
      description =
          "With --operator: tls.crt, tls.key (this data plane's client certificate) and "
              + "ca.crt (the installation's CA).")
  Path tlsDir;

  @Option(
      names = "--node-name",
      paramLabel = "NAME",
      description = "Name reported to the operator; default: $POD_NAME, else $HOSTNAME.")
  String nodeName;

  @Mixin ListenerPorts ports = new ListenerPorts();

  @Mixin EdgeOptions edge = new EdgeOptions();

  @Mixin OutlierOptions outliers = new OutlierOptions();

  @Option(
      names = "--bind",
      defaultValue = "0.0.0.0",
      paramLabel = "ADDR",
      description = "Address every listener binds to. Default: ${DEFAULT-VALUE}.")
  String bind;

  @Option(
      names = "--drain-timeout",
      defaultValue = "30s",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "How long in-flight requests may take to finish on SIGTERM, e.g. 30s, 500ms. "
              + "Default: 30s.")
  Duration drainTimeout;

  @Option(
      names = "--io-threads",
      paramLabel = "N",
      description =
          "Event-loop threads serving connections (each also accepts and keeps its own "
              + "upstream pools). Default: the processors available to the JVM.")
  Integer ioThreads;

  @Option(
      names = "--transport",
      paramLabel = "NAME",
      defaultValue = "auto",
      converter = TransportConverter.class,
      description =
          "Socket transport: auto (epoll, else Java NIO), epoll, io_uring or nio. One that the "
              + "kernel or sandbox refuses falls back (io_uring to epoll, then NIO) and the log "
              + "line event=transport says why. Default: ${DEFAULT-VALUE}.")
  Transport.Preference transport;

  @Option(
      names = "--https-redirect-port",
      paramLabel = "PORT",
      defaultValue = "443",
      description =
          "Port of the https URLs that routes with redirectToHttps send plain HTTP to: where "
              + "clients reach the HTTPS listener (a Service's port), left out of the URL when "
              + "443. Default: ${DEFAULT-VALUE}.")
  int httpsRedirectPort;

  public static void main(String[] args) {
    // Netty's default leak detection records a stack trace for one buffer in 128, a few percent
    // of the request path's CPU at this data plane's buffer rate. Leaks are hunted in the tests
    // (which keep detection on); -Dio.netty.leakDetection.level=simple turns it back on here.
    if (System.getProperty("io.netty.leakDetection.level") == null) {
      ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }
    int exit = new CommandLine(new DataplaneMain()).execute(args);
    if (exit != 0) {
      System.exit(exit);
    }
  }

  @Override
  public Integer call() throws Exception {
    if (source.operator != null && tlsDir == null) {
      throw new CommandLine.ParameterException(
          new CommandLine(this),
          "--operator needs --tls-dir (the control channel is always mutually authenticated)");
    }
    if (httpsRedirectPort < 1 || httpsRedirectPort > 65535) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--https-redirect-port must be in 1..65535");
    }
    if (ioThreads != null && ioThreads < 1) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--io-threads must be at least 1");
    }
    Edge edge = this.edge.edge();
    OutlierSettings outlierSettings = outliers.settings();
    try {
      TrustedProxies.of(edge.forwardedHeadersTrustedFrom());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--forwarded-headers-trusted-from: " + e.getMessage());
    }
    DataplaneMetrics metrics = new DataplaneMetrics();
    Dataplane dataplane =
        Dataplane.start(
            new Dataplane.Options(
                bind,
                ports.http,
                ports.https,
                drainTimeout,
                ioThreads != null ? ioThreads : Dataplane.Options.defaultIoThreads(),
                httpsRedirectPort,
                edge,
                transport,
                outlierSettings),
            metrics);
    AtomicBoolean draining = new AtomicBoolean();
    AutoCloseable snapshots;
    AdminServer admin = null;
    ProcessMetrics processMetrics = null;
    try {
      snapshots =
          source.snapshotFile != null
              ? SnapshotFileSource.start(source.snapshotFile, dataplane::apply, metrics)
              : new OperatorClient(
                      operatorHost(), operatorPort(), tlsDir, nodeName(), dataplane::apply, metrics)
                  .start();
      if (ports.admin >= 0) {
        processMetrics = ProcessMetrics.bindTo(metrics.registry());
        admin =
            AdminServer.start(
                bind,
                ports.admin,
                metrics::scrape,
                () -> dataplane.hasSnapshot() && !draining.get());
      }
    } catch (Exception e) {
      dataplane.shutdown();
      if (processMetrics != null) {
        processMetrics.close();
      }
      throw e;
    }
    log.info(
        // The listeners are bound by the first snapshot (event=listening then).
        "event=started http_port={} https_port={} admin_port={} source={} ready={}",
        ports.http,
        ports.https,
        admin == null ? -1 : admin.port(),
        source.snapshotFile != null ? "file:" + source.snapshotFile : "operator:" + source.operator,
        dataplane.hasSnapshot());

    AdminServer runningAdmin = admin;
    ProcessMetrics boundProcessMetrics = processMetrics;
    Shutdown.awaitThenRun(
        () -> {
          // Readiness goes first, so a load balancer stops sending while connections drain.
          draining.set(true);
          log.info("event=draining timeout_ms={}", drainTimeout.toMillis());
          try {
            snapshots.close();
          } catch (Exception e) {
            log.warn("event=snapshot_source_close_failed reason=\"{}\"", e.toString());
          }
          dataplane.shutdown();
          if (runningAdmin != null) {
            runningAdmin.close();
            boundProcessMetrics.close();
          }
          log.info("event=stopped");
        });
    return 0;
  }

  static final class TransportConverter
      implements CommandLine.ITypeConverter<Transport.Preference> {
    @Override
    public Transport.Preference convert(String value) {
      try {
        return Transport.Preference.of(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  private String operatorHost() {
    int colon = source.operator.lastIndexOf(':');
    if (colon <= 0) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--operator: '" + source.operator + "' is not HOST:PORT");
    }
    String host = source.operator.substring(0, colon);
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  private int operatorPort() {
    try {
      return Integer.parseInt(source.operator.substring(source.operator.lastIndexOf(':') + 1));
    } catch (NumberFormatException e) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--operator: '" + source.operator + "' is not HOST:PORT");
    }
  }

  private String nodeName() {
    if (nodeName != null) {
      return nodeName;
    }
    String pod = System.getenv("POD_NAME");
    if (pod != null && !pod.isBlank()) {
      return pod;
    }
    String host = System.getenv("HOSTNAME");
    return host != null && !host.isBlank() ? host : "dataplane";
  }
}
