package dev.weir.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Settings;
import dev.weir.dataplane.testing.RawHttp;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Standalone mode on a copy of the quickstart (examples/quickstart, its demo pods on a random
 * loopback address: {@link QuickstartCopy}), as a newcomer runs it: demo backends, HTTPS verified
 * against the demo CA, the Secret file edited by hand. Every listener of Weir itself is on an
 * ephemeral port.
 */
class StandaloneTest {
  /** Tests run in the module directory. */
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

  private static final Path QUICKSTART = REPO.resolve("examples/quickstart");
  private static final Path DEMO_TLS = REPO.resolve("examples/tls");
  private static final Duration PROPAGATION = Duration.ofSeconds(10);

  @TempDir Path manifests;
  private Standalone standalone;
  private HttpsProbe https;
  private String podAddress;

  @BeforeEach
  void startOnACopyOfTheQuickstart() throws Exception {
    podAddress = QuickstartCopy.copy(QUICKSTART, manifests);
    try (InputStream ca = Files.newInputStream(DEMO_TLS.resolve("demo-ca.crt"))) {
      https = HttpsProbe.trustingPem(ca);
    }
    standalone =
        Standalone.start(
            new Standalone.Options(
                manifests, "127.0.0.1", 0, 0, 0, Duration.ofSeconds(1), true, Settings.DEFAULTS));
  }

  @AfterEach
  void stop() {
    if (standalone != null) {
      standalone.close();
    }
  }

  @Test
  void bothHostsAndBothPathsAnswerFromTheirPodsOverVerifiedHttps() throws Exception {
    HttpsProbe.Response app1 = https.get(standalone.httpsPort(), "shop.weir.test", "/app-1");
    HttpsProbe.Response app2 = https.get(standalone.httpsPort(), "shop.weir.test", "/app-2/cart");
    HttpsProbe.Response blog = https.get(standalone.httpsPort(), "blog.apps.weir.test", "/");

    assertThat(app1.status()).isEqualTo(200);
    assertThat(app1.body())
        .startsWith("pod=app-1-7d4f9-")
        .contains("path=/app-1 ")
        .contains("x-forwarded-proto=https");
    assertThat(app2.status()).isEqualTo(200);
    assertThat(app2.body()).startsWith("pod=app-2-5b8c1-a ").contains("path=/app-2/cart ");
    assertThat(blog.status()).isEqualTo(200);
    assertThat(blog.body()).startsWith("pod=app-2-5b8c1-a ").contains("host=blog.apps.weir.test");
    for (HttpsProbe.Response r : List.of(app1, app2, blog)) {
      assertThat(r.subject()).isEqualTo("CN=shop.weir.test (demo v1)");
    }
    assertThat(
            RawHttp.exchange(
                    standalone.httpPort(),
                    "GET / HTTP/1.1\r\nHost: nothing.example\r\nConnection: close\r\n\r\n")
                .status())
        .as("a host no manifest names")
        .isEqualTo(404);
    assertThat(
            RawHttp.exchange(
                    standalone.adminPort(),
                    "GET /readyz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .status())
        .isEqualTo(200);
  }

  @Test
  void theOneMetricsEndpointServesTheHostsHistogramAndTheJvmsMetersOnce() throws Exception {
    assertThat(https.get(standalone.httpsPort(), "shop.weir.test", "/app-1").status())
        .isEqualTo(200);

    String text =
        RawHttp.exchange(
                standalone.adminPort(),
                "GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .bodyText();

    assertThat(text)
        .contains(
            "weir_request_duration_seconds_count{host=\"shop.weir.test\",status_class=\"2xx\"} 1")
        .containsPattern("(?m)^weir_snapshot_version \\d{13}\\.0$")
        .contains("jvm_memory_used_bytes{area=\"heap\"")
        .contains("process_cpu_usage ");
    // One process, one registry with the JVM's meters: a family appears once.
    assertThat(text.split("# TYPE jvm_memory_used_bytes ", -1)).hasSize(2);
  }

  @Test
  void theQuickstartsStickyPathKeepsAClientOnOnePodWithItsCookie() throws Exception {
    HttpsProbe.Response first = https.get(standalone.httpsPort(), "shop.weir.test", "/sticky");
    assertThat(first.status()).isEqualTo(200);
    String setCookie = first.header("set-cookie");
    assertThat(setCookie).startsWith("WEIR_DEMO=").contains("Path=/sticky", "HttpOnly");
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    String pod = podOf(first.body());
    for (int i = 0; i < 6; i++) {
      HttpsProbe.Response again =
          https.get(
              standalone.httpsPort(), "shop.weir.test", "/sticky", "Cookie: " + cookie + "\r\n");
      assertThat(podOf(again.body())).as("request %d with the cookie", i).isEqualTo(pod);
    }
  }

  @Test
  void plainHttpToTheQuickstartsTlsHostIsRedirectedToHttps() throws Exception {
    RawHttp.Response redirect =
        RawHttp.exchange(
            standalone.httpPort(),
            "GET /app-1?x=1 HTTP/1.1\r\nHost: shop.weir.test\r\nConnection: close\r\n\r\n");
    assertThat(redirect.status()).isEqualTo(308);
    assertThat(redirect.header("location"))
        .isEqualTo("https://shop.weir.test:" + standalone.httpsPort() + "/app-1?x=1");
  }

  @Test
  void listenerSettingsGivenToStandaloneReachItsDataPlane() throws Exception {
    standalone.close();
    standalone = null;
    standalone =
        Standalone.start(
            new Standalone.Options(
                manifests,
                "127.0.0.1",
                0,
                0,
                0,
                Duration.ofSeconds(1),
                false,
                Settings.builder().maxHeaderBytes(1024).build()));
    String head = "GET / HTTP/1.1\r\nHost: nothing.example\r\nConnection: close\r\n";
    assertThat(RawHttp.exchange(standalone.httpPort(), head + "\r\n").status()).isEqualTo(404);
    assertThat(
            RawHttp.exchange(
                    standalone.httpPort(), head + "X-Big: " + "x".repeat(2_000) + "\r\n\r\n")
                .status())
        .as("a header block over --max-header-bytes 1024")
        .isEqualTo(431);
  }

  @Test
  void app1AlternatesBetweenItsTwoPods() throws Exception {
    List<String> pods = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      pods.add(podOf(https.get(standalone.httpsPort(), "shop.weir.test", "/app-1").body()));
    }

    assertThat(pods).containsOnly("app-1-7d4f9-a", "app-1-7d4f9-b");
    for (int i = 1; i < pods.size(); i++) {
      assertThat(pods.get(i)).as("request %d of %s", i, pods).isNotEqualTo(pods.get(i - 1));
    }
  }

  @Test
  void editedSecretFileIsServedWithinOneSecond() throws Exception {
    Path secret = manifests.resolve("shop-tls.yaml");
    String edited =
        Files.readString(secret)
            .replace(
                indented(DEMO_TLS.resolve("shop-v1.crt")),
                indented(DEMO_TLS.resolve("shop-v2.crt")))
            .replace(
                indented(DEMO_TLS.resolve("shop-v1.key")),
                indented(DEMO_TLS.resolve("shop-v2.key")));
    assertThat(edited)
        .as("the copy with both v2 blocks")
        .contains(indented(DEMO_TLS.resolve("shop-v2.crt")))
        .contains(indented(DEMO_TLS.resolve("shop-v2.key")));

    long written = System.nanoTime();
    Files.writeString(secret, edited);
    HttpsProbe.Response renewed =
        Await.until(
            "the v2 certificate served",
            PROPAGATION,
            () -> https.get(standalone.httpsPort(), "shop.weir.test", "/app-1"),
            r -> r.subject().contains("demo v2"));

    assertThat(Duration.ofNanos(System.nanoTime() - written))
        .as("file written to the v2 certificate served")
        .isLessThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(renewed.status()).isEqualTo(200);
    assertThat(renewed.body()).startsWith("pod=app-1-7d4f9-");
  }

  @Test
  void brokenManifestFileLeavesEveryRouteWorking() throws Exception {
    Path shop = manifests.resolve("shop.yaml");
    String text = Files.readString(shop);
    Files.writeString(shop, text.substring(0, text.length() / 2) + "\n  rules: [unclosed\n");
    // A change after the breakage (and after the source's 300 ms poll), to know the broken file has
    // been read and translated around. A sleep, since a broken file keeps its last good objects and
    // shows only in the log: nothing observable to wait on.
    Thread.sleep(500);
    Files.writeString(
        manifests.resolve("extra.yaml"),
        """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: extra
          namespace: demo
        spec:
          rules:
            - host: extra.weir.test
              http:
                paths:
                  - path: /
                    pathType: Prefix
                    backend:
                      service:
                        name: app-2
                        port:
                          number: 80
        """);

    RawHttp.Response extra =
        Await.until(
            "the route added after the broken file",
            PROPAGATION,
            () ->
                RawHttp.exchange(
                    standalone.httpPort(),
                    "GET / HTTP/1.1\r\nHost: extra.weir.test\r\nConnection: close\r\n\r\n"),
            r -> r.status() == 200);
    assertThat(extra.bodyText()).startsWith("pod=app-2-5b8c1-a ");

    // The broken file's last good objects keep serving.
    assertThat(https.get(standalone.httpsPort(), "shop.weir.test", "/app-1").body())
        .startsWith("pod=app-1-7d4f9-");
    assertThat(https.get(standalone.httpsPort(), "shop.weir.test", "/app-2").body())
        .startsWith("pod=app-2-5b8c1-a ");
    assertThat(https.get(standalone.httpsPort(), "blog.apps.weir.test", "/").body())
        .startsWith("pod=app-2-5b8c1-a ");
  }

  @Test
  void adminMetricsCountCurrentProblemsByReasonAndObjectUntilTheyAreFixed() throws Exception {
    String before = metrics();
    assertThat(before)
        .as("the data plane's meters and the operator's on one port")
        .contains("weir_snapshot_version ")
        .contains("weir_operator_snapshot_version ")
        .contains("weir_operator_diagnostics{reason=\"ImplementationSpecificRegex\"} 0.0")
        .contains(
            "weir_operator_certificate_expiry_seconds{namespace=\"demo\",secret=\"shop-tls\"}");
    assertThat(before.lines().filter(l -> l.startsWith("# TYPE weir_build_info ")))
        .as("a family both registries have, once")
        .hasSize(1);

    Path regex = manifests.resolve("regex.yaml");
    Files.writeString(regex, regexIngress("/api/.*", "ImplementationSpecific"));
    Await.until(
        "the regex-looking path counted",
        PROPAGATION,
        this::metrics,
        m ->
            m.contains("weir_operator_diagnostics{reason=\"ImplementationSpecificRegex\"} 1.0")
                && m.contains(
                    "weir_operator_diagnostic_objects{kind=\"Ingress\","
                        + "reason=\"ImplementationSpecificRegex\"} 1.0"));

    Files.writeString(regex, regexIngress("/api", "Prefix"));
    Await.until(
        "the fixed path no longer counted",
        PROPAGATION,
        this::metrics,
        m ->
            m.contains("weir_operator_diagnostics{reason=\"ImplementationSpecificRegex\"} 0.0")
                && m.contains(
                    "weir_operator_diagnostic_objects{kind=\"Ingress\","
                        + "reason=\"ImplementationSpecificRegex\"} 0.0"));
  }

  @Test
  void certificateExpiryWarningPeriodCountsTheIngressesOfACertificateExpiringWithinIt()
      throws Exception {
    assertThat(metrics()).contains("weir_operator_diagnostics{reason=\"CertificateExpiring\"} 0.0");
    standalone.close();
    standalone = null;
    // The demo certificate expires in 2036: within a warning period of a century.
    standalone =
        Standalone.start(
            new Standalone.Options(
                    manifests,
                    "127.0.0.1",
                    0,
                    0,
                    0,
                    Duration.ofSeconds(1),
                    false,
                    Settings.DEFAULTS)
                .withCertificateExpiryWarning(Duration.ofDays(36_500)));
    assertThat(metrics())
        .contains("weir_operator_diagnostics{reason=\"CertificateExpiring\"} 1.0")
        .contains(
            "weir_operator_diagnostic_objects{kind=\"Ingress\",reason=\"CertificateExpiring\"}"
                + " 1.0");
  }

  private String metrics() throws Exception {
    RawHttp.Response response =
        RawHttp.exchange(
            standalone.adminPort(),
            "GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    assertThat(response.status()).isEqualTo(200);
    return response.bodyText();
  }

  private static String regexIngress(String path, String pathType) {
    return """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: regex
          namespace: demo
        spec:
          rules:
            - host: regex.weir.test
              http:
                paths:
                  - path: %s
                    pathType: %s
                    backend:
                      service:
                        name: app-2
                        port:
                          number: 80
        """
        .formatted(path, pathType);
  }

  /** A PEM file's lines as they sit under {@code stringData} in the Secret manifest. */
  private static String indented(Path pem) throws Exception {
    StringBuilder out = new StringBuilder();
    for (String line : Files.readString(pem).strip().split("\n")) {
      out.append("    ").append(line).append('\n');
    }
    return out.toString();
  }

  private static String podOf(String demoBody) {
    assertThat(demoBody).startsWith("pod=");
    return demoBody.substring(4, demoBody.indexOf(' '));
  }
}
