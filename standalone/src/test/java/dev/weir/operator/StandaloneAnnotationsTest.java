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
import dev.weir.dataplane.testing.ScriptedPod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
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

    startStandalone();

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
          service("echo", echo.endpoint().port())
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
      startStandalone();
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

  @Test
  void aCanaryIngressTakesTheRequestsItsRulesSelectFromTheMainIngressesPath() throws Exception {
    try (EchoBackend stable =
            EchoBackend.start("stable", "127.0.0.1", EchoBackend.Mode.JSON, Duration.ZERO);
        EchoBackend preview =
            EchoBackend.start("preview", "127.0.0.1", EchoBackend.Mode.JSON, Duration.ZERO)) {
      Files.writeString(
          manifests.resolve("canary.yaml"),
          service("stable", stable.endpoint().port())
              + service("preview", preview.endpoint().port())
              + """
              apiVersion: networking.k8s.io/v1
              kind: Ingress
              metadata:
                name: shop
                namespace: demo
                creationTimestamp: "2025-01-01T00:00:00Z"
              spec:
                rules:
                - host: canary.weir.test
                  http:
                    paths:
                    - {path: /, pathType: Prefix, backend: {service: {name: stable, port: {number: 80}}}}
              ---
              apiVersion: networking.k8s.io/v1
              kind: Ingress
              metadata:
                name: shop-canary
                namespace: demo
                creationTimestamp: "2025-01-02T00:00:00Z"
                annotations:
                  nginx.ingress.kubernetes.io/canary: "true"
                  nginx.ingress.kubernetes.io/canary-by-header: "X-Canary"
                  nginx.ingress.kubernetes.io/canary-by-cookie: "use_preview"
                  nginx.ingress.kubernetes.io/canary-weight: "0"
                  nginx.ingress.kubernetes.io/proxy-body-size: "1k"
              spec:
                rules:
                - host: canary.weir.test
                  http:
                    paths:
                    - {path: /, pathType: Prefix, backend: {service: {name: preview, port: {number: 80}}}}
                - host: orphan.weir.test
                  http:
                    paths:
                    - {path: /, pathType: Prefix, backend: {service: {name: preview, port: {number: 80}}}}
              """);
      startStandalone();
      Snapshot snapshot =
          Await.until(
              "a snapshot with the main host",
              PROPAGATION,
              standalone::servedSnapshot,
              s -> s != null && !s.virtualHosts().isEmpty());
      assertThat(snapshot.schemaVersion()).as("a route's canary").isEqualTo(5);
      assertThat(snapshot.virtualHosts())
          .as("a canary routes nothing of its own")
          .extracting(VirtualHost::host)
          .containsExactly("canary.weir.test");
      Route main = host(snapshot, "canary.weir.test").routes().get(0);
      assertThat(main.backend()).isEqualTo("demo/stable:80");
      assertThat(main.canary().backend()).isEqualTo("demo/preview:80");
      assertThat(main.settings().maxBodyBytes()).as("the canary's own annotations").isNull();

      assertThat(pod(get("canary.weir.test", "/"))).isEqualTo("stable");
      assertThat(pod(get("canary.weir.test", "/", "X-Canary: always"))).isEqualTo("preview");
      assertThat(pod(get("canary.weir.test", "/", "Cookie: use_preview=always")))
          .isEqualTo("preview");
      assertThat(pod(get("canary.weir.test", "/", "X-Canary: never", "Cookie: use_preview=always")))
          .isEqualTo("stable");
      assertThat(get("orphan.weir.test", "/").status()).isEqualTo(404);
    }
  }

  @Test
  void customErrorsAndTheDefaultBackendFromManifestsReachTheErrorPods() throws Exception {
    try (EchoBackend errors =
            EchoBackend.start("errors", "127.0.0.1", EchoBackend.Mode.JSON, Duration.ZERO);
        ScriptedPod app =
            ScriptedPod.start("127.0.0.1")
                .answer(
                    "/missing?x=1",
                    ScriptedPod.Answer.of("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"))
                .answer(
                    "/fine",
                    ScriptedPod.Answer.of("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))) {
      Files.writeString(
          manifests.resolve("errors.yaml"),
          """
          apiVersion: v1
          kind: Service
          metadata: {name: error-pages, namespace: demo}
          spec:
            ports: [{name: http, port: 8080}, {name: metrics, port: 9090}]
          ---
          apiVersion: discovery.k8s.io/v1
          kind: EndpointSlice
          metadata:
            name: error-pages-1
            namespace: demo
            labels: {kubernetes.io/service-name: error-pages}
          addressType: IPv4
          ports: [{name: http, port: %1$d}, {name: metrics, port: 1}]
          endpoints: [{addresses: [127.0.0.1], conditions: {ready: true}}]
          ---
          apiVersion: v1
          kind: Service
          metadata: {name: app, namespace: demo}
          spec:
            ports: [{name: http, port: 80}]
          ---
          apiVersion: discovery.k8s.io/v1
          kind: EndpointSlice
          metadata:
            name: app-1
            namespace: demo
            labels: {kubernetes.io/service-name: app}
          addressType: IPv4
          ports: [{name: http, port: %2$d}]
          endpoints: [{addresses: [127.0.0.1], conditions: {ready: true}}]
          ---
          apiVersion: v1
          kind: Service
          metadata: {name: scaled-down, namespace: demo}
          spec:
            ports: [{name: http, port: 80}]
          ---
          apiVersion: networking.k8s.io/v1
          kind: Ingress
          metadata:
            name: app
            namespace: demo
            annotations:
              nginx.ingress.kubernetes.io/custom-http-errors: "404,503"
              nginx.ingress.kubernetes.io/default-backend: "error-pages"
          spec:
            rules:
            - host: app.weir.test
              http:
                paths:
                - {path: /, pathType: Prefix, backend: {service: {name: app, port: {name: http}}}}
          ---
          apiVersion: networking.k8s.io/v1
          kind: Ingress
          metadata:
            name: asleep
            namespace: demo
            annotations:
              nginx.ingress.kubernetes.io/default-backend: "error-pages"
          spec:
            rules:
            - host: asleep.weir.test
              http:
                paths:
                - {path: /, pathType: Prefix, backend: {service: {name: scaled-down, port: {number: 80}}}}
          """
              .formatted(errors.endpoint().port(), app.endpoint().port()));
      Snapshot snapshot = startWithTwoHosts();
      assertThat(snapshot.schemaVersion()).as("custom errors").isEqualTo(5);

      RawHttp.Response page =
          RawHttp.exchange(
              standalone.httpPort(),
              "GET /missing?x=1 HTTP/1.1\r\nHost: app.weir.test\r\nAccept: text/html\r\n"
                  + "Connection: close\r\n\r\n");
      assertThat(page.status()).as("the replaced status, the error pod's page").isEqualTo(404);
      EchoBackend.Echo echo = EchoBackend.Echo.parse(page.bodyText());
      assertThat(echo.instance()).isEqualTo("errors");
      assertThat(echo.uri()).isEqualTo("/");
      assertThat(echo.header("x-code")).isEqualTo("404");
      assertThat(echo.header("x-format")).isEqualTo("text/html");
      assertThat(echo.header("x-original-uri")).isEqualTo("/missing?x=1");
      assertThat(echo.header("x-namespace")).isEqualTo("demo");
      assertThat(echo.header("x-ingress-name")).isEqualTo("app");
      assertThat(echo.header("x-service-name")).isEqualTo("app");
      assertThat(echo.header("x-service-port")).isEqualTo("http");
      assertThat(echo.header("x-request-id")).isNotEmpty();
      assertThat(get("app.weir.test", "/fine").bodyText()).isEqualTo("ok");

      EchoBackend.Echo asleep = EchoBackend.Echo.parse(get("asleep.weir.test", "/page").bodyText());
      assertThat(asleep.instance()).as("the Service has no endpoints").isEqualTo("errors");
      assertThat(asleep.uri()).isEqualTo("/page");
    }
  }

  @Test
  void customHeadersFromAManifestConfigMapAreSetAndFollowItsEdits() throws Exception {
    try (EchoBackend app = EchoBackend.start("app")) {
      Files.writeString(
          manifests.resolve("app.yaml"),
          service("app", app.port())
              + """
              apiVersion: networking.k8s.io/v1
              kind: Ingress
              metadata:
                name: app
                namespace: demo
                annotations:
                  nginx.ingress.kubernetes.io/custom-headers: demo/headers
              spec:
                rules:
                - host: app.weir.test
                  http:
                    paths:
                    - {path: /, pathType: Prefix, backend: {service: {name: app, port: {name: http}}}}
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
                      Settings.DEFAULTS)
                  .withAllowedResponseHeaders(List.of("X-Frame-Options")));
      Await.until(
          "the path answers 503 without its ConfigMap",
          PROPAGATION,
          () -> get("app.weir.test", "/"),
          r -> r.status() == 503);

      Path configMap = manifests.resolve("headers.yaml");
      Files.writeString(configMap, headers("DENY"));
      RawHttp.Response served =
          Await.until(
              "the ConfigMap's header is set",
              PROPAGATION,
              () -> get("app.weir.test", "/"),
              r -> r.status() == 200);
      assertThat(served.header("x-frame-options")).isEqualTo("DENY");

      Files.writeString(configMap, headers("SAMEORIGIN"));
      Await.until(
          "the edited value is set",
          PROPAGATION,
          () -> get("app.weir.test", "/"),
          r -> "SAMEORIGIN".equals(r.header("x-frame-options")));

      Files.delete(configMap);
      Await.until(
          "the path answers 503 once its ConfigMap is gone",
          PROPAGATION,
          () -> get("app.weir.test", "/"),
          r -> r.status() == 503);
    }
  }

  private static String headers(String frameOptions) {
    return """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: headers, namespace: demo}
        data:
          X-Frame-Options: %s
        """
        .formatted(frameOptions);
  }

  /** Starts standalone mode on the manifests and waits for a snapshot of their two hosts. */
  private Snapshot startWithTwoHosts() throws Exception {
    startStandalone();
    return Await.until(
        "a snapshot with both hosts",
        PROPAGATION,
        standalone::servedSnapshot,
        s -> s != null && s.virtualHosts().size() == 2);
  }

  private void startStandalone() throws Exception {
    standalone =
        Standalone.start(
            new Standalone.Options(
                manifests, "127.0.0.1", 0, 0, -1, Duration.ofSeconds(1), false, Settings.DEFAULTS));
  }

  static String service(String name, int port) {
    return """
        apiVersion: v1
        kind: Service
        metadata: {name: %1$s, namespace: demo}
        spec:
          ports: [{name: http, port: 80, targetPort: %2$d}]
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: %1$s-1
          namespace: demo
          labels: {kubernetes.io/service-name: %1$s}
        addressType: IPv4
        ports: [{name: http, port: %2$d}]
        endpoints: [{addresses: [127.0.0.1], conditions: {ready: true}}]
        ---
        """
        .formatted(name, port);
  }

  private static String pod(RawHttp.Response response) {
    assertThat(response.status()).as(response.bodyText()).isEqualTo(200);
    return EchoBackend.Echo.parse(response.bodyText()).instance();
  }

  private RawHttp.Response get(String host, String target, String... headers) throws Exception {
    StringBuilder request =
        new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\nHost: ").append(host);
    for (String header : headers) {
      request.append("\r\n").append(header);
    }
    return RawHttp.exchange(
        standalone.httpPort(), request.append("\r\nConnection: close\r\n\r\n").toString());
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
