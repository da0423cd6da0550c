package dev.weir.operator.cli;

import dev.weir.contract.cli.BuildInfo;
import dev.weir.contract.cli.DurationConverter;
import dev.weir.contract.cli.EdgeOptions;
import dev.weir.contract.cli.ListenerPorts;
import dev.weir.contract.cli.OutlierOptions;
import dev.weir.contract.cli.Shutdown;
import dev.weir.contract.local.LocalDataplane;
import dev.weir.operator.Standalone;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code standalone}: translation and an in-process data plane, fed from a manifest directory. */
@Command(
    name = "standalone",
    mixinStandardHelpOptions = true,
    versionProvider = BuildInfo.VersionProvider.class,
    sortOptions = false,
    description =
        "Runs Weir without a cluster: reads Ingress, IngressClass, Service, EndpointSlice and TLS "
            + "Secret manifests (*.yaml, *.yml, *.json) from a directory, serves them with an "
            + "in-process data plane, and applies a changed file within a second. Ingresses without a "
            + "class are served unless the directory holds an IngressClass with controller "
            + "weir.dev/ingress-controller (then the usual class rules apply). Endpoint addresses on "
            + "loopback are accepted.")
final class StandaloneCommand implements Callable<Integer> {
  @Option(
      names = "--manifests",
      required = true,
      paramLabel = "DIR",
      description = "Directory of Kubernetes manifests to serve, watched for changes.")
  Path manifests;

  @Mixin ListenerPorts ports = new ListenerPorts();

  @Option(
      names = "--bind",
      defaultValue = "127.0.0.1",
      paramLabel = "ADDR",
      description =
          "Address every listener binds to. Default: ${DEFAULT-VALUE} (this machine "
              + "only; use 0.0.0.0 to accept connections from elsewhere).")
  String bind;

  @Option(
      names = "--drain-timeout",
      defaultValue = "10s",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How long in-flight requests may take to finish on shutdown. Default: 10s.")
  Duration drainTimeout;

  @Mixin ListenerSettingsOptions listener = new ListenerSettingsOptions();

  @Mixin TicketKeyOptions ticketKeys = new TicketKeyOptions();
  @Mixin HttpsDefaultsOptions https = new HttpsDefaultsOptions();
  @Mixin ResponseHeaderOptions responseHeaders = new ResponseHeaderOptions();
  @Mixin RetryOptions retry = new RetryOptions();
  @Mixin EdgeOptions edge = new EdgeOptions();
  @Mixin OutlierOptions outliers = new OutlierOptions();

  @Mixin CertificateExpiryOptions certificateExpiry = new CertificateExpiryOptions();

  @Option(
      names = "--demo-backends",
      description =
          "Start a small demo HTTP server for every loopback endpoint the Ingresses "
              + "route to (as found at start), answering with its pod name: for the quickstart.")
  boolean demoBackends;

  @Override
  public Integer call() throws Exception {
    if (!Files.isDirectory(manifests)) {
      throw new ParameterException(
          new CommandLine(this),
          "--manifests: " + manifests.toAbsolutePath() + " is not a directory");
    }
    // Usage errors first: a bad option is reported the same with or without the data plane.
    var listenerSettings = listener.settings();
    var ticketKeyRotation = ticketKeys.policy();
    var httpsDefaults = https.httpsDefaults();
    var allowedResponseHeaders = responseHeaders.allowed();
    var retryDefaults = retry.retryDefaults();
    var outlierSettings = outliers.settings();
    try {
      LocalDataplane.factory();
    } catch (IllegalStateException noDataplane) {
      // weir-operator.jar is built without the data plane: say which jar has it, no stack trace.
      System.err.println("standalone: " + noDataplane.getMessage());
      return 2;
    }
    Standalone standalone =
        Standalone.start(
            new Standalone.Options(
                    manifests,
                    bind,
                    ports.http,
                    ports.https,
                    ports.admin,
                    drainTimeout,
                    demoBackends,
                    listenerSettings,
                    ticketKeyRotation,
                    httpsDefaults,
                    certificateExpiry.warning)
                .withAllowedResponseHeaders(allowedResponseHeaders)
                .withRetry(retryDefaults),
            edge.edge(),
            outlierSettings);
    printWhatToTry(standalone);

    Shutdown.awaitThenRun(standalone::close);
    return 0;
  }

  private void printWhatToTry(Standalone standalone) {
    int https = standalone.httpsPort();
    String resolve =
        "--resolve shop.weir.test:"
            + https
            + ":127.0.0.1 --resolve blog.apps.weir.test:"
            + https
            + ":127.0.0.1";
    System.out.println(
        """

        Weir is serving the manifests in %s (HTTP %d, HTTPS %d, admin %d).
        If this is the quickstart (examples/quickstart), try:

          curl --cacert examples/tls/demo-ca.crt %s https://shop.weir.test:%d/app-1
          curl --cacert examples/tls/demo-ca.crt %s https://shop.weir.test:%d/app-2
          curl --cacert examples/tls/demo-ca.crt %s https://blog.apps.weir.test:%d/
          curl http://127.0.0.1:%d/ -H 'Host: nothing.example'      (404 from Weir)
          curl http://127.0.0.1:%d/metrics

        Repeat the first one: app-1 has two pods and requests alternate between them.
        Rotate the certificate: replace the PEM blocks in examples/quickstart/shop-tls.yaml with
        examples/tls/shop-v2.crt and shop-v2.key, then within a second
          openssl s_client -connect 127.0.0.1:%d -servername shop.weir.test </dev/null 2>/dev/null | grep subject
        shows "demo v2". Ctrl-C stops Weir (in-flight requests finish first).
        """
            .formatted(
                manifests,
                standalone.httpPort(),
                https,
                standalone.adminPort(),
                resolve,
                https,
                resolve,
                https,
                resolve,
                https,
                standalone.httpPort(),
                standalone.adminPort(),
                https));
  }
}
