package dev.weir.operator;

/**
 * Manifests for standalone tests routing to test pods on loopback, beside {@link
 * StandaloneAnnotationsTest#service}: each ends with a document separator.
 */
final class EchoManifests {
  private EchoManifests() {}

  /**
   * Another EndpointSlice of Service {@code service} in demo: a pod on loopback at {@code port}.
   */
  static String slice(String service, String name, int port) {
    return """
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: %s
          namespace: demo
          labels: {kubernetes.io/service-name: %s}
        addressType: IPv4
        ports: [{name: http, port: %d}]
        endpoints: [{addresses: [127.0.0.1], conditions: {ready: true}}]
        ---
        """
        .formatted(name, service, port);
  }

  /** Ingress demo/{@code name}: every path of {@code host} to port 80 of {@code service}. */
  static String ingress(String name, String host, String service) {
    return """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: %s, namespace: demo}
        spec:
          rules:
          - host: %s
            http:
              paths:
              - path: /
                pathType: Prefix
                backend: {service: {name: %s, port: {number: 80}}}
        ---
        """
        .formatted(name, host, service);
  }
}
