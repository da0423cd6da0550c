package dev.weir.operator.audit;

import dev.weir.operator.audit.SnippetAdvisor.Advice;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What {@code weir audit} found: per Ingress and per annotation, and for the cluster. The JSON form
 * ({@link AuditOutput#json}) is this record's shape; docs/migration.md documents it.
 *
 * @param ingresses every Ingress read, by namespace and name
 * @param cluster findings about classes, classless Ingresses and ingress-nginx's ConfigMap
 */
public record AuditReport(List<IngressAudit> ingresses, List<ClusterFinding> cluster) {
  /** Bumped when a field changes meaning or goes away; new fields may be added without. */
  public static final int SCHEMA_VERSION = 1;

  public AuditReport {
    ingresses = List.copyOf(ingresses);
    cluster = List.copyOf(cluster);
  }

  /** What an annotation (or a default an Ingress relies on) does under Weir. */
  public enum Status {
    /** Weir does what ingress-nginx did. */
    IDENTICAL,
    /** Weir applies it, with a documented difference. */
    DIFFERENCE,
    /** Weir does not apply it (the note says why). */
    IGNORED,
    /** Never applied by design: a snippet. */
    REFUSED,
    /** An ingress-nginx annotation Weir does not implement. */
    UNSUPPORTED,
    /** No controller defines this name: a typo, or another tool's. */
    UNKNOWN,
    /** A value Weir cannot use: its default applies (or the feature fails closed). */
    INVALID,
    /** Not set, and Weir's default differs from ingress-nginx's. */
    DEFAULT;

    /** The lower-case name the output uses. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One annotation of an Ingress.
   *
   * @param annotation the full key as written; for {@link Status#DEFAULT}, the suffix not set
   * @param snippet for a snippet, what each directive would be in Weir; otherwise empty
   */
  public record Finding(String annotation, Status status, String note, List<Advice> snippet) {
    public Finding {
      Objects.requireNonNull(annotation, "annotation");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(note, "note");
      snippet = List.copyOf(snippet);
    }
  }

  /**
   * One Ingress.
   *
   * @param ingressClass the class it names ({@code spec.ingressClassName}, else the legacy
   *     annotation), or null
   * @param servedByWeir whether Weir, with the audit's class options, would serve it
   */
  public record IngressAudit(
      String namespace,
      String name,
      String ingressClass,
      boolean servedByWeir,
      List<Finding> findings) {
    public IngressAudit {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(name, "name");
      findings = List.copyOf(findings);
    }

    /** Whether moving this Ingress to Weir changes what a request gets. */
    public boolean changesBehaviour() {
      return findings.stream().anyMatch(f -> f.status() != Status.IDENTICAL);
    }
  }

  /**
   * A cluster-level finding.
   *
   * @param kind {@code class-claimed-twice}, {@code several-default-classes}, {@code
   *     classless-ingress}, {@code configmap-key}
   * @param object the object concerned ({@code IngressClass nginx}, {@code Ingress ns/name}, {@code
   *     ConfigMap ns/name key})
   * @param changesBehaviour whether this alone makes Weir behave differently from ingress-nginx
   */
  public record ClusterFinding(
      String kind, String object, String message, boolean changesBehaviour) {
    public ClusterFinding {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(object, "object");
      Objects.requireNonNull(message, "message");
    }
  }

  /** Whether anything found would make Weir behave differently from ingress-nginx. */
  public boolean changesBehaviour() {
    return ingresses.stream().anyMatch(IngressAudit::changesBehaviour)
        || cluster.stream().anyMatch(ClusterFinding::changesBehaviour);
  }
}
