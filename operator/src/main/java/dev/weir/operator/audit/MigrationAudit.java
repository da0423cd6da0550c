package dev.weir.operator.audit;

import dev.weir.operator.annotations.AnnotationCatalog;
import dev.weir.operator.annotations.AnnotationCatalog.Entry;
import dev.weir.operator.annotations.AnnotationNames;
import dev.weir.operator.annotations.AnnotationProblem;
import dev.weir.operator.annotations.AnnotationStatus;
import dev.weir.operator.annotations.IngressAnnotations;
import dev.weir.operator.audit.AuditReport.ClusterFinding;
import dev.weir.operator.audit.AuditReport.Finding;
import dev.weir.operator.audit.AuditReport.IngressAudit;
import dev.weir.operator.audit.AuditReport.Status;
import dev.weir.operator.nginx.NginxConfigMap;
import dev.weir.operator.nginx.NginxConfigMap.Key;
import dev.weir.operator.nginx.NginxConfigMap.KeyStatus;
import dev.weir.operator.state.InMemoryClusterState;
import dev.weir.operator.translate.IngressClassFilter;
import dev.weir.operator.translate.TranslateOptions;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The migration audit: reads Ingresses, IngressClasses and (if named) ingress-nginx's ConfigMap
 * with the parser the translator uses, and says per annotation what moving to Weir changes. Pure:
 * the command gets the objects from manifests or from a cluster.
 */
public final class MigrationAudit {
  /** ingress-nginx's controller name, as its IngressClass carries it. */
  public static final String NGINX_CONTROLLER = "k8s.io/ingress-nginx";

  private static final String DEFAULT_CLASS = "ingressclass.kubernetes.io/is-default-class";
  private static final String LEGACY_CLASS = "kubernetes.io/ingress.class";

  private MigrationAudit() {}

  /**
   * Audits {@code objects} (other kinds are skipped) as Weir with {@code options} would serve them;
   * {@code configMap} is ingress-nginx's controller ConfigMap, if there is one.
   */
  public static AuditReport audit(
      List<HasMetadata> objects, TranslateOptions options, Optional<ConfigMap> configMap) {
    List<Ingress> ingresses = new ArrayList<>();
    List<IngressClass> classes = new ArrayList<>();
    for (HasMetadata o : objects) {
      if (o instanceof Ingress i) {
        ingresses.add(i);
      } else if (o instanceof IngressClass c) {
        classes.add(c);
      }
    }
    ingresses.sort(
        Comparator.comparing((Ingress i) -> i.getMetadata().getNamespace())
            .thenComparing(i -> i.getMetadata().getName()));
    NginxConfigMap nginx =
        configMap.map(c -> NginxConfigMap.read(c.getData())).orElse(NginxConfigMap.NONE);
    IngressClassFilter filter = new IngressClassFilter(InMemoryClusterState.of(classes), options);
    List<IngressAudit> audits = new ArrayList<>();
    for (Ingress ingress : ingresses) {
      audits.add(
          new IngressAudit(
              ingress.getMetadata().getNamespace(),
              ingress.getMetadata().getName(),
              className(ingress),
              filter.isOurs(ingress),
              findings(ingress, configMap.isPresent() ? nginx : null)));
    }
    List<ClusterFinding> cluster = new ArrayList<>();
    classFindings(classes, options, cluster);
    classless(ingresses, classes, audits, cluster);
    configMap.ifPresent(c -> configMapFindings(c, nginx, cluster));
    return new AuditReport(audits, cluster);
  }

  private static List<Finding> findings(Ingress ingress, NginxConfigMap nginx) {
    Map<String, String> all = ingress.getMetadata().getAnnotations();
    Map<String, String> ours = new TreeMap<>();
    if (all != null) {
      all.forEach(
          (k, v) -> {
            if (k.startsWith(AnnotationNames.NGINX_PREFIX)
                || k.startsWith(AnnotationNames.WEIR_PREFIX)) {
              ours.put(k, v);
            }
          });
    }
    IngressAnnotations read = IngressAnnotations.read(ours, ingress.getMetadata().getNamespace());
    Map<String, AnnotationProblem> problems = new TreeMap<>();
    for (AnnotationProblem p : read.problems()) {
      problems.merge(p.annotation(), p, (a, b) -> rank(b) < rank(a) ? b : a);
    }
    List<Finding> findings = new ArrayList<>();
    for (Map.Entry<String, String> e : ours.entrySet()) {
      findings.add(finding(e.getKey(), e.getValue(), ours, problems.get(e.getKey())));
    }
    boolean passthrough = read.host().sslPassthrough();
    for (Map.Entry<String, String> d : NginxConfigMap.DIFFERENT_DEFAULTS.entrySet()) {
      String suffix = d.getKey();
      boolean set =
          ours.containsKey(AnnotationNames.NGINX_PREFIX + suffix)
              || ours.containsKey(AnnotationNames.WEIR_PREFIX + suffix);
      boolean fromConfigMap =
          nginx != null
              && nginx.keys().stream()
                  .anyMatch(k -> k.key().equals(suffix) && k.status() == KeyStatus.APPLIED);
      if (!set && !fromConfigMap && !passthrough) {
        findings.add(
            new Finding(
                suffix,
                Status.DEFAULT,
                "not set: "
                    + d.getValue()
                    + " (set "
                    + AnnotationNames.NGINX_PREFIX
                    + suffix
                    + ", or the key in ingress-nginx's ConfigMap, to keep ingress-nginx's)",
                List.of()));
      }
    }
    return findings;
  }

  private static Finding finding(
      String key, String value, Map<String, String> ours, AnnotationProblem problem) {
    boolean nginxPrefix = key.startsWith(AnnotationNames.NGINX_PREFIX);
    String suffix =
        key.substring(
            (nginxPrefix ? AnnotationNames.NGINX_PREFIX : AnnotationNames.WEIR_PREFIX).length());
    Optional<Entry> entry = AnnotationCatalog.of(suffix);
    if (nginxPrefix
        && ours.containsKey(AnnotationNames.WEIR_PREFIX + suffix)
        && entry.map(e -> !e.weirOnly()).orElse(false)) {
      return new Finding(
          key,
          Status.IGNORED,
          AnnotationNames.WEIR_PREFIX + suffix + " is set too and wins",
          List.of());
    }
    if (problem != null) {
      return switch (problem.kind()) {
        case INVALID_VALUE -> new Finding(key, Status.INVALID, problem.reason(), List.of());
        case IGNORED -> new Finding(key, Status.IGNORED, problem.reason(), List.of());
        case UNKNOWN -> new Finding(key, Status.UNKNOWN, problem.reason(), List.of());
        case UNSUPPORTED -> notApplied(key, value, entry);
      };
    }
    return entry
        .map(MigrationAudit::applied)
        .map(f -> new Finding(key, f.status(), f.note(), List.of()))
        .orElseGet(() -> new Finding(key, Status.IDENTICAL, "read by Weir", List.of()));
  }

  // An annotation the parser took without a problem.
  private static Finding applied(Entry e) {
    if (e.status() != AnnotationStatus.DIFFERENCE) {
      return new Finding(e.suffix(), Status.IDENTICAL, e.note(), List.of());
    }
    if (e.valuesOnly()) {
      return new Finding(
          e.suffix(),
          Status.IDENTICAL,
          "the value is accepted and behaves as in ingress-nginx (" + e.note() + ")",
          List.of());
    }
    return new Finding(e.suffix(), Status.DIFFERENCE, e.note(), List.of());
  }

  private static Finding notApplied(String key, String value, Optional<Entry> entry) {
    AnnotationStatus status = entry.map(Entry::status).orElse(AnnotationStatus.UNSUPPORTED);
    String note = entry.map(Entry::note).orElse("not supported by Weir");
    return switch (status) {
      case REFUSED ->
          new Finding(key, Status.REFUSED, note, SnippetAdvisor.advise(value == null ? "" : value));
      case IGNORED -> new Finding(key, Status.IGNORED, note, List.of());
      default -> new Finding(key, Status.UNSUPPORTED, note, List.of());
    };
  }

  // Which problem of one annotation to show: the one that says most about what happens.
  private static int rank(AnnotationProblem p) {
    return switch (p.kind()) {
      case INVALID_VALUE -> 0;
      case UNSUPPORTED -> 1;
      case UNKNOWN -> 2;
      case IGNORED -> 3;
    };
  }

  private static void classFindings(
      List<IngressClass> classes, TranslateOptions options, List<ClusterFinding> out) {
    Map<String, List<IngressClass>> byName = new TreeMap<>();
    for (IngressClass c : classes) {
      byName.computeIfAbsent(c.getMetadata().getName(), n -> new ArrayList<>()).add(c);
    }
    byName.forEach(
        (name, list) -> {
          List<String> controllers =
              list.stream().map(MigrationAudit::controller).distinct().sorted().toList();
          if (controllers.size() > 1) {
            out.add(
                new ClusterFinding(
                    "class-claimed-twice",
                    "IngressClass " + name,
                    "declared with controllers "
                        + String.join(" and ", controllers)
                        + ": only one object of a name can exist, the other controller loses",
                    true));
          }
        });
    for (IngressClass c : classes) {
      String name = c.getMetadata().getName();
      String controller = controller(c);
      boolean weirByName = options.ingressClassByName() && options.ingressClassName().equals(name);
      boolean weirByController = options.controllerName().equals(controller);
      if (weirByName && !weirByController) {
        out.add(
            new ClusterFinding(
                "class-claimed-twice",
                "IngressClass " + name,
                "served by "
                    + controller
                    + " and by Weir (--ingress-class-by-name): keep Weir's --update-status=false"
                    + " until the DNS switch, or the two overwrite status.loadBalancer",
                false));
      }
    }
    List<String> defaults =
        classes.stream()
            .filter(
                c ->
                    c.getMetadata().getAnnotations() != null
                        && "true".equals(c.getMetadata().getAnnotations().get(DEFAULT_CLASS)))
            .map(c -> c.getMetadata().getName())
            .distinct()
            .sorted()
            .toList();
    if (defaults.size() > 1) {
      out.add(
          new ClusterFinding(
              "several-default-classes",
              "IngressClass " + String.join(", ", defaults),
              "several classes are marked default: Kubernetes refuses new Ingresses without a"
                  + " class, and which controller serves the existing ones is ambiguous",
              true));
    }
  }

  private static void classless(
      List<Ingress> ingresses,
      List<IngressClass> classes,
      List<IngressAudit> audits,
      List<ClusterFinding> out) {
    boolean nginxDefault =
        classes.stream()
            .anyMatch(
                c ->
                    NGINX_CONTROLLER.equals(controller(c))
                        && c.getMetadata().getAnnotations() != null
                        && "true".equals(c.getMetadata().getAnnotations().get(DEFAULT_CLASS)));
    for (int i = 0; i < ingresses.size(); i++) {
      IngressAudit audit = audits.get(i);
      if (audit.ingressClass() != null) {
        continue;
      }
      boolean changes = nginxDefault && !audit.servedByWeir();
      out.add(
          new ClusterFinding(
              "classless-ingress",
              "Ingress " + audit.namespace() + "/" + audit.name(),
              "names no class; Weir "
                  + (audit.servedByWeir()
                      ? "would serve it (its class is the default, or --watch-ingress-without-class)"
                      : "would not serve it (mark Weir's class default, or"
                          + " --watch-ingress-without-class)")
                  + (nginxDefault ? "; ingress-nginx serves it as the default class" : ""),
              changes));
    }
  }

  private static void configMapFindings(
      ConfigMap configMap, NginxConfigMap nginx, List<ClusterFinding> out) {
    String name =
        "ConfigMap "
            + configMap.getMetadata().getNamespace()
            + "/"
            + configMap.getMetadata().getName();
    for (Key key : nginx.keys()) {
      boolean changes = key.status() != KeyStatus.APPLIED && key.status() != KeyStatus.IGNORED;
      String status =
          switch (key.status()) {
            case APPLIED -> "supported";
            case DIFFERENT_DEFAULT -> "different default";
            case IGNORED -> "ignored";
            case UNSUPPORTED -> "unsupported";
            case INVALID -> "invalid";
          };
      out.add(
          new ClusterFinding(
              "configmap-key", name + " " + key.key(), status + ": " + key.note(), changes));
    }
  }

  private static String className(Ingress ingress) {
    if (ingress.getSpec() != null
        && ingress.getSpec().getIngressClassName() != null
        && !ingress.getSpec().getIngressClassName().isBlank()) {
      return ingress.getSpec().getIngressClassName();
    }
    Map<String, String> annotations = ingress.getMetadata().getAnnotations();
    String legacy = annotations == null ? null : annotations.get(LEGACY_CLASS);
    return legacy == null || legacy.isBlank() ? null : legacy;
  }

  private static String controller(IngressClass c) {
    return c.getSpec() == null || c.getSpec().getController() == null
        ? "(none)"
        : c.getSpec().getController();
  }
}
