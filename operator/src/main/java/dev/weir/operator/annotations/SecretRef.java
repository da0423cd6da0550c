package dev.weir.operator.annotations;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A Secret an annotation names ({@code auth-tls-secret}, {@code proxy-ssl-secret}).
 *
 * @param namespace the Secret's namespace
 * @param name the Secret's name
 */
public record SecretRef(String namespace, String name) {
  // Namespaces are DNS-1123 labels and Secret names DNS-1123 subdomains: anything else cannot
  // exist, so it is refused here rather than looked up.
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final int MAX_NAME = 253;

  public SecretRef {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
  }

  /**
   * Reads {@code namespace/name}, or {@code name} alone for a Secret in {@code defaultNamespace}
   * (the Ingress's).
   *
   * @throws IllegalArgumentException with the reason, to follow the quoted value in a message
   */
  public static SecretRef parse(String value, String defaultNamespace) {
    int slash = value.indexOf('/');
    String namespace = slash < 0 ? defaultNamespace : value.substring(0, slash);
    String name = value.substring(slash + 1);
    if (!LABEL.matcher(namespace).matches()
        || name.length() > MAX_NAME
        || !SUBDOMAIN.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "is not a Secret reference (namespace/name or name, lower-case DNS names)");
    }
    return new SecretRef(namespace, name);
  }

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
