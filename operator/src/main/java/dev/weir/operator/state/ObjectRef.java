package dev.weir.operator.state;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Comparator;

/** Names one Kubernetes object. {@code namespace} is null for cluster-scoped kinds. */
public record ObjectRef(String kind, String namespace, String name)
    implements Comparable<ObjectRef> {
  private static final Comparator<ObjectRef> ORDER =
      Comparator.comparing(ObjectRef::kind)
          .thenComparing(ObjectRef::namespace, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparing(ObjectRef::name);

  public static ObjectRef of(HasMetadata object) {
    return new ObjectRef(
        object.getKind(), object.getMetadata().getNamespace(), object.getMetadata().getName());
  }

  @Override
  public int compareTo(ObjectRef other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return kind + " " + (namespace == null ? name : namespace + "/" + name);
  }
}
