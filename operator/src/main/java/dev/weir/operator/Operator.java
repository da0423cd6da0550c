package dev.weir.operator;

import dev.weir.contract.admin.AdminServer;
import dev.weir.contract.admin.ProcessMetrics;
import dev.weir.contract.control.ControlFrameCodec;
import dev.weir.operator.metrics.OperatorMetrics;
import dev.weir.operator.publish.ControlServer;
import dev.weir.operator.publish.TranslationLoop;
import dev.weir.operator.source.KubernetesSource;
import dev.weir.operator.source.NginxConfigMapWatch;
import dev.weir.operator.status.DiagnosticLog;
import dev.weir.operator.status.EventRecorder;
import dev.weir.operator.status.ExpiryWarnings;
import dev.weir.operator.status.IngressStatusWriter;
import dev.weir.operator.status.LeaderElection;
import dev.weir.operator.status.PublishAddresses;
import dev.weir.operator.status.StatusReconciler;
import dev.weir.operator.tickets.RotationPolicy;
import dev.weir.operator.tickets.SecretTicketKeys;
import dev.weir.operator.translate.TranslateOptions;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator in a cluster, wired: informers feed the cluster state; each change is translated and
 * the snapshot served to every data plane over the control channel; the elected leader writes
 * Ingress status and Events. Every replica runs informers and serves data planes. Session-ticket
 * keys are kept in a Secret of the election's namespace: every replica reads it and sends its keys
 * in every snapshot; the leader rotates them ({@link SecretTicketKeys}).
 */
public final class Operator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Operator.class);

  /**
   * @param publishService {@code namespace/name} of the data planes' Service, or null
   * @param publishAddresses fixed status addresses (used when no publish Service is given)
   * @param ticketKeySecret name of the Secret holding the session-ticket keys, in {@code
   *     electionNamespace}
   * @param ticketKeyRotation how often the leader rotates them
   * @param certificateExpiryWarning how long before a served certificate expires its Ingresses get
   *     a warning Event
   * @param nginxConfigMap {@code namespace/name} of ingress-nginx's controller ConfigMap, read as
   *     global defaults over {@code translate}'s, or null
   * @param updateStatus whether the leader writes {@code status.loadBalancer} of our Ingresses
   *     (false while another controller serves the same Ingresses and owns it)
   */
  public record Config(
      Set<String> namespaces,
      TranslateOptions translate,
      String publishService,
      List<String> publishAddresses,
      String bindAddress,
      int controlPort,
      Path controlTlsDir,
      int adminPort,
      String electionNamespace,
      String electionLease,
      String identity,
      LeaderElection.Timing electionTiming,
      Duration statusResync,
      String ticketKeySecret,
      RotationPolicy ticketKeyRotation,
      Duration certificateExpiryWarning,
      String nginxConfigMap,
      boolean updateStatus) {
    public static final String DEFAULT_TICKET_KEY_SECRET = "weir-session-ticket-keys";

    /** A configuration without ingress-nginx's ConfigMap, writing status. */
    public Config(
        Set<String> namespaces,
        TranslateOptions translate,
        String publishService,
        List<String> publishAddresses,
        String bindAddress,
        int controlPort,
        Path controlTlsDir,
        int adminPort,
        String electionNamespace,
        String electionLease,
        String identity,
        LeaderElection.Timing electionTiming,
        Duration statusResync,
        String ticketKeySecret,
        RotationPolicy ticketKeyRotation,
        Duration certificateExpiryWarning) {
      this(
          namespaces,
          translate,
          publishService,
          publishAddresses,
          bindAddress,
          controlPort,
          controlTlsDir,
          adminPort,
          electionNamespace,
          electionLease,
          identity,
          electionTiming,
          statusResync,
          ticketKeySecret,
          ticketKeyRotation,
          certificateExpiryWarning,
          null,
          true);
    }

    public Config withNginxConfigMap(String namespaceAndName) {
      return new Config(
          namespaces,
          translate,
          publishService,
          publishAddresses,
          bindAddress,
          controlPort,
          controlTlsDir,
          adminPort,
          electionNamespace,
          electionLease,
          identity,
          electionTiming,
          statusResync,
          ticketKeySecret,
          ticketKeyRotation,
          certificateExpiryWarning,
          namespaceAndName,
          updateStatus);
    }

    public Config withUpdateStatus(boolean value) {
      return new Config(
          namespaces,
          translate,
          publishService,
          publishAddresses,
          bindAddress,
          controlPort,
          controlTlsDir,
          adminPort,
          electionNamespace,
          electionLease,
          identity,
          electionTiming,
          statusResync,
          ticketKeySecret,
          ticketKeyRotation,
          certificateExpiryWarning,
          nginxConfigMap,
          value);
    }

    public Config {
      Objects.requireNonNull(ticketKeySecret, "ticketKeySecret");
      Objects.requireNonNull(ticketKeyRotation, "ticketKeyRotation");
      Objects.requireNonNull(certificateExpiryWarning, "certificateExpiryWarning");
    }
  }

  /** How long a starting operator waits to read the ticket keys before its first snapshot. */
  private static final Duration TICKET_KEYS_SYNC_TIMEOUT = Duration.ofSeconds(10);

  private final KubernetesSource source;
  private final ControlServer control;
  private final TranslationLoop loop;
  private final StatusReconciler status;
  private final LeaderElection election;
  private final SecretTicketKeys ticketKeys;
  private final AdminServer admin;
  private final ProcessMetrics processMetrics;
  private final NginxConfigMapWatch nginxConfigMap;

  private Operator(
      KubernetesSource source,
      ControlServer control,
      TranslationLoop loop,
      StatusReconciler status,
      LeaderElection election,
      SecretTicketKeys ticketKeys,
      AdminServer admin,
      ProcessMetrics processMetrics,
      NginxConfigMapWatch nginxConfigMap) {
    this.nginxConfigMap = nginxConfigMap;
    this.ticketKeys = ticketKeys;
    this.source = source;
    this.control = control;
    this.loop = loop;
    this.status = status;
    this.election = election;
    this.admin = admin;
    this.processMetrics = processMetrics;
  }

  public static Operator start(KubernetesClient client, Config config) throws Exception {
    ControlServer control =
        ControlServer.start(config.bindAddress(), config.controlPort(), config.controlTlsDir());
    OperatorMetrics metrics =
        new OperatorMetrics(
            () ->
                control.dataPlanes().stream()
                    .map(d -> new OperatorMetrics.DataPlane(d.node(), d.appliedVersion()))
                    .toList());
    KubernetesSource source = new KubernetesSource(client, config.namespaces());
    metrics.watch(() -> source.state().counts());

    PublishAddresses addresses =
        config.publishService() != null
            ? PublishAddresses.ofService(
                client, namespaceOf(config.publishService()), nameOf(config.publishService()))
            : PublishAddresses.fixed(config.publishAddresses());
    Clock clock = Clock.systemUTC();
    ExpiryWarnings expiryWarnings = new ExpiryWarnings(clock, config.certificateExpiryWarning());
    LeaderElection[] election = new LeaderElection[1];
    TranslationLoop[] loopOnceBuilt = new TranslationLoop[1];
    NginxConfigMapWatch nginx =
        config.nginxConfigMap() == null
            ? null
            : NginxConfigMapWatch.start(
                client,
                namespaceOf(config.nginxConfigMap()) + "/" + nameOf(config.nginxConfigMap()),
                () -> {
                  if (loopOnceBuilt[0] != null) {
                    loopOnceBuilt[0].optionsChanged();
                  }
                },
                10);
    StatusReconciler status =
        new StatusReconciler(
            config.updateStatus() ? new IngressStatusWriter(client, addresses) : null,
            new EventRecorder(client, config.identity(), clock, Duration.ofMinutes(10), 5, 50),
            () -> election[0] != null && election[0].isLeader(),
            config.statusResync(),
            expiryWarnings,
            nginx == null ? List::of : nginx::diagnostics);
    SecretTicketKeys ticketKeys =
        new SecretTicketKeys(
            client,
            config.electionNamespace(),
            config.ticketKeySecret(),
            config.ticketKeyRotation(),
            clock,
            () -> election[0] != null && election[0].isLeader(),
            metrics);
    DiagnosticLog diagnosticLog = new DiagnosticLog();
    TranslationLoop loop =
        new TranslationLoop(
            source,
            state ->
                nginx == null ? config.translate() : nginx.current().applyTo(config.translate()),
            List.of(
                update -> {
                  control.publish(update);
                  metrics.published(
                      update.snapshot().version(),
                      control::latestFrameBytes,
                      control.latestDeltaBytes());
                }),
            List.of(t -> diagnosticLog.update(t.diagnostics(), expiryWarnings.of(t)), status),
            metrics,
            clock,
            ticketKeys::current);
    loopOnceBuilt[0] = loop;
    metrics.certificateExpiries(loop::latest, clock);
    metrics.warnings(expiryWarnings::of);
    election[0] =
        new LeaderElection(
            client,
            config.electionNamespace(),
            config.electionLease(),
            config.identity(),
            config.electionTiming(),
            () -> {
              status.resync();
              ticketKeys.startLeading();
            });

    AdminServer admin = null;
    ProcessMetrics processMetrics = null;
    try {
      if (config.adminPort() >= 0) {
        processMetrics = ProcessMetrics.bindTo(metrics.registry());
        admin =
            AdminServer.start(
                config.bindAddress(),
                config.adminPort(),
                metrics::scrape,
                () -> loop.lastPublished() != null);
      }
      ticketKeys.start(loop::ticketKeysChanged, TICKET_KEYS_SYNC_TIMEOUT);
      loop.start(Duration.ofMinutes(2));
      election[0].start();
    } catch (Exception e) {
      ticketKeys.close();
      loop.close();
      control.close();
      status.close();
      if (admin != null) {
        admin.close();
      }
      if (processMetrics != null) {
        processMetrics.close();
      }
      if (nginx != null) {
        nginx.close();
      }
      throw e;
    }
    log.info(
        "event=operator_started identity={} namespaces={} control_port={} max_frame_bytes={}",
        config.identity(),
        config.namespaces().isEmpty() ? "all" : config.namespaces(),
        control.port(),
        ControlFrameCodec.MAX_FRAME_BYTES);
    return new Operator(
        source, control, loop, status, election[0], ticketKeys, admin, processMetrics, nginx);
  }

  public int controlPort() {
    return control.port();
  }

  public int adminPort() {
    return admin == null ? -1 : admin.port();
  }

  public boolean isLeader() {
    return election.isLeader();
  }

  public ControlServer controlServer() {
    return control;
  }

  public TranslationLoop translationLoop() {
    return loop;
  }

  /** The session-ticket keys this replica publishes (and, as leader, rotates). */
  public SecretTicketKeys ticketKeys() {
    return ticketKeys;
  }

  private static String namespaceOf(String ref) {
    int slash = ref.indexOf('/');
    if (slash <= 0 || slash == ref.length() - 1) {
      throw new IllegalArgumentException("'" + ref + "' is not NAMESPACE/NAME");
    }
    return ref.substring(0, slash);
  }

  private static String nameOf(String ref) {
    return ref.substring(ref.indexOf('/') + 1);
  }

  @Override
  public void close() {
    election.close();
    ticketKeys.close();
    status.close();
    loop.close();
    control.close();
    if (nginxConfigMap != null) {
      nginxConfigMap.close();
    }
    if (admin != null) {
      admin.close();
      processMetrics.close();
    }
    log.info("event=operator_stopped");
  }
}
