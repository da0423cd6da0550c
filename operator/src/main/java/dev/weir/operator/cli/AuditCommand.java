package dev.weir.operator.cli;

import static org.slf4j.Logger.ROOT_LOGGER_NAME;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.weir.contract.cli.BuildInfo;
import dev.weir.operator.audit.AuditOutput;
import dev.weir.operator.audit.AuditReport;
import dev.weir.operator.audit.AuditReport.ClusterFinding;
import dev.weir.operator.audit.MigrationAudit;
import dev.weir.operator.source.ManifestFiles;
import dev.weir.operator.translate.TranslateOptions;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code audit}: what moving a cluster's Ingresses from ingress-nginx to Weir would change. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    versionProvider = BuildInfo.VersionProvider.class,
    sortOptions = false,
    description =
        "Reads Ingresses, IngressClasses and ingress-nginx's ConfigMap from manifests or from a "
            + "cluster (read only) and reports, per Ingress and annotation, what Weir does the "
            + "same, differently, ignores, refuses (snippets) or does not know, plus class and "
            + "ConfigMap findings. Exit code 0: nothing would change behaviour; 1: something "
            + "would; 2: usage error.")
final class AuditCommand implements Callable<Integer> {
  /** Exit code when moving to Weir would change what a request gets. */
  static final int CHANGES_BEHAVIOUR = 1;

  /** Exit code of a usage error (picocli's, also for unreadable input). */
  static final int USAGE = 2;

  @Spec CommandSpec spec;

  static final class Input {
    @Option(
        names = "--manifests",
        paramLabel = "PATH",
        description = "A manifest file, or a directory read with its subdirectories.")
    Path manifests;

    @Option(
        names = "--cluster",
        description = "Read the cluster of --kubeconfig (or the in-cluster service account).")
    boolean cluster;
  }

  @ArgGroup(multiplicity = "1")
  Input input;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description =
          "Kubeconfig for --cluster; default: in-cluster service account, else ~/.kube/config.")
  Path kubeconfig;

  @Option(
      names = "--namespace",
      paramLabel = "NS",
      description = "Namespace to read with --cluster (repeatable); default: all namespaces.")
  List<String> namespaces = new ArrayList<>();

  @Option(
      names = "--nginx-configmap",
      paramLabel = "NS/NAME",
      description = "ingress-nginx's controller ConfigMap (in the manifests, or in the cluster).")
  String nginxConfigMap;

  @Option(
      names = "--ingress-class",
      defaultValue = TranslateOptions.DEFAULT_CLASS_NAME,
      paramLabel = "NAME",
      description =
          "Weir's --ingress-class, to say which Ingresses it would serve. Default: ${DEFAULT-VALUE}.")
  String ingressClass;

  @Option(
      names = "--controller-name",
      defaultValue = TranslateOptions.CONTROLLER_NAME,
      paramLabel = "NAME",
      description = "Weir's --controller-name. Default: ${DEFAULT-VALUE}.")
  String controllerName;

  @Option(names = "--ingress-class-by-name", description = "Weir's --ingress-class-by-name.")
  boolean ingressClassByName;

  @Option(
      names = "--watch-ingress-without-class",
      description = "Weir's --watch-ingress-without-class.")
  boolean watchIngressWithoutClass;

  @Option(
      names = "--output",
      defaultValue = "text",
      paramLabel = "FORMAT",
      description = "text or json. Default: ${DEFAULT-VALUE}.")
  String output;

  @Override
  public Integer call() throws Exception {
    // The report is the output, on standard output: library logging (LogConfigurator sends it
    // there too) must not interleave with the JSON.
    ((Logger) LoggerFactory.getLogger(ROOT_LOGGER_NAME)).setLevel(Level.OFF);
    if (!output.equals("text") && !output.equals("json")) {
      throw new ParameterException(
          spec.commandLine(), "--output: must be text or json, not '" + output + "'");
    }
    if (nginxConfigMap != null && !nginxConfigMap.matches("[^/]+/[^/]+")) {
      throw new ParameterException(
          spec.commandLine(), "--nginx-configmap: '" + nginxConfigMap + "' is not NS/NAME");
    }
    TranslateOptions options =
        new TranslateOptions(
                controllerName,
                ingressClass,
                watchIngressWithoutClass,
                false,
                TranslateOptions.defaults().settings())
            .withIngressClassByName(ingressClassByName);
    List<HasMetadata> objects;
    Optional<ConfigMap> configMap;
    List<ClusterFinding> skipped = new ArrayList<>();
    if (input.manifests != null) {
      if (!Files.exists(input.manifests)) {
        throw new ParameterException(
            spec.commandLine(), "--manifests: " + input.manifests + " does not exist");
      }
      ManifestFiles.Read read;
      try {
        read = ManifestFiles.read(input.manifests);
      } catch (IOException e) {
        spec.commandLine().getErr().println("audit: " + e.getMessage());
        return USAGE;
      }
      objects = read.objects();
      for (Map.Entry<Path, String> s : read.skipped().entrySet()) {
        skipped.add(
            new ClusterFinding(
                "skipped-file",
                s.getKey().toString(),
                "not a Kubernetes manifest (" + s.getValue() + "); not audited",
                false));
      }
      configMap = configMapIn(objects);
    } else {
      Config config =
          kubeconfig == null
              ? Config.autoConfigure(null)
              : Config.fromKubeconfig(Files.readString(kubeconfig));
      try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
        objects = ClusterReader.read(client, namespaces);
        configMap =
            nginxConfigMap == null
                ? Optional.empty()
                : Optional.ofNullable(
                    client
                        .configMaps()
                        .inNamespace(nginxConfigMap.substring(0, nginxConfigMap.indexOf('/')))
                        .withName(nginxConfigMap.substring(nginxConfigMap.indexOf('/') + 1))
                        .get());
      }
    }
    if (nginxConfigMap != null && configMap.isEmpty()) {
      spec.commandLine().getErr().println("audit: ConfigMap " + nginxConfigMap + " not found");
      return USAGE;
    }
    AuditReport report = MigrationAudit.audit(objects, options, configMap);
    if (!skipped.isEmpty()) {
      List<ClusterFinding> cluster = new ArrayList<>(report.cluster());
      cluster.addAll(skipped);
      report = new AuditReport(report.ingresses(), cluster);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(output.equals("json") ? AuditOutput.json(report) : AuditOutput.text(report));
    out.flush();
    return report.changesBehaviour() ? CHANGES_BEHAVIOUR : 0;
  }

  private Optional<ConfigMap> configMapIn(List<HasMetadata> objects) {
    if (nginxConfigMap == null) {
      return Optional.empty();
    }
    String namespace = nginxConfigMap.substring(0, nginxConfigMap.indexOf('/'));
    String name = nginxConfigMap.substring(nginxConfigMap.indexOf('/') + 1);
    return objects.stream()
        .filter(o -> o instanceof ConfigMap)
        .map(o -> (ConfigMap) o)
        .filter(
            c ->
                name.equals(c.getMetadata().getName())
                    && namespace.equals(c.getMetadata().getNamespace()))
        .findFirst();
  }
}
