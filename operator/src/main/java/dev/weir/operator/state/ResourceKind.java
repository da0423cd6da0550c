package dev.weir.operator.state;

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
  INGRESS("Ingress", Ingress.class),
  INGRESS_CLASS("IngressClass", IngressClass.class),
  SERVICE("Service", Service.class),
  ENDPOINT_SLICE("EndpointSlice", EndpointSlice.class),
  SECRET("Secret", Secret.class);

  private final String kindName;
  private final Class<? extends HasMetadata> type;

  ResourceKind(String kindName, Class<? extends HasMetadata> type) {
    this.kindName = kindName;
    this.type = type;
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
