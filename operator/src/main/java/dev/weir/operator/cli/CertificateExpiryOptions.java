package dev.weir.operator.cli;

import dev.weir.contract.cli.DurationConverter;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * How long before a served certificate expires its Ingresses are warned (a picocli mixin of {@code
 * run} and {@code standalone}).
 */
final class CertificateExpiryOptions {
  @Option(
      names = "--certificate-expiry-warning",
      defaultValue = "14d",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "How long before a served certificate expires the Ingresses using it get a "
              + "CertificateExpiring warning: a Warning Event written by the leader in a cluster, "
              + "a log line in standalone mode (the metric "
              + "weir_operator_certificate_expiry_seconds shows the time left always). Default: "
              + "14d.")
  Duration warning;
}
