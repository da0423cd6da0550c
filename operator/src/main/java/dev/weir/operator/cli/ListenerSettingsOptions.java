package dev.weir.operator.cli;

import dev.weir.contract.cli.DurationConverter;
import dev.weir.contract.snapshot.Settings;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The data planes' listener-wide limits and timeouts, which the operator sends in every snapshot (a
 * picocli mixin of {@code run} and {@code standalone}). The defaults are those of {@link Settings}.
 */
final class ListenerSettingsOptions {
  private static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration MAX_TIMEOUT = Duration.ofDays(1);

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--client-idle-timeout",
      defaultValue = "60s",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "A client connection is closed after this long without traffic (HTTP/2: "
              + "without an open stream). Default: 60s.")
  Duration clientIdle;

  @Option(
      names = "--request-header-timeout",
      defaultValue = "30s",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "Longest time for a request's header block to arrive, from its first byte "
              + "(HTTP/1.1: 408; HTTP/2: the connection is closed). Also bounds a TLS handshake, "
              + "which never gets more than 10s. Default: 30s.")
  Duration requestHeader;

  @Option(
      names = "--max-request-line-bytes",
      defaultValue = "8192",
      paramLabel = "BYTES",
      description =
          "Longest HTTP/1.1 request line; past it 414. At least 256. "
              + "Default: ${DEFAULT-VALUE}.")
  int maxRequestLineBytes;

  @Option(
      names = "--max-header-bytes",
      defaultValue = "32768",
      paramLabel = "BYTES",
      description =
          "Largest request header block; past it 431. At least 1024. "
              + "Default: ${DEFAULT-VALUE}.")
  int maxHeaderBytes;

  @Option(
      names = "--upstream-idle-timeout",
      defaultValue = "60s",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "A pooled keep-alive connection to a pod is closed after this long unused. "
              + "Keep it below the pods' own keep-alive timeout. Default: 60s.")
  Duration upstreamIdle;

  @Option(
      names = "--upstream-max-connections",
      defaultValue = "256",
      paramLabel = "N",
      description =
          "Most connections to one pod, per data plane; past it 503 (no queueing). "
              + "Default: ${DEFAULT-VALUE}.")
  int upstreamMaxConnections;

  /** The settings given, or a usage error naming the option that is out of range. */
  Settings settings() {
    long clientIdleMillis = millis("--client-idle-timeout", clientIdle);
    long requestHeaderMillis = millis("--request-header-timeout", requestHeader);
    long upstreamIdleMillis = millis("--upstream-idle-timeout", upstreamIdle);
    atLeast("--max-request-line-bytes", maxRequestLineBytes, Settings.MIN_REQUEST_LINE_BYTES);
    atLeast("--max-header-bytes", maxHeaderBytes, Settings.MIN_HEADER_BYTES);
    atLeast("--upstream-max-connections", upstreamMaxConnections, 1);
    return Settings.builder()
        .maxRequestLineBytes(maxRequestLineBytes)
        .maxHeaderBytes(maxHeaderBytes)
        .clientIdleMillis(clientIdleMillis)
        .upstreamMaxConnectionsPerEndpoint(upstreamMaxConnections)
        .upstreamIdleMillis(upstreamIdleMillis)
        .requestHeaderMillis(requestHeaderMillis)
        .build();
  }

  // Below a second, the idle check would run every few milliseconds on every connection and a
  // TLS handshake (bounded by the request header time) could not finish.
  private long millis(String option, Duration value) {
    if (value.compareTo(MIN_TIMEOUT) < 0 || value.compareTo(MAX_TIMEOUT) > 0) {
      throw new ParameterException(
          spec.commandLine(), option + ": must be between 1s and 24h, not " + value);
    }
    return value.toMillis();
  }

  private void atLeast(String option, int value, int min) {
    if (value < min) {
      throw new ParameterException(
          spec.commandLine(), option + ": must be at least " + min + ", not " + value);
    }
  }
}
