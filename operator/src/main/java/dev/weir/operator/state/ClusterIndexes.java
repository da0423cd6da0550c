package dev.weir.operator.state;

import dev.weir.operator.annotations.IngressAnnotations;
import dev.weir.operator.annotations.SecretRef;
import dev.weir.operator.certmanager.model.Certificate;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The index functions every {@link ClusterState} uses, so the informer-backed state and the
 * in-memory one answer lookups identically.
 */
public final class ClusterIndexes {
  /** Label that ties an EndpointSlice to its Service. */
  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  public static final String TLS_SECRET_TYPE = "kubernetes.io/tls";

  public static final String BY_SERVICE = "byService";
  public static final String BY_SECRET = "bySecret";
  public static final String BY_SECRET_NAME = "bySecretName";

  private ClusterIndexes() {}

  public static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  /** {@code namespace/service} of an EndpointSlice, or nothing when it carries no service label. */
  public static List<String> endpointSliceService(EndpointSlice slice) {
    Map<String, String> labels = slice.getMetadata().getLabels();
    String service = labels == null ? null : labels.get(SERVICE_NAME_LABEL);
    if (service == null || service.isEmpty()) {
      return List.of();
    }
    return List.of(key(slice.getMetadata().getNamespace(), service));
  }

  /**
   * {@code namespace/secretName} for each {@code spec.tls} entry, in the Ingress's own namespace. A
   * cross-namespace name ({@code other/name}) yields a key no Secret has, which is right: the
   * translator refuses it.
   */
  public static List<String> ingressSecrets(Ingress ingress) {
    if (ingress.getSpec() == null || ingress.getSpec().getTls() == null) {
      return List.of();
    }
    List<String> keys = new ArrayList<>();
    for (IngressTLS tls : ingress.getSpec().getTls()) {
      if (tls != null && tls.getSecretName() != null && !tls.getSecretName().isEmpty()) {
        String key = key(ingress.getMetadata().getNamespace(), tls.getSecretName());
        if (!keys.contains(key)) {
          keys.add(key);
        }
      }
    }
    return keys;
  }

  /**
   * {@code namespace/name} of each Secret the Ingress's annotations name and Weir reads ({@code
   * auth-tls-secret}, {@code proxy-ssl-secret}, {@code auth-secret}), read exactly as the
   * translator reads them: a reference it refuses (another namespace, a malformed one) or one
   * without effect is not listed.
   */
  public static List<String> annotationSecrets(Ingress ingress) {
    Map<String, String> annotations = ingress.getMetadata().getAnnotations();
    if (annotations == null || annotations.isEmpty()) {
      return List.of();
    }
    IngressAnnotations read =
        IngressAnnotations.read(annotations, ingress.getMetadata().getNamespace());
    List<String> keys = new ArrayList<>(3);
    read.host().clientAuth().flatMap(c -> c.caSecret()).ifPresent(r -> keys.add(key(r)));
    read.backend().tls().flatMap(t -> t.secret()).ifPresent(r -> keys.add(key(r)));
    read.path().access().basicAuth().ifPresent(b -> keys.add(key(b.secret())));
    return keys.stream().distinct().toList();
  }

  /**
   * {@code namespace/name} of the ConfigMap the Ingress's {@code custom-headers} names, read as the
   * translator reads it; empty when it names none (or one the translator refuses).
   */
  public static List<String> annotationConfigMaps(Ingress ingress) {
    Map<String, String> annotations = ingress.getMetadata().getAnnotations();
    if (annotations == null || annotations.isEmpty()) {
      return List.of();
    }
    return IngressAnnotations.read(annotations, ingress.getMetadata().getNamespace())
        .path()
        .customHeaders()
        .map(r -> List.of(key(r.namespace(), r.name())))
        .orElse(List.of());
  }

  private static String key(SecretRef ref) {
    return key(ref.namespace(), ref.name());
  }

  /** {@code namespace/spec.secretName} of a cert-manager Certificate: the Secret it writes. */
  public static List<String> certificateSecret(Certificate certificate) {
    if (certificate.getSpec() == null
        || certificate.getSpec().getSecretName() == null
        || certificate.getSpec().getSecretName().isEmpty()) {
      return List.of();
    }
    return List.of(
        key(certificate.getMetadata().getNamespace(), certificate.getSpec().getSecretName()));
  }

  /**
   * The Certificate that writes a Secret, from those that name it: the lowest name when several do
   * (cert-manager itself reports that as a conflict), so every source answers alike.
   */
  public static Optional<Certificate> issuing(List<Certificate> naming) {
    return naming.stream().min(Comparator.comparing(c -> c.getMetadata().getName()));
  }

  public static boolean isTlsSecret(Secret secret) {
    return TLS_SECRET_TYPE.equals(secret.getType());
  }
}
