package dev.weir.operator.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The header names {@code custom-headers} ConfigMaps may set (a picocli mixin of {@code run} and
 * {@code standalone}): ingress-nginx's {@code global-allowed-response-headers}, for clusters
 * without its ConfigMap.
 */
final class ResponseHeaderOptions {
  // ingress-nginx's customheaders.headerRegexp.
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]+");

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--allowed-response-headers",
      split = ",",
      paramLabel = "NAME",
      description =
          "Header names a custom-headers ConfigMap may set, comma-separated (ingress-nginx's "
              + "global-allowed-response-headers, which --nginx-configmap adds to). A ConfigMap "
              + "setting any other fails its paths closed (503). Default: none.")
  List<String> names = new ArrayList<>();

  /** The names given, or a usage error naming one that is not a header name. */
  List<String> allowed() {
    List<String> out = new ArrayList<>();
    for (String name : names) {
      String trimmed = name.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      if (!NAME.matcher(trimmed).matches()) {
        throw new ParameterException(
            spec.commandLine(),
            "--allowed-response-headers: '" + trimmed + "' is not a header name");
      }
      if (!out.contains(trimmed)) {
        out.add(trimmed);
      }
    }
    return List.copyOf(out);
  }
}
