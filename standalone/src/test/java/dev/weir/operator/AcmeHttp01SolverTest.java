package dev.weir.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Settings;
import dev.weir.dataplane.testing.EchoBackend;
import dev.weir.dataplane.testing.RawHttp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cert-manager's HTTP-01 solver through Weir, with manifests shaped as cert-manager creates them
 * (pkg/issuer/acme/http/ingress.go): a solver Service on port 8089 and either its own Ingress
 * ({@code cm-acme-http-solver-*}, ImplementationSpecific path {@code
 * /.well-known/acme-challenge/TOKEN}, the allow-all {@code whitelist-source-range} annotation) or
 * that path added to the user's Ingress in place ({@code http01.ingress.name}). The token must be
 * served over plain HTTP although the host has TLS and so redirects everything else to HTTPS.
 */
class AcmeHttp01SolverTest {
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final String TOKEN = "ZxW3-kLb9ssdc4o2i-ABCdef0123456789_xyzXYZ";
  private static final String CHALLENGE_PATH = "/.well-known/acme-challenge/" + TOKEN;

  @TempDir Path manifests;
  private EchoBackend site;
  private EchoBackend solver;
  private Standalone standalone;

  @BeforeEach
  void start() throws Exception {
    site = EchoBackend.start("site");
    solver = EchoBackend.start("acme-solver");
    Files.copy(
        REPO.resolve("examples/quickstart/shop-tls.yaml"), manifests.resolve("shop-tls.yaml"));
    Files.writeString(
        manifests.resolve("services.yaml"),
        service("web", 80, site.port()) + "---\n" + service(SOLVER_SERVICE, 8089, solver.port()));
  }

  @AfterEach
  void stop() throws Exception {
    if (standalone != null) {
      standalone.close();
    }
    site.close();
    solver.close();
  }

  @Test
  void theSolversOwnIngressServesTheTokenOverPlainHttpAheadOfTheRedirect() throws Exception {
    Files.writeString(manifests.resolve("shop.yaml"), userIngress(""));
    Files.writeString(
        manifests.resolve("solver.yaml"),
        """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          generateName: cm-acme-http-solver-
          name: cm-acme-http-solver-7tq2v
          namespace: demo
          labels:
            acme.cert-manager.io/http-domain: "1703246285"
            acme.cert-manager.io/http-token: "1139873535"
            acme.cert-manager.io/http01-solver: "true"
          annotations:
            nginx.ingress.kubernetes.io/whitelist-source-range: 0.0.0.0/0,::/0
          ownerReferences:
          - apiVersion: acme.cert-manager.io/v1
            kind: Challenge
            name: shop-tls-1-2946531475-1389370512
            uid: 3b1e5f7c-2d4a-4c8e-9f10-5a6b7c8d9e0f
            controller: true
            blockOwnerDeletion: true
        spec:
          ingressClassName: weir
          rules:
          - host: shop.weir.test
            http:
              paths:
              - path: /.well-known/acme-challenge/TOKEN
                pathType: ImplementationSpecific
                backend:
                  service:
                    name: cm-acme-http-solver-x8kzq
                    port:
                      number: 8089
        """
            .replace("TOKEN", TOKEN));
    startStandalone();

    assertTokenServedAndRestRedirected();
  }

  @Test
  void aPathTheSolverAddsToTheUsersOwnIngressServesTheTokenOverPlainHttp() throws Exception {
    Files.writeString(
        manifests.resolve("shop.yaml"),
        userIngress(
            "      - path: /.well-known/acme-challenge/"
                + TOKEN
                + "\n        pathType: ImplementationSpecific\n"
                + "        backend: {service: {name: cm-acme-http-solver-x8kzq, port: {number:"
                + " 8089}}}\n"));
    startStandalone();

    assertTokenServedAndRestRedirected();
  }

  private static final String SOLVER_SERVICE = "cm-acme-http-solver-x8kzq";

  private void startStandalone() throws Exception {
    standalone =
        Standalone.start(
            new Standalone.Options(
                manifests, "127.0.0.1", 0, 0, -1, Duration.ofSeconds(1), false, Settings.DEFAULTS));
    Await.until(
        "the challenge path is routed",
        Duration.ofSeconds(10),
        standalone::servedSnapshot,
        s ->
            s != null
                && s.virtualHosts().stream()
                    .flatMap(v -> v.routes().stream())
                    .anyMatch(r -> r.path().equals(CHALLENGE_PATH)));
  }

  private void assertTokenServedAndRestRedirected() throws Exception {
    RawHttp.Response challenge =
        RawHttp.exchange(
            standalone.httpPort(),
            "GET "
                + CHALLENGE_PATH
                + " HTTP/1.1\r\nHost: shop.weir.test\r\nUser-Agent: cert-manager-challenges/v1.16.2"
                + "\r\nConnection: close\r\n\r\n");
    assertThat(challenge.status()).as("the challenge over plain HTTP").isEqualTo(200);
    assertThat(challenge.bodyText()).contains("acme-solver");

    RawHttp.Response page =
        RawHttp.exchange(
            standalone.httpPort(),
            "GET /cart HTTP/1.1\r\nHost: shop.weir.test\r\nConnection: close\r\n\r\n");
    assertThat(page.status()).as("the rest of the host still redirects").isEqualTo(308);
  }

  /**
   * shop.weir.test with TLS (so HTTPS redirect), forced too, and {@code extraPaths} (YAML items of
   * its rule's paths, indented by six spaces).
   */
  private static String userIngress(String extraPaths) {
    return """
        apiVersion: networking.k8s.io/v1
        kind: IngressClass
        metadata: {name: weir}
        spec: {controller: weir.dev/ingress-controller}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: shop
          namespace: demo
          annotations:
            cert-manager.io/cluster-issuer: letsencrypt
            nginx.ingress.kubernetes.io/force-ssl-redirect: "true"
        spec:
          ingressClassName: weir
          tls: [{hosts: [shop.weir.test], secretName: shop-tls}]
          rules:
          - host: shop.weir.test
            http:
              paths:
              - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
        """
        + extraPaths;
  }

  /** A Service and its EndpointSlice, the pod being a local echo backend on {@code podPort}. */
  private static String service(String name, int port, int podPort) {
    return """
        apiVersion: v1
        kind: Service
        metadata: {name: NAME, namespace: demo}
        spec:
          type: NodePort
          ports: [{name: http, port: PORT, targetPort: PORT, protocol: TCP}]
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: NAME-1
          namespace: demo
          labels: {kubernetes.io/service-name: NAME}
        addressType: IPv4
        endpoints:
        - addresses: [127.0.0.1]
          conditions: {ready: true}
        ports:
        - {name: http, port: POD_PORT, protocol: TCP}
        """
        .replace("NAME", name)
        .replace("POD_PORT", String.valueOf(podPort))
        .replace("PORT", String.valueOf(port));
  }
}
