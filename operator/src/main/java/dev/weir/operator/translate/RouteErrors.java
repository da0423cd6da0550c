package dev.weir.operator.translate;

import dev.weir.contract.snapshot.CustomErrors;
import dev.weir.operator.annotations.BackendAnnotations;
import dev.weir.operator.annotations.ErrorAnnotations;
import dev.weir.operator.state.ObjectRef;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackendBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;

/**
 * A path's {@code custom-http-errors} and {@code default-backend}, as ingress-nginx's controller
 * turns them into a location's error pages and custom default backend: the Service named by {@code
 * default-backend} is used on its first port (ingress-nginx's {@code Spec.Ports[0]}), over plain
 * HTTP whatever the Ingress's backend settings.
 */
final class RouteErrors {
  private RouteErrors() {}

  /** The route's custom errors, or null when neither annotation applies. */
  static CustomErrors of(ErrorAnnotations errors, ObjectRef owner, BackendUse route) {
    if (!errors.isSet()) {
      return null;
    }
    IngressServiceBackend service = route.backend().getService();
    String port = null;
    if (service != null && service.getPort() != null) {
      port =
          service.getPort().getNumber() != null
              ? String.valueOf(service.getPort().getNumber())
              : service.getPort().getName();
    }
    return new CustomErrors(
        errors.codes(),
        errors.defaultBackend().map(name -> backendId(owner.namespace(), name)).orElse(null),
        service == null ? null : service.getName(),
        port);
  }

  /** The backend {@code default-backend} names, or null when it is not set. */
  static BackendUse backend(ErrorAnnotations errors, ObjectRef owner) {
    if (errors.defaultBackend().isEmpty()) {
      return null;
    }
    String name = errors.defaultBackend().get();
    // No port: BackendResolver takes the Service's first.
    IngressBackend backend =
        new IngressBackendBuilder()
            .withNewService()
            .withName(name)
            .withNewPort()
            .endPort()
            .endService()
            .build();
    return new BackendUse(
        owner,
        backendId(owner.namespace(), name),
        owner.namespace(),
        backend,
        BackendAnnotations.NONE);
  }

  /**
   * {@code namespace/service}: without a port, which tells it from a path's backend ({@code
   * namespace/service:port}) and a resource backend ({@code namespace/Kind/name}).
   */
  static String backendId(String namespace, String service) {
    return namespace + "/" + service;
  }
}
