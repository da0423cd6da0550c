package dev.weir.operator.cli;

import dev.weir.contract.cli.BuildInfo;
import dev.weir.contract.cli.DurationConverter;
import dev.weir.contract.cli.Shutdown;
import dev.weir.contract.snapshot.Settings;
import dev.weir.operator.Operator;
import dev.weir.operator.status.LeaderElection;
import dev.weir.operator.tickets.RotationPolicy;
import dev.weir.operator.translate.TranslateOptions;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code run}: the operator against a Kubernetes API server. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    versionProvider = BuildInfo.VersionProvider.class,
    sortOptions = false,
    description =
        "Watches Ingress, IngressClass, Service, EndpointSlice and TLS Secret objects, translates "
            + "them into snapshots and serves those to data planes on the control port (TLS 1.3, client "
            + "certificates required). The elected leader writes Ingress status and Events and rotates the "
            + "TLS session-ticket keys, kept in a Secret of the operator's namespace, which every "
            + "replica sends to its data planes so that a session resumes on any of them.")
final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description = "Kubeconfig to use; default: in-cluster service account, else ~/.kube/config.")
  Path kubeconfig;

  @Option(
      names = "--namespace",
      paramLabel = "NS",
      description = "Namespace to watch (repeatable); default: all namespaces.")
  List<String> namespaces = new ArrayList<>();

  @Option(
      names = "--ingress-class",
      defaultValue = TranslateOptions.DEFAULT_CLASS_NAME,
      paramLabel = "NAME",
      description =
          "Class name matched by the legacy kubernetes.io/ingress.class annotation. "
              + "Default: ${DEFAULT-VALUE}.")
  String ingressClass;

  @Option(
      names = "--controller-name",
      defaultValue = TranslateOptions.CONTROLLER_NAME,
      paramLabel = "NAME",
      description =
          "spec.controller of the IngressClasses that are ours. Default: ${DEFAULT-VALUE}.")
  String controllerName;

  @Option(
      names = "--ingress-class-by-name",
      description =
          "The IngressClass named by --ingress-class is ours whatever its spec.controller (as "
              + "ingress-nginx's flag of that name): --ingress-class=nginx --ingress-class-by-name "
              + "serves the existing nginx class without editing it.")
  boolean ingressClassByName;

  @Option(
      names = "--update-status",
      defaultValue = "true",
      negatable = true,
      fallbackValue = "true",
      arity = "0..1",
      paramLabel = "BOOL",
      description =
          "Write our Ingresses' status.loadBalancer. Set it to false while another controller "
              + "(ingress-nginx) serves the same Ingresses and owns their status, so the two do "
              + "not overwrite each other (ExternalDNS would flap). Default: ${DEFAULT-VALUE}.")
  boolean updateStatus;

  @Option(
      names = "--nginx-configmap",
      paramLabel = "NS/NAME",
      description =
          "ingress-nginx's controller ConfigMap, watched and read as global defaults "
              + "(proxy-*-timeout, proxy-body-size, proxy-next-upstream-tries, ssl-redirect, hsts*, "
              + "disable-access-log, limit-req-status-code...; see docs/migration.md). Its keys win "
              + "over the options of this command; annotations win over both. Keys Weir does not "
              + "read are logged and reported as Events on the ConfigMap.")
  String nginxConfigMap;

  @Option(
      names = "--watch-ingress-without-class",
      description = "Also serve Ingresses that name no class.")
  boolean watchIngressWithoutClass;

  @Option(
      names = "--publish-service",
      paramLabel = "NS/NAME",
      description =
          "Service whose load balancer (else cluster IP) is written into our Ingresses' "
              + "status.loadBalancer.")
  String publishService;

  @Option(
      names = "--publish-status-address",
      paramLabel = "ADDR",
      description =
          "Fixed address written into status (repeatable); used without --publish-service.")
  List<String> publishStatusAddresses = new ArrayList<>();

  @Option(
      names = "--control-port",
      defaultValue = "18000",
      paramLabel = "PORT",
      description = "Port data planes dial for snapshots. Default: ${DEFAULT-VALUE}.")
  int controlPort;

  @Option(
      names = "--control-tls-dir",
      required = true,
      paramLabel = "DIR",
      description = "tls.crt, tls.key and ca.crt of the control channel (the chart mounts them).")
  Path controlTlsDir;

  @Option(
      names = "--admin-port",
      defaultValue = "9091",
      paramLabel = "PORT",
      description = "/healthz, /readyz and /metrics (-1: off). Default: ${DEFAULT-VALUE}.")
  int adminPort;

  @Option(
      names = "--bind",
      defaultValue = "0.0.0.0",
      paramLabel = "ADDR",
      description = "Address the control and admin ports bind to. Default: ${DEFAULT-VALUE}.")
  String bind;

  @Option(
      names = "--election-namespace",
      paramLabel = "NS",
      description =
          "Namespace of the leader-election Lease; default: $POD_NAMESPACE, else default.")
  String electionNamespace;

  @Option(
      names = "--election-lease",
      defaultValue = "weir-operator-leader",
      paramLabel = "NAME",
      description = "Name of the leader-election Lease. Default: ${DEFAULT-VALUE}.")
  String electionLease;

  @Option(
      names = "--status-resync",
      defaultValue = "60s",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How often the leader re-checks status and Events. Default: 60s.")
  Duration statusResync;

  @Mixin CertificateExpiryOptions certificateExpiry = new CertificateExpiryOptions();

  @Option(
      names = "--allow-local-endpoints",
      description =
          "Accept loopback and link-local endpoint addresses (development only: in a "
              + "cluster they would let an EndpointSlice point the proxy at itself or the node).")
  boolean allowLocalEndpoints;

  @Mixin ListenerSettingsOptions listener = new ListenerSettingsOptions();
  @Mixin ResponseHeaderOptions responseHeaders = new ResponseHeaderOptions();

  @Option(
      names = "--session-ticket-key-secret",
      defaultValue = Operator.Config.DEFAULT_TICKET_KEY_SECRET,
      paramLabel = "NAME",
      description =
          "Secret (in the election namespace) holding the TLS session-ticket keys: created and "
              + "rotated by the leader, read by every replica. Default: ${DEFAULT-VALUE}.")
  String ticketKeySecret;

  @Mixin TicketKeyOptions ticketKeys = new TicketKeyOptions();

  @Mixin HttpsDefaultsOptions https = new HttpsDefaultsOptions();

  @Mixin RetryOptions retry = new RetryOptions();

  @Option(
      names = "--proxy-protocol",
      description =
          "Data planes expect a PROXY protocol header (v1 or v2, as AWS NLB, GCP, Azure and "
              + "HAProxy send) at the start of every connection they accept after receiving this "
              + "setting, and take the client's address from it; a connection without a valid "
              + "header is closed. Sent in every snapshot; a data plane started with its own "
              + "--proxy-protocol expects the header either way. Off by default.")
  boolean proxyProtocol;

  @Override
  public Integer call() throws Exception {
    Settings settings = listener.settings().toBuilder().proxyProtocol(proxyProtocol).build();
    RotationPolicy ticketKeyRotation = ticketKeys.policy();
    Config config =
        kubeconfig == null
            ? Config.autoConfigure(null)
            : Config.fromKubeconfig(Files.readString(kubeconfig));
    String identity =
        firstNonBlank(
            System.getenv("POD_NAME"),
            System.getenv("HOSTNAME"),
            "weir-operator-" + UUID.randomUUID().toString().substring(0, 8));
    String leaseNamespace =
        firstNonBlank(electionNamespace, System.getenv("POD_NAMESPACE"), "default");
    if (nginxConfigMap != null && !nginxConfigMap.matches("[^/]+/[^/]+")) {
      throw new ParameterException(
          spec.commandLine(), "--nginx-configmap: '" + nginxConfigMap + "' is not NS/NAME");
    }
    TranslateOptions translate =
        new TranslateOptions(
            controllerName,
            ingressClass,
            watchIngressWithoutClass,
            allowLocalEndpoints,
            settings,
            https.httpsDefaults());
    translate =
        translate
            .withIngressClassByName(ingressClassByName)
            .withAllowedResponseHeaders(responseHeaders.allowed())
            .withRetry(retry.retryDefaults());
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
    Operator operator =
        Operator.start(
            client,
            new Operator.Config(
                    new LinkedHashSet<>(namespaces),
                    translate,
                    publishService,
                    publishStatusAddresses,
                    bind,
                    controlPort,
                    controlTlsDir,
                    adminPort,
                    leaseNamespace,
                    electionLease,
                    identity,
                    LeaderElection.Timing.DEFAULT,
                    statusResync,
                    ticketKeySecret,
                    ticketKeyRotation,
                    certificateExpiry.warning)
                .withNginxConfigMap(nginxConfigMap)
                .withUpdateStatus(updateStatus));
    Shutdown.awaitThenRun(
        () -> {
          operator.close();
          client.close();
        });
    return 0;
  }

  private static String firstNonBlank(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return null;
  }
}
