package dev.weir.operator.state;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A read-only view of the Kubernetes objects Weir translates, whichever source filled it. The
 * objects are fabric8 model instances shared with the source's cache: callers must never modify
 * them.
 *
 * <p>Secrets are only ever of type {@code kubernetes.io/tls}; other Secrets are invisible here, so
 * the translator cannot be made to read an arbitrary Secret.
 */
public interface ClusterState {

  List<Ingress> ingresses();

  List<IngressClass> ingressClasses();

  Optional<IngressClass> ingressClass(String name);

  Optional<Service> service(String namespace, String name);

  /**
   * Every EndpointSlice of {@code namespace} labelled {@code kubernetes.io/service-name=service}.
   */
  List<EndpointSlice> endpointSlices(String namespace, String service);

  /** A Secret of type {@code kubernetes.io/tls}, or empty. */
  Optional<Secret> tlsSecret(String namespace, String name);

  /** The Ingresses whose {@code spec.tls} names the Secret {@code namespace/name}. */
  List<Ingress> ingressesReferencingSecret(String namespace, String name);

  /**
   * A value that stays the same instance for as long as no object of {@code kind} changes, so a
   * reader can skip in one comparison what depends only on that kind. A state that cannot tell
   * answers a new object every time, which only costs the reader its shortcut.
   */
  default Object version(ResourceKind kind) {
    return new Object();
  }

  /** How many objects of each kind the state holds (for metrics and logs). */
  Map<ResourceKind, Integer> counts();
}
