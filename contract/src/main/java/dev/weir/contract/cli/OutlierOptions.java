package dev.weir.contract.cli;

import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@link OutlierSettings} as every command that runs a data plane takes them (a picocli mixin): a
 * setting of the data plane process, since each data plane keeps its own memory of failing
 * endpoints.
 */
public final class OutlierOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--outlier-detection",
      defaultValue = "on",
      paramLabel = "on|off",
      description =
          "Take an endpoint out of balancing for a while after consecutive connect failures, "
              + "resets and timeouts (passive outlier detection, as nginx's max_fails and "
              + "fail_timeout). Default: ${DEFAULT-VALUE}.")
  String enabled;

  @Option(
      names = "--outlier-consecutive-failures",
      defaultValue = "3",
      paramLabel = "N",
      description = "Failed attempts in a row that eject an endpoint. Default: ${DEFAULT-VALUE}.")
  int consecutiveFailures;

  @Option(
      names = "--outlier-base-ejection",
      defaultValue = "10s",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How long a first ejection lasts; each repeated one doubles it. Default: 10s.")
  Duration baseEjection;

  @Option(
      names = "--outlier-max-ejection",
      defaultValue = "5m",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "The longest an ejection lasts, however often repeated. Default: 5m.")
  Duration maxEjection;

  @Option(
      names = "--outlier-max-ejected-percent",
      defaultValue = "50",
      paramLabel = "PERCENT",
      description =
          "The largest share of a backend's endpoints ejected at once; past it failing endpoints "
              + "keep their share of the traffic (when most fail, the fault is rarely theirs). "
              + "Default: ${DEFAULT-VALUE}.")
  int maxEjectedPercent;

  /** The settings given, or a usage error naming the option that is wrong. */
  public OutlierSettings settings() {
    boolean on =
        switch (enabled) {
          case "on" -> true;
          case "off" -> false;
          default -> throw usage("--outlier-detection: must be on or off, not '" + enabled + "'");
        };
    if (consecutiveFailures < 1) {
      throw usage("--outlier-consecutive-failures: must be at least 1, not " + consecutiveFailures);
    }
    if (baseEjection.isNegative() || baseEjection.isZero()) {
      throw usage("--outlier-base-ejection: must be positive, not " + baseEjection);
    }
    if (maxEjection.compareTo(baseEjection) < 0) {
      throw usage(
          "--outlier-max-ejection: must be at least --outlier-base-ejection ("
              + baseEjection
              + "), not "
              + maxEjection);
    }
    if (maxEjectedPercent < 0 || maxEjectedPercent > 100) {
      throw usage(
          "--outlier-max-ejected-percent: must be between 0 and 100, not " + maxEjectedPercent);
    }
    return new OutlierSettings(
        on ? consecutiveFailures : 0, baseEjection, maxEjection, maxEjectedPercent);
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
