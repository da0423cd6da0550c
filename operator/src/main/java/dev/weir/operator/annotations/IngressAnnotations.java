package dev.weir.operator.annotations;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The typed reading of one Ingress's annotations, with ingress-nginx's names, value formats,
 * defaults and semantics: what they set per path, per backend and per host, and every annotation
 * Weir did not apply with the reason. A pure function of the annotations and the Ingress's
 * namespace; merging several Ingresses of one host is the translator's job.
 *
 * @param path settings of each path of the Ingress
 * @param backend settings of the backends the Ingress routes to
 * @param host settings of each host of the Ingress's rules
 * @param canary whether the Ingress is a canary and its rules; a canary's path and host settings
 *     are none, and its backend settings only its balancing
 * @param problems invalid values (the default applies), annotations without effect, unsupported and
 *     unknown annotations under either prefix; sorted by annotation
 */
public record IngressAnnotations(
    PathAnnotations path,
    BackendAnnotations backend,
    HostAnnotations host,
    CanaryAnnotations canary,
    List<AnnotationProblem> problems) {
  /** The ingress-nginx suffixes Weir reads, under both prefixes. */
  public static final Set<String> SUPPORTED = IngressAnnotationParser.SUPPORTED;

  /**
   * Weir's own suffixes, read only under {@code weir.dev/}: ingress-nginx has no such annotation,
   * so under its prefix they are unknown.
   */
  public static final Set<String> WEIR_ONLY =
      Set.of(
          "hsts",
          "hsts-max-age",
          "hsts-include-subdomains",
          "hsts-preload",
          "limit-req-status-code");

  public IngressAnnotations {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(canary, "canary");
    problems = List.copyOf(problems);
  }

  /**
   * Reads {@code annotations} (null for none) of an Ingress in {@code ingressNamespace}, the
   * namespace of Secrets named without one.
   */
  public static IngressAnnotations read(Map<String, String> annotations, String ingressNamespace) {
    return new IngressAnnotationParser(annotations, ingressNamespace).parse();
  }
}
