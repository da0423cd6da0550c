package dev.weir.operator.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.weir.operator.audit.AuditReport.ClusterFinding;
import dev.weir.operator.audit.AuditReport.Finding;
import dev.weir.operator.audit.AuditReport.IngressAudit;
import dev.weir.operator.audit.AuditReport.Status;
import dev.weir.operator.audit.SnippetAdvisor.Advice;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The audit's two renderings: text for people, JSON (a stable schema) for CI. */
public final class AuditOutput {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private AuditOutput() {}

  /** One block per Ingress, then the cluster's findings, then a summary line. */
  public static String text(AuditReport report) {
    StringBuilder out = new StringBuilder();
    for (IngressAudit ingress : report.ingresses()) {
      out.append("Ingress ")
          .append(ingress.namespace())
          .append('/')
          .append(ingress.name())
          .append(" (class ")
          .append(ingress.ingressClass() == null ? "none" : ingress.ingressClass())
          .append("; ")
          .append(ingress.servedByWeir() ? "served by Weir" : "not served by Weir")
          .append(")\n");
      if (ingress.findings().isEmpty()) {
        out.append("  no annotations\n");
      }
      for (Finding f : ingress.findings()) {
        out.append("  ")
            .append(String.format("%-11s", f.status().label()))
            .append(' ')
            .append(f.annotation())
            .append(": ")
            .append(f.note())
            .append('\n');
        for (Advice a : f.snippet()) {
          out.append("      ")
              .append(a.directive())
              .append("  ->  ")
              .append(a.weirEquivalent() == null ? "no Weir equivalent" : a.weirEquivalent())
              .append('\n');
        }
      }
    }
    if (!report.cluster().isEmpty()) {
      out.append("Cluster\n");
      for (ClusterFinding c : report.cluster()) {
        out.append("  ")
            .append(c.kind())
            .append(' ')
            .append(c.object())
            .append(": ")
            .append(c.message())
            .append('\n');
      }
    }
    Map<Status, Integer> counts = counts(report);
    List<String> parts = new ArrayList<>();
    counts.forEach((s, n) -> parts.add(n + " " + s.label()));
    out.append("Summary: ")
        .append(report.ingresses().size())
        .append(" Ingresses; annotations: ")
        .append(String.join(", ", parts))
        .append(
            report.changesBehaviour()
                ? ". Moving to Weir changes behaviour (exit code 1).\n"
                : ". Nothing changes behaviour (exit code 0).\n");
    return out.toString();
  }

  /** The report as JSON, in the schema docs/migration.md documents. */
  public static String json(AuditReport report) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("schemaVersion", AuditReport.SCHEMA_VERSION);
    root.put("changesBehaviour", report.changesBehaviour());
    Map<String, Integer> summary = new LinkedHashMap<>();
    counts(report).forEach((s, n) -> summary.put(s.label(), n));
    root.put("summary", summary);
    List<Object> ingresses = new ArrayList<>();
    for (IngressAudit i : report.ingresses()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("namespace", i.namespace());
      m.put("name", i.name());
      m.put("ingressClass", i.ingressClass());
      m.put("servedByWeir", i.servedByWeir());
      m.put("changesBehaviour", i.changesBehaviour());
      List<Object> findings = new ArrayList<>();
      for (Finding f : i.findings()) {
        Map<String, Object> fm = new LinkedHashMap<>();
        fm.put("annotation", f.annotation());
        fm.put("status", f.status().label());
        fm.put("note", f.note());
        if (!f.snippet().isEmpty()) {
          List<Object> advice = new ArrayList<>();
          for (Advice a : f.snippet()) {
            Map<String, Object> am = new LinkedHashMap<>();
            am.put("directive", a.directive());
            am.put("weirEquivalent", a.weirEquivalent());
            advice.add(am);
          }
          fm.put("snippet", advice);
        }
        findings.add(fm);
      }
      m.put("findings", findings);
      ingresses.add(m);
    }
    root.put("ingresses", ingresses);
    List<Object> cluster = new ArrayList<>();
    for (ClusterFinding c : report.cluster()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", c.kind());
      m.put("object", c.object());
      m.put("message", c.message());
      m.put("changesBehaviour", c.changesBehaviour());
      cluster.add(m);
    }
    root.put("cluster", cluster);
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<Status, Integer> counts(AuditReport report) {
    Map<Status, Integer> counts = new EnumMap<>(Status.class);
    for (Status s : Status.values()) {
      counts.put(s, 0);
    }
    for (IngressAudit i : report.ingresses()) {
      for (Finding f : i.findings()) {
        counts.merge(f.status(), 1, Integer::sum);
      }
    }
    return counts;
  }
}
