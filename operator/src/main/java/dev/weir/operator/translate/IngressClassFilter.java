package dev.weir.operator.translate;

import dev.weir.operator.state.ClusterState;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import java.util.Map;

/**
 * Decides which Ingresses are ours. An Ingress that names a class which does not exist or belongs
 * to another controller is not ours, silently: it is someone else's business.
 */
public final class IngressClassFilter {
  static final String DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class";

  /** Deprecated since Kubernetes 1.18, still common in charts written for ingress-nginx. */
  static final String LEGACY_CLASS_ANNOTATION = "kubernetes.io/ingress.class";

  private final ClusterState state;
  private final TranslateOptions options;
  private final boolean weAreDefault;

  public IngressClassFilter(ClusterState state, TranslateOptions options) {
    this.state = state;
    this.options = options;
    this.weAreDefault =
        state.ingressClasses().stream()
            .anyMatch(
                c ->
                    isOurs(c)
                        && "true"
                            .equals(
                                annotation(
                                    c.getMetadata().getAnnotations(), DEFAULT_CLASS_ANNOTATION)));
  }

  public boolean isOurs(Ingress ingress) {
    String className =
        ingress.getSpec() == null ? null : blankToNull(ingress.getSpec().getIngressClassName());
    if (className == null) {
      String legacy =
          blankToNull(annotation(ingress.getMetadata().getAnnotations(), LEGACY_CLASS_ANNOTATION));
      if (legacy != null && legacy.equals(options.ingressClassName())) {
        return true;
      }
      className = legacy;
    }
    if (className != null) {
      return state.ingressClass(className).map(this::isOurs).orElse(false);
    }
    return options.watchIngressWithoutClass() || weAreDefault;
  }

  private boolean isOurs(IngressClass ingressClass) {
    if (options.ingressClassByName()
        && options.ingressClassName().equals(ingressClass.getMetadata().getName())) {
      return true;
    }
    return ingressClass.getSpec() != null
        && options.controllerName().equals(ingressClass.getSpec().getController());
  }

  private static String annotation(Map<String, String> annotations, String name) {
    return annotations == null ? null : annotations.get(name);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
