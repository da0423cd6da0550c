package dev.weir.operator.translate;

import dev.weir.operator.annotations.BackendAnnotations;
import dev.weir.operator.state.ObjectRef;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;

/**
 * A backend id used by an Ingress. The id alone decides how it resolves ({@link
 * BackendSettings#id}); {@code namespace}, {@code backend} and {@code settings} say how to resolve
 * it, and {@code user} is who hears of its problems.
 */
record BackendUse(
    ObjectRef user,
    String id,
    String namespace,
    IngressBackend backend,
    BackendAnnotations settings) {

  /** The use of {@code backend} by Ingress {@code user} with these backend settings. */
  static BackendUse of(
      ObjectRef user, String baseId, IngressBackend backend, BackendAnnotations settings) {
    return new BackendUse(
        user, BackendSettings.id(baseId, settings), user.namespace(), backend, settings);
  }
}
