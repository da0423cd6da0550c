package dev.weir.operator.state;

import dev.weir.operator.certmanager.model.Certificate;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import java.util.Optional;

/**
 * The kinds of Kubernetes object Weir reads. {@link #toString()} is the Kubernetes kind name, which
 * is what metrics, logs and {@link ObjectRef} print.
 */
public enum ResourceKind {
  INGRESS("Ingress", "networking.k8s.io/v1", Ingress.class),
  INGRESS_CLASS("IngressClass", "networking.k8s.io/v1", IngressClass.class),
  SERVICE("Service", "v1", Service.class),
  ENDPOINT_SLICE("EndpointSlice", "discovery.k8s.io/v1", EndpointSlice.class),
  SECRET("Secret", "v1", Secret.class),
  /** cert-manager's Certificate: read only when its CRD is installed. */
  CERTIFICATE("Certificate", "cert-manager.io/v1", Certificate.class),
  /** Read only when an Ingress annotation names it ({@code custom-headers}). */
  CONFIG_MAP("ConfigMap", "v1", ConfigMap.class);

  private final String kindName;
  private final String apiVersion;
  private final Class<? extends HasMetadata> type;

  ResourceKind(String kindName, String apiVersion, Class<? extends HasMetadata> type) {
    this.kindName = kindName;
    this.apiVersion = apiVersion;
    this.type = type;
  }

  /** The {@code apiVersion} Weir reads this kind in. */
  public String apiVersion() {
    return apiVersion;
  }

  /** The Kubernetes kind name, as in an object's {@code kind} field. */
  public String kindName() {
    return kindName;
  }

  /** The kind named {@code kindName} (as in an object's {@code kind} field), if Weir reads it. */
  public static Optional<ResourceKind> of(String kindName) {
    for (ResourceKind kind : values()) {
      if (kind.kindName.equals(kindName)) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }

  /** The kind of {@code object} by its model class, if Weir reads it. */
  public static Optional<ResourceKind> of(HasMetadata object) {
    for (ResourceKind kind : values()) {
      if (kind.type == object.getClass()) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return kindName;
  }
}
