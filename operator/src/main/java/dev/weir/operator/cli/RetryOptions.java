package dev.weir.operator.cli;

import dev.weir.contract.cli.DurationConverter;
import dev.weir.contract.snapshot.RetryCondition;
import dev.weir.contract.snapshot.RetryPolicy;
import dev.weir.operator.annotations.AnnotationNames;
import dev.weir.operator.annotations.AnnotationProblem;
import dev.weir.operator.annotations.IngressAnnotations;
import dev.weir.operator.translate.RetryDefaults;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The controller's retries, written into every backend (a picocli mixin of {@code run} and {@code
 * standalone}); ingress-nginx's ConfigMap keys and each Ingress's annotations of the same names win
 * over them.
 */
final class RetryOptions {
  private static final String NEXT_UPSTREAM = AnnotationNames.NGINX_PREFIX + "proxy-next-upstream";

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--proxy-next-upstream",
      defaultValue = "error timeout",
      paramLabel = "CONDITIONS",
      description =
          "Failures retried on another endpoint, space-separated as nginx's proxy_next_upstream: "
              + "error, timeout, http_500, http_502, http_503, http_504, http_403, http_404, "
              + "http_429, non_idempotent, or off. A request is resent only when no byte of it "
              + "reached an endpoint, or its method is idempotent (or non_idempotent is listed) "
              + "and its body can be sent again. Default: ${DEFAULT-VALUE}.")
  String nextUpstream;

  @Option(
      names = "--proxy-next-upstream-tries",
      defaultValue = "3",
      paramLabel = "N",
      description =
          "Endpoints a request may be tried on in all, the first included; 0: each endpoint "
              + "once. Default: ${DEFAULT-VALUE}.")
  int tries;

  @Option(
      names = "--proxy-next-upstream-timeout",
      defaultValue = "0s",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "How long after a request arrived a retry may still start; 0s: no limit beyond each "
              + "attempt's timeouts. Default: 0s.")
  Duration timeout;

  /** The retries given, or a usage error naming the option that is wrong. */
  RetryDefaults retryDefaults() {
    if (tries < 0) {
      throw new ParameterException(
          spec.commandLine(), "--proxy-next-upstream-tries: must not be negative, not " + tries);
    }
    if (timeout.isNegative()) {
      throw new ParameterException(
          spec.commandLine(), "--proxy-next-upstream-timeout: must not be negative");
    }
    return new RetryDefaults(new RetryPolicy(conditions(), timeout.toMillis()), tries);
  }

  // Read as the annotation is, so the three places it can be written take the same words.
  private List<RetryCondition> conditions() {
    IngressAnnotations read = IngressAnnotations.read(Map.of(NEXT_UPSTREAM, nextUpstream), "");
    for (AnnotationProblem p : read.problems()) {
      if (p.kind() == AnnotationProblem.Kind.INVALID_VALUE) {
        throw new ParameterException(spec.commandLine(), "--proxy-next-upstream: " + p.reason());
      }
    }
    return read.path().nextUpstream().orElseThrow();
  }
}
