package dev.weir.operator.annotations;

import java.util.Objects;

/**
 * A ConfigMap an annotation names ({@code custom-headers}).
 *
 * @param namespace the ConfigMap's namespace
 * @param name the ConfigMap's name
 */
public record ConfigMapRef(String namespace, String name) {
  public ConfigMapRef {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
  }

  /**
   * Reads {@code namespace/name}, or {@code name} alone for a ConfigMap in {@code defaultNamespace}
   * (the Ingress's). Names follow the same DNS rules as Secrets'.
   *
   * @throws IllegalArgumentException with the reason, to follow the quoted value in a message
   */
  public static ConfigMapRef parse(String value, String defaultNamespace) {
    SecretRef ref;
    try {
      ref = SecretRef.parse(value, defaultNamespace);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "is not a ConfigMap reference (namespace/name or name, lower-case DNS names)");
    }
    return new ConfigMapRef(ref.namespace(), ref.name());
  }

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
