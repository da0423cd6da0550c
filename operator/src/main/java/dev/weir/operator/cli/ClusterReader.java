package dev.weir.operator.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;

/** Lists, read only, what {@code weir audit} looks at in a cluster. */
final class ClusterReader {
  private ClusterReader() {}

  /** Every IngressClass, and the Ingresses of {@code namespaces} (empty: all). */
  static List<HasMetadata> read(KubernetesClient client, List<String> namespaces) {
    List<HasMetadata> objects = new ArrayList<>();
    objects.addAll(client.network().v1().ingressClasses().list().getItems());
    if (namespaces.isEmpty()) {
      objects.addAll(client.network().v1().ingresses().inAnyNamespace().list().getItems());
    } else {
      for (String ns : namespaces) {
        objects.addAll(client.network().v1().ingresses().inNamespace(ns).list().getItems());
      }
    }
    return objects;
  }
}
