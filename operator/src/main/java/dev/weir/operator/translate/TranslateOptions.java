package dev.weir.operator.translate;

import dev.weir.contract.snapshot.Settings;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of a translation that come from the command line, not from the cluster.
 *
 * @param controllerName the {@code spec.controller} of IngressClasses that are ours
 * @param ingressClassName the class name the deprecated {@code kubernetes.io/ingress.class}
 *     annotation may carry to select us even without an IngressClass object (ingress-nginx's rule)
 * @param watchIngressWithoutClass take every Ingress that names no class
 * @param allowLocalEndpoints accept loopback, link-local and unspecified endpoint addresses. Off in
 *     a cluster: an EndpointSlice anyone can write must not point the proxy at itself or at the
 *     node's metadata service. On in standalone mode, where backends run on the laptop.
 * @param settings the data planes' listener-wide limits and timeouts, sent in every snapshot
 * @param https the controller's HTTPS redirect and HSTS defaults, under the annotations
 * @param annotationDefaults annotations (full keys) every Ingress is read with unless it carries
 *     the same suffix itself: the annotation defaults of ingress-nginx's ConfigMap
 * @param ingressClassByName the IngressClass named {@code ingressClassName} is ours whatever its
 *     controller (ingress-nginx's {@code --ingress-class-by-name}): to serve an existing class,
 *     such as {@code nginx}, without editing it
 * @param allowedResponseHeaders the header names a {@code custom-headers} ConfigMap may set
 *     (ingress-nginx's {@code global-allowed-response-headers}); a ConfigMap with any other key
 *     fails its paths closed. Empty, as ingress-nginx's default: none may.
 * @param retry the retries written into every backend, under the ConfigMap's and the annotations'
 */
public record TranslateOptions(
    String controllerName,
    String ingressClassName,
    boolean watchIngressWithoutClass,
    boolean allowLocalEndpoints,
    Settings settings,
    HttpsDefaults https,
    Map<String, String> annotationDefaults,
    boolean ingressClassByName,
    List<String> allowedResponseHeaders,
    RetryDefaults retry) {

  public static final String CONTROLLER_NAME = "weir.dev/ingress-controller";
  public static final String DEFAULT_CLASS_NAME = "weir";

  public TranslateOptions {
    Objects.requireNonNull(controllerName, "controllerName");
    Objects.requireNonNull(ingressClassName, "ingressClassName");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(https, "https");
    annotationDefaults = Map.copyOf(annotationDefaults);
    allowedResponseHeaders = List.copyOf(allowedResponseHeaders);
    Objects.requireNonNull(retry, "retry");
  }

  /** Options without response headers allowed to {@code custom-headers}, with default retries. */
  public TranslateOptions(
      String controllerName,
      String ingressClassName,
      boolean watchIngressWithoutClass,
      boolean allowLocalEndpoints,
      Settings settings,
      HttpsDefaults https,
      Map<String, String> annotationDefaults,
      boolean ingressClassByName) {
    this(
        controllerName,
        ingressClassName,
        watchIngressWithoutClass,
        allowLocalEndpoints,
        settings,
        https,
        annotationDefaults,
        ingressClassByName,
        List.of(),
        RetryDefaults.DEFAULTS);
  }

  /** Options without annotation defaults. */
  public TranslateOptions(
      String controllerName,
      String ingressClassName,
      boolean watchIngressWithoutClass,
      boolean allowLocalEndpoints,
      Settings settings,
      HttpsDefaults https) {
    this(
        controllerName,
        ingressClassName,
        watchIngressWithoutClass,
        allowLocalEndpoints,
        settings,
        https,
        Map.of(),
        false);
  }

  /** Options with ingress-nginx's HTTPS redirect and HSTS defaults. */
  public TranslateOptions(
      String controllerName,
      String ingressClassName,
      boolean watchIngressWithoutClass,
      boolean allowLocalEndpoints,
      Settings settings) {
    this(
        controllerName,
        ingressClassName,
        watchIngressWithoutClass,
        allowLocalEndpoints,
        settings,
        HttpsDefaults.DEFAULTS);
  }

  public static TranslateOptions defaults() {
    return new TranslateOptions(
        CONTROLLER_NAME, DEFAULT_CLASS_NAME, false, false, Settings.DEFAULTS);
  }

  public TranslateOptions withWatchIngressWithoutClass(boolean value) {
    return new TranslateOptions(
        controllerName,
        ingressClassName,
        value,
        allowLocalEndpoints,
        settings,
        https,
        annotationDefaults,
        ingressClassByName,
        allowedResponseHeaders,
        retry);
  }

  public TranslateOptions withAllowLocalEndpoints(boolean value) {
    return new TranslateOptions(
        controllerName,
        ingressClassName,
        watchIngressWithoutClass,
        value,
        settings,
        https,
        annotationDefaults,
        ingressClassByName,
        allowedResponseHeaders,
        retry);
  }

  public TranslateOptions withSettings(Settings value) {
    return new TranslateOptions(
        controllerName,
        ingressClassName,
        watchIngressWithoutClass,
        allowLocalEndpoints,
        value,
        https,
        annotationDefaults,
        ingressClassByName,
        allowedResponseHeaders,
        retry);
  }

  public TranslateOptions withHttps(HttpsDefaults value) {
    return new TranslateOptions(
        controllerName,
        ingressClassName,
        watchIngressWithoutClass,
        allowLocalEndpoints,
        settings,
        value,
        annotationDefaults,
        ingressClassByName,
        allowedResponseHeaders,
        retry);
  }

  public TranslateOptions withAnnotationDefaults(Map<String, String> value) {
    return new TranslateOptions(
        controllerName,
        ingressClassName,
        watchIngressWithoutClass,
        allowLocalEndpoints,
        settings,
        https,
        value,
        ingressClassByName,
        allowedResponseHeaders,
        retry);
  }

  public TranslateOptions withIngressClassByName(boolean value) {
    return new TranslateOptions(
        controllerName,
        ingressClassName,
        watchIngressWithoutClass,
        allowLocalEndpoints,
        settings,
        https,
        annotationDefaults,
        value,
        allowedResponseHeaders,
        retry);
  }

  public TranslateOptions withAllowedResponseHeaders(List<String> value) {
    return new TranslateOptions(
        controllerName,
        ingressClassName,
        watchIngressWithoutClass,
        allowLocalEndpoints,
        settings,
        https,
        annotationDefaults,
        ingressClassByName,
        value,
        retry);
  }

  public TranslateOptions withRetry(RetryDefaults value) {
    return new TranslateOptions(
        controllerName,
        ingressClassName,
        watchIngressWithoutClass,
        allowLocalEndpoints,
        settings,
        https,
        annotationDefaults,
        ingressClassByName,
        allowedResponseHeaders,
        value);
  }
}
