package dev.weir.operator.state;

import dev.weir.operator.certmanager.model.Certificate;
import io.fabric8.kubernetes.api.model.ConfigMap;
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
 * <p>Secrets are of type {@code kubernetes.io/tls} ({@link #tlsSecret}), and of any type only when
 * an Ingress annotation names them ({@link #referencedSecret}): the CA bundles of {@code
 * auth-tls-secret} and {@code proxy-ssl-secret} are often {@code Opaque}. The API-server source
 * watches exactly those, one Secret each, so the operator never caches every Secret of a cluster.
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

  /**
   * A Secret of any type that an Ingress annotation names ({@link
   * ClusterIndexes#annotationSecrets}), or empty. A source may also answer for Secrets no
   * annotation names (the manifest source holds every Secret of its directory); readers ask only
   * for the ones annotations name. Changes count as {@link ResourceKind#SECRET} changes.
   */
  Optional<Secret> referencedSecret(String namespace, String name);

  /**
   * A ConfigMap an Ingress annotation names ({@link ClusterIndexes#annotationConfigMaps}), or
   * empty. As with {@link #referencedSecret}, a source may answer for others too; readers ask only
   * for the ones annotations name. Changes count as {@link ResourceKind#CONFIG_MAP} changes.
   */
  default Optional<ConfigMap> referencedConfigMap(String namespace, String name) {
    return Optional.empty();
  }

  /** The Ingresses whose {@code spec.tls} names the Secret {@code namespace/name}. */
  List<Ingress> ingressesReferencingSecret(String namespace, String name);

  /**
   * The cert-manager Certificate whose {@code spec.secretName} is the Secret {@code namespace/name}
   * ({@link ClusterIndexes#issuing} when several are), or empty: none does, or cert-manager is not
   * installed.
   */
  Optional<Certificate> certificateForSecret(String namespace, String secretName);

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
