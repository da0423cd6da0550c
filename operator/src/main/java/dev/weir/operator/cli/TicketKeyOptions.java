package dev.weir.operator.cli;

import dev.weir.contract.cli.DurationConverter;
import dev.weir.operator.tickets.RotationPolicy;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** How often session-ticket keys rotate (a picocli mixin of {@code run} and {@code standalone}). */
final class TicketKeyOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--session-ticket-key-rotation",
      defaultValue = "1h",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "How long a TLS session-ticket key encrypts new tickets before a new one takes over; "
              + "older keys keep decrypting for a ticket's whole lifetime (48h, as BoringSSL issues "
              + "TLS 1.3 tickets), so a rotation never costs a client its session. At least 15m. "
              + "Default: 1h.")
  Duration rotation;

  RotationPolicy policy() {
    try {
      return new RotationPolicy(rotation);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(), "--session-ticket-key-rotation: " + e.getMessage());
    }
  }
}
