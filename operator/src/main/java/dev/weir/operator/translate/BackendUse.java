package dev.weir.operator.translate;

import dev.weir.operator.state.ObjectRef;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;

/**
 * A backend id used by an Ingress. The id alone decides how it resolves; {@code namespace} and
 * {@code backend} say how to resolve it, and {@code user} is who hears of its problems.
 */
record BackendUse(ObjectRef user, String id, String namespace, IngressBackend backend) {}
