package dev.weir.contract.admin;

import java.util.HashSet;
import java.util.Set;

/** Prometheus text expositions (format 0.0.4) of two registries in one process, served as one. */
public final class PrometheusText {
  private PrometheusText() {}

  /**
   * {@code first}, then the metric families of {@code second} that {@code first} does not have: a
   * family both registries carry (the build info, JVM metrics) is one process's, and a family twice
   * in one exposition is refused by Prometheus.
   */
  public static String merge(String first, String second) {
    if (second.isEmpty()) {
      return first;
    }
    Set<String> families = new HashSet<>();
    first.lines().map(PrometheusText::familyOf).filter(f -> f != null).forEach(families::add);
    StringBuilder merged = new StringBuilder(first.length() + second.length()).append(first);
    if (!first.isEmpty() && !first.endsWith("\n")) {
      merged.append('\n');
    }
    boolean skipping = false;
    for (String line : second.lines().toList()) {
      String family = familyOf(line);
      if (family != null) {
        skipping = families.contains(family);
      }
      if (!skipping) {
        merged.append(line).append('\n');
      }
    }
    return merged.toString();
  }

  /** The family a {@code # HELP} or {@code # TYPE} line describes; null for any other line. */
  private static String familyOf(String line) {
    if (!line.startsWith("# HELP ") && !line.startsWith("# TYPE ")) {
      return null;
    }
    int start = "# HELP ".length();
    int end = line.indexOf(' ', start);
    return end < 0 ? line.substring(start) : line.substring(start, end);
  }
}
