package dev.weir.contract.admin;

import java.util.ArrayList;
import java.util.List;

/**
 * Prints the samples of some metrics in the Prometheus text exposition in positional notation
 * ({@code 1733212345678.0}), never in scientific notation.
 *
 * <p>Prometheus's Java client writes every sample with {@link Double#toString}, so a snapshot
 * version (wall-clock milliseconds, about 1.7e12) reads {@code 1.733212345678E12}: correct for
 * Prometheus, which parses it exactly, but unreadable to a person comparing two versions by eye.
 * The text format takes any Go float, so {@code 1733212345678.0} is as valid. Only integral values
 * below 2^53 (exact in a double) are rewritten; anything else is left as the client wrote it.
 */
public final class IntegerSamples {
  private static final double EXACT_LIMIT = 0x1p53;

  private final List<String> names;

  private IntegerSamples(List<String> names) {
    this.names = names;
  }

  /** For the metrics named as exposed (e.g. {@code weir_snapshot_version}), labelled or not. */
  public static IntegerSamples of(String... metricNames) {
    return new IntegerSamples(List.of(metricNames));
  }

  public String format(String exposition) {
    List<int[]> values = new ArrayList<>();
    for (String name : names) {
      for (int line = lineStart(exposition, name, 0);
          line >= 0;
          line = lineStart(exposition, name, line + 1)) {
        int end = exposition.indexOf('\n', line);
        if (end < 0) {
          end = exposition.length();
        }
        values.add(new int[] {exposition.lastIndexOf(' ', end - 1) + 1, end});
      }
    }
    if (values.isEmpty()) {
      return exposition;
    }
    values.sort((a, b) -> Integer.compare(a[0], b[0]));
    StringBuilder out = new StringBuilder(exposition.length());
    int copied = 0;
    for (int[] value : values) {
      out.append(exposition, copied, value[0]);
      String sample = exposition.substring(value[0], value[1]);
      out.append(plain(sample));
      copied = value[1];
    }
    return out.append(exposition, copied, exposition.length()).toString();
  }

  /** The start of the next sample line of {@code name} at or after {@code from}, or -1. */
  private static int lineStart(String text, String name, int from) {
    for (int i = text.indexOf(name, from); i >= 0; i = text.indexOf(name, i + 1)) {
      int after = i + name.length();
      boolean atLineStart = i == 0 || text.charAt(i - 1) == '\n';
      if (atLineStart
          && after < text.length()
          && (text.charAt(after) == ' ' || text.charAt(after) == '{')) {
        return i;
      }
    }
    return -1;
  }

  private static String plain(String sample) {
    double value;
    try {
      value = Double.parseDouble(sample);
    } catch (NumberFormatException e) {
      return sample;
    }
    if (value != Math.rint(value) || Math.abs(value) >= EXACT_LIMIT) {
      return sample;
    }
    // ".0" as the client writes small integral values (42.0), so every sample reads alike.
    return (long) value + ".0";
  }
}
