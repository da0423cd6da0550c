package dev.weir.contract.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** How the data plane writes its access log: a JSON object or key=value text per line, or none. */
public enum AccessLogFormat {
  JSON,
  TEXT,
  OFF;

  /** {@code json}, {@code text} or {@code off}, in any case. */
  public static AccessLogFormat parse(String value) {
    try {
      return valueOf(value.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "'" + value + "' is not an access log format (json, text or off)", e);
    }
  }

  /** For picocli: the lower-case names the options document. */
  public static final class Converter implements ITypeConverter<AccessLogFormat> {
    @Override
    public AccessLogFormat convert(String value) {
      try {
        return parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
