package dev.weir.operator.cli;

import dev.weir.contract.snapshot.Hsts;
import dev.weir.operator.translate.HttpsDefaults;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The controller's HTTPS redirect and HSTS defaults (a picocli mixin of {@code run} and {@code
 * standalone}), with ingress-nginx's ConfigMap defaults; Ingress annotations override them.
 */
final class HttpsDefaultsOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--ssl-redirect",
      defaultValue = "true",
      negatable = true,
      fallbackValue = "true",
      arity = "0..1",
      paramLabel = "BOOL",
      description =
          "Redirect plain HTTP to HTTPS (308) on the paths of hosts with TLS, unless an Ingress "
              + "sets ssl-redirect: \"false\". Default: ${DEFAULT-VALUE}.")
  boolean sslRedirect;

  @Option(
      names = "--hsts",
      defaultValue = "true",
      negatable = true,
      fallbackValue = "true",
      arity = "0..1",
      paramLabel = "BOOL",
      description =
          "Send Strict-Transport-Security on HTTPS responses of hosts with TLS (per host: "
              + "weir.dev/hsts). Default: ${DEFAULT-VALUE}.")
  boolean hsts;

  @Option(
      names = "--hsts-max-age",
      defaultValue = "31536000",
      paramLabel = "SECONDS",
      description = "HSTS max-age (per host: weir.dev/hsts-max-age). Default: ${DEFAULT-VALUE}.")
  long hstsMaxAge;

  @Option(
      names = "--hsts-include-subdomains",
      defaultValue = "true",
      negatable = true,
      fallbackValue = "true",
      arity = "0..1",
      paramLabel = "BOOL",
      description =
          "Add includeSubDomains to HSTS (per host: weir.dev/hsts-include-subdomains). "
              + "Default: ${DEFAULT-VALUE}.")
  boolean hstsIncludeSubdomains;

  @Option(
      names = "--hsts-preload",
      defaultValue = "false",
      negatable = true,
      fallbackValue = "true",
      arity = "0..1",
      paramLabel = "BOOL",
      description =
          "Add preload to HSTS (per host: weir.dev/hsts-preload). Default: ${DEFAULT-VALUE}.")
  boolean hstsPreload;

  /** The defaults given, or a usage error naming the option that is out of range. */
  HttpsDefaults httpsDefaults() {
    if (hstsMaxAge < 0) {
      throw new ParameterException(
          spec.commandLine(), "--hsts-max-age: must not be negative, not " + hstsMaxAge);
    }
    return new HttpsDefaults(
        sslRedirect,
        hsts
            ? Optional.of(new Hsts(hstsMaxAge, hstsIncludeSubdomains, hstsPreload))
            : Optional.empty());
  }
}
