package dev.weir.contract.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names docs/metrics.md documents: each backticked name in the first column of its
 * tables. What the processes expose and what the chart's dashboard and alerts query are both held
 * against it.
 */
public final class DocumentedMetrics {
  private static final Pattern NAME = Pattern.compile("`([a-z_][a-z0-9_]*)`");

  private DocumentedMetrics() {}

  /** The names in {@code docs/metrics.md} of the repository at {@code repo}. */
  public static Set<String> in(Path repo) throws IOException {
    Set<String> names = new TreeSet<>();
    for (String line : Files.readAllLines(repo.resolve("docs/metrics.md"))) {
      if (!line.startsWith("| `")) {
        continue;
      }
      Matcher m = NAME.matcher(line.substring(0, line.indexOf('|', 1)));
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }
}
