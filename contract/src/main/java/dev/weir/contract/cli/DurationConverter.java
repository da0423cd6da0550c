package dev.weir.contract.cli;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine;

/**
 * Command-line durations: ISO-8601 ({@code PT30S}) or the short forms {@code 30s}, {@code 500ms},
 * {@code 2m}, {@code 1h}, {@code 14d} (days of 24 hours).
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    try {
      if (v.startsWith("pt")) {
        return Duration.parse(value.trim());
      }
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      }
      long n = Long.parseLong(v.substring(0, v.length() - 1));
      switch (v.charAt(v.length() - 1)) {
        case 's':
          return Duration.ofSeconds(n);
        case 'm':
          return Duration.ofMinutes(n);
        case 'h':
          return Duration.ofHours(n);
        case 'd':
          return Duration.ofDays(n);
        default:
          break;
      }
    } catch (RuntimeException e) {
      // fall through to the message below
    }
    throw new CommandLine.TypeConversionException(
        "'" + value + "' is not a duration (examples: 30s, 500ms, 2m, 14d, PT30S)");
  }
}
