package dev.weir.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.AffinityMode;
import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.ClientAuth;
import dev.weir.contract.snapshot.ClientVerify;
import dev.weir.contract.snapshot.Hsts;
import dev.weir.contract.snapshot.Route;
import dev.weir.contract.snapshot.Settings;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.UpstreamProtocol;
import dev.weir.contract.snapshot.VirtualHost;
import dev.weir.dataplane.testing.EchoBackend;
import dev.weir.dataplane.testing.RawHttp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingress annotations, from a manifests directory to the snapshot the in-process data plane
 * applies: route, host and backend settings, the CA of an Opaque Secret an annotation names, and
 * the feature failing closed when that Secret loses its CA. What the data plane then does with each
 * setting is its own tests' business.
 */
class StandaloneAnnotationsTest {
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final Duration PROPAGATION = Duration.ofSeconds(10);

  @TempDir Path manifests;
  private Standalone standalone;

  @AfterEach
  void stop() {
    if (standalone != null) {
      standalone.close();
    }
  }

  @Test
  void annotationsReachTheSnapshotAndAnUnusableCaSecretFailsClosed() throws Exception {
    String ca = Files.readString(REPO.resolve("examples/tls/demo-ca.crt"));
    Files.copy(
        REPO.resolve("examples/quickstart/shop-tls.yaml"), manifests.resolve("shop-tls.yaml"));
    Files.writeString(manifests.resolve("client-ca.yaml"), caSecret(ca));
    Files.writeString(
        manifests.resolve("shop.yaml"),
        """
        apiVersion: v1
        kind: Service
        metadata: {name: api, namespace: demo}
        spec:
          ports: [{name: https, port: 443}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: shop
          namespace: demo
          annotations:
            nginx.ingress.kubernetes.io/affinity: "cookie"
            nginx.ingress.kubernetes.io/affinity-mode: "persistent"
            nginx.ingress.kubernetes.io/proxy-body-size: "8m"
            nginx.ingress.kubernetes.io/backend-protocol: "HTTPS"
            nginx.ingress.kubernetes.io/auth-tls-secret: "client-ca"
            weir.dev/hsts-max-age: "600"
        spec:
          tls: [{hosts: [shop.weir.test], secretName: shop-tls}]
          rules:
          - host: shop.weir.test
            http:
              paths:
              - {path: /cart, pathType: Prefix, backend: {service: {name: api, port: {number: 443}}}}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: plain
          namespace: demo
          annotations:
            nginx.ingress.kubernetes.io/proxy-read-timeout: "120"
        spec:
          rules:
          - host: plain.weir.test
            http:
              paths:
              - {path: /, pathType: Prefix, backend: {service: {name: api, port: {number: 443}}}}
        """);

    standalone =
        Standalone.start(
            new Standalone.Options(
                manifests, "127.0.0.1", 0, 0, -1, Duration.ofSeconds(1), false, Settings.DEFAULTS));

    Snapshot snapshot =
        Await.until(
            "a snapshot with both hosts",
            PROPAGATION,
            standalone::servedSnapshot,
            s -> s != null && s.virtualHosts().size() == 2);
    assertThat(snapshot.schemaVersion()).as("routes name their Ingress").isEqualTo(3);
    VirtualHost shop = host(snapshot, "shop.weir.test");
    assertThat(shop.hsts()).isEqualTo(new Hsts(600, true, false));
    ClientAuth auth = shop.clientAuth();
    assertThat(auth.unavailable()).isFalse();
    assertThat(auth.verify()).isEqualTo(ClientVerify.ON);
    assertThat(auth.caCertificates()).isEqualTo(ca);
    Route cart = shop.routes().get(0);
    assertThat(cart.settings().redirectsToHttps()).as("ssl-redirect's default").isTrue();
    assertThat(cart.settings().maxBodyBytes()).isEqualTo(8L << 20);
    assertThat(cart.settings().affinity().mode()).isEqualTo(AffinityMode.PERSISTENT);
    assertThat(cart.settings().affinity().cookiePath()).isEqualTo("/cart");
    Backend reencrypted =
        snapshot.backends().stream()
            .filter(b -> b.id().equals(cart.backend()))
            .findFirst()
            .orElseThrow();
    assertThat(reencrypted.id()).startsWith("demo/api:443@https-");
    assertThat(reencrypted.protocol()).isEqualTo(UpstreamProtocol.HTTPS);

    Route plain = host(snapshot, "plain.weir.test").routes().get(0);
    assertThat(plain.backend()).isEqualTo("demo/api:443");
    assertThat(plain.settings().timeouts().readMillis()).isEqualTo(120_000);
    assertThat(plain.settings().redirectsToHttps()).as("a host without TLS").isFalse();
    // The data plane applied it: the route exists (503, its Service has no endpoints), not 404.
    assertThat(
            RawHttp.exchange(
                    standalone.httpPort(),
                    "GET / HTTP/1.1\r\nHost: plain.weir.test\r\nConnection: close\r\n\r\n")
                .status())
        .isEqualTo(503);

    // The CA Secret loses its ca.crt: client authentication fails closed, it is not dropped.
    Files.writeString(manifests.resolve("client-ca.yaml"), caSecret(null));
    Snapshot after =
        Await.until(
            "client authentication failing closed",
            PROPAGATION,
            standalone::servedSnapshot,
            s -> host(s, "shop.weir.test").clientAuth().unavailable());
    assertThat(host(after, "shop.weir.test").clientAuth().verify()).isEqualTo(ClientVerify.ON);
  }

  @Test
  void rewritesRegexPathsAndRedirectsReachABackendAsIngressNginxWouldSendThem() throws Exception {
    try (EchoBackend echo =
        EchoBackend.start("echo", "127.0.0.1", EchoBackend.Mode.JSON, Duration.ZERO)) {
      Files.writeString(
          manifests.resolve("rewrite.yaml"),
          echoService(echo.endpoint().port())
              + """
          apiVersion: networking.k8s.io/v1
          kind: Ingress
          metadata:
            name: rewrite
            namespace: demo
            annotations:
              nginx.ingress.kubernetes.io/rewrite-target: "/$2"
              nginx.ingress.kubernetes.io/x-forwarded-prefix: "/something"
          spec:
            rules:
            - host: rewrite.weir.test
              http:
                paths:
                - path: /something(/|$)(.*)
                  pathType: ImplementationSpecific
                  backend: {service: {name: echo, port: {number: 80}}}
          ---
          apiVersion: networking.k8s.io/v1
          kind: Ingress
          metadata:
            name: literal
            namespace: demo
          spec:
            rules:
            - host: rewrite.weir.test
              http:
                paths:
                - {path: /v1.0, pathType: Exact, backend: {service: {name: echo, port: {number: 80}}}}
          ---
          apiVersion: networking.k8s.io/v1
          kind: Ingress
          metadata:
            name: moved
            namespace: demo
            annotations:
              nginx.ingress.kubernetes.io/permanent-redirect: "https://www.example.com/new"
              nginx.ingress.kubernetes.io/permanent-redirect-code: "308"
          spec:
            rules:
            - host: moved.weir.test
              http:
                paths:
                - {path: /, pathType: Prefix, backend: {service: {name: echo, port: {number: 80}}}}
          """);
      standalone =
          Standalone.start(
              new Standalone.Options(
                  manifests,
                  "127.0.0.1",
                  0,
                  0,
                  -1,
                  Duration.ofSeconds(1),
                  false,
                  Settings.DEFAULTS));
      Snapshot snapshot =
          Await.until(
              "a snapshot with both hosts",
              PROPAGATION,
              standalone::servedSnapshot,
              s -> s != null && s.virtualHosts().size() == 2);
      assertThat(snapshot.schemaVersion()).as("regex routes and rewrites").isEqualTo(4);
      assertThat(host(snapshot, "rewrite.weir.test").routes())
          .as("the rewrite makes every path of the host a regex, across Ingresses")
          .allMatch(Route::matchesAsRegex);

      EchoBackend.Echo rewritten =
          EchoBackend.Echo.parse(get("rewrite.weir.test", "/something/new?x=1").bodyText());
      assertThat(rewritten.uri()).isEqualTo("/new?x=1");
      assertThat(rewritten.header("x-forwarded-prefix")).isEqualTo("/something");
      // The literal Ingress's Exact path is now nginx's ~* "^/v1.0": a case-insensitive prefix
      // whose dot matches any character.
      assertThat(EchoBackend.Echo.parse(get("rewrite.weir.test", "/V1x0/more").bodyText()).uri())
          .isEqualTo("/V1x0/more");
      assertThat(get("rewrite.weir.test", "/other").status()).isEqualTo(404);

      RawHttp.Response moved = get("moved.weir.test", "/anything?q=1");
      assertThat(moved.status()).isEqualTo(308);
      assertThat(moved.header("location")).isEqualTo("https://www.example.com/new");
    }
  }

  /** Service demo/echo port 80, with an EndpointSlice of 127.0.0.1:{@code port}, then "---". */
  static String echoService(int port) {
    return """
        apiVersion: v1
        kind: Service
        metadata: {name: echo, namespace: demo}
        spec:
          ports: [{name: http, port: 80, targetPort: %1$d}]
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: echo-1
          namespace: demo
          labels: {kubernetes.io/service-name: echo}
        addressType: IPv4
        ports: [{name: http, port: %1$d}]
        endpoints: [{addresses: [127.0.0.1], conditions: {ready: true}}]
        ---
        """
        .formatted(port);
  }

  private RawHttp.Response get(String host, String target) throws Exception {
    return RawHttp.exchange(
        standalone.httpPort(),
        "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
  }

  private static VirtualHost host(Snapshot snapshot, String name) {
    return snapshot.virtualHosts().stream()
        .filter(v -> v.host().equals(name))
        .findFirst()
        .orElseThrow();
  }

  /** An Opaque Secret demo/client-ca with {@code ca} as its ca.crt (null: without one). */
  private static String caSecret(String ca) {
    return "apiVersion: v1\nkind: Secret\ntype: Opaque\nmetadata: {name: client-ca, namespace:"
        + " demo}\ndata:\n"
        + (ca == null
            ? "  other: " + Base64.getEncoder().encodeToString("x".getBytes())
            : "  ca.crt: " + Base64.getEncoder().encodeToString(ca.getBytes()))
        + "\n";
  }
}
