package dev.weir.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Settings;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.dataplane.testing.EchoBackend;
import dev.weir.dataplane.testing.RawHttp;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host-level ingress-nginx annotations from a manifests directory to real sockets: {@code
 * server-alias} (the host's routes under other names, its certificate over TLS where it covers the
 * name, the default one elsewhere), {@code from-to-www-redirect} (over plain HTTP and over HTTPS
 * with the certificate of the host), the HTTPS redirect's trailing slash ({@code
 * preserve-trailing-slash}) and {@code service-upstream} (the Service's ClusterIP as the one
 * endpoint; a headless Service keeps its endpoints).
 */
class StandaloneHostNamesTest {
  private static final Duration PROPAGATION = Duration.ofSeconds(10);
  private static final String SHOP = "shop.weir.test";

  @TempDir Path manifests;
  private Standalone standalone;

  @AfterEach
  void stop() {
    if (standalone != null) {
      standalone.close();
    }
  }

  @Test
  void aliasesWwwRedirectsTrailingSlashesAndServiceUpstreamThroughSockets() throws Exception {
    X509Bundle ca =
        new CertificateBuilder()
            .subject("CN=Weir test CA")
            .setIsCertificateAuthority(true)
            .ecp256()
            .buildSelfSigned();
    X509Bundle shop =
        new CertificateBuilder()
            .subject("CN=" + SHOP)
            .addSanDnsName(SHOP)
            .addSanDnsName("www." + SHOP)
            .addSanDnsName("m." + SHOP)
            .ecp256()
            .buildIssuedBy(ca);
    try (EchoBackend pod =
            EchoBackend.start("pod", "127.0.0.1", EchoBackend.Mode.JSON, Duration.ZERO);
        EchoBackend cluster =
            EchoBackend.start("cluster-ip", "127.0.0.1", EchoBackend.Mode.JSON, Duration.ZERO)) {
      Files.writeString(manifests.resolve("shop-tls.yaml"), tlsSecret(shop));
      Files.writeString(
          manifests.resolve("hosts.yaml"),
          StandaloneAnnotationsTest.service("echo", pod.endpoint().port())
              + clusterIpService("direct", "127.0.0.1", cluster.endpoint().port(), pod)
              + clusterIpService("headless", "None", cluster.endpoint().port(), pod)
              + """
              apiVersion: networking.k8s.io/v1
              kind: Ingress
              metadata:
                name: shop
                namespace: demo
                annotations:
                  nginx.ingress.kubernetes.io/server-alias: "m.shop.weir.test, shop.other.test"
                  nginx.ingress.kubernetes.io/from-to-www-redirect: "true"
              spec:
                tls: [{hosts: [shop.weir.test], secretName: shop-tls}]
                rules:
                - host: shop.weir.test
                  http:
                    paths:
                    - {path: /, pathType: Prefix, backend: {service: {name: echo, port: {number: 80}}}}
              ---
              apiVersion: networking.k8s.io/v1
              kind: Ingress
              metadata:
                name: keep
                namespace: demo
                annotations:
                  nginx.ingress.kubernetes.io/force-ssl-redirect: "true"
                  nginx.ingress.kubernetes.io/preserve-trailing-slash: "true"
              spec:
                rules:
                - host: keep.weir.test
                  http:
                    paths:
                    - {path: /, pathType: Prefix, backend: {service: {name: echo, port: {number: 80}}}}
              ---
              apiVersion: networking.k8s.io/v1
              kind: Ingress
              metadata:
                name: direct
                namespace: demo
                annotations:
                  nginx.ingress.kubernetes.io/service-upstream: "true"
              spec:
                rules:
                - host: direct.weir.test
                  http:
                    paths:
                    - {path: /, pathType: Prefix, backend: {service: {name: direct, port: {name: http}}}}
                - host: headless.weir.test
                  http:
                    paths:
                    - {path: /, pathType: Prefix, backend: {service: {name: headless, port: {name: http}}}}
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
              "a snapshot with every host and name",
              PROPAGATION,
              standalone::servedSnapshot,
              s -> s != null && s.virtualHosts().size() == 7 && !s.certificates().isEmpty());
      assertThat(snapshot.virtualHosts())
          .extracting(v -> v.host())
          .containsExactly(
              "direct.weir.test",
              "headless.weir.test",
              "keep.weir.test",
              "m.shop.weir.test",
              "shop.other.test",
              SHOP,
              "www." + SHOP);
      int https = standalone.httpsPort();

      // server-alias: the host's routes under each alias; the host's certificate where it covers
      // the alias, and with it the HTTPS redirect; the default certificate and plain HTTP else.
      assertThat(served("m." + SHOP)).contains("m." + SHOP);
      assertThat(instance(tls("m." + SHOP, "/a"))).isEqualTo("pod");
      assertThat(served("shop.other.test")).doesNotContain(SHOP);
      assertThat(instance(tls("shop.other.test", "/a"))).isEqualTo("pod");
      assertThat(instance(plain("shop.other.test", "/a"))).isEqualTo("pod");
      RawHttp.Response aliasRedirect = plain("m." + SHOP, "/docs/");
      assertThat(aliasRedirect.status()).isEqualTo(308);
      assertThat(aliasRedirect.header("location"))
          .as("ingress-nginx's HTTPS redirect drops one trailing slash")
          .isEqualTo("https://m." + SHOP + ":" + https + "/docs");
      assertThat(plain(SHOP, "/").header("location")).isEqualTo("https://" + SHOP + ":" + https);
      assertThat(plain("keep.weir.test", "/docs/").header("location"))
          .as("preserve-trailing-slash")
          .isEqualTo("https://keep.weir.test:" + https + "/docs/");

      // from-to-www-redirect: www.<host> answers a 308 to the host, over HTTPS with the host's
      // certificate, which covers the www name; the port is the one the client addressed.
      assertThat(served("www." + SHOP)).contains("www." + SHOP);
      RawHttp.Response overTls = tls("www." + SHOP, "/a/?q=1/");
      assertThat(overTls.status()).isEqualTo(308);
      assertThat(overTls.header("location")).isEqualTo("https://" + SHOP + ":443/a/?q=1");
      RawHttp.Response overPlain = plain("www." + SHOP + ":8080", "/foo");
      assertThat(overPlain.status()).isEqualTo(308);
      assertThat(overPlain.header("location")).isEqualTo("http://" + SHOP + ":8080/foo");
      assertThat(instance(tls(SHOP, "/"))).as("the host itself is proxied").isEqualTo("pod");

      // service-upstream: the ClusterIP and Service port are the endpoint; headless falls back.
      assertThat(instance(plain("direct.weir.test", "/"))).isEqualTo("cluster-ip");
      assertThat(instance(plain("headless.weir.test", "/"))).isEqualTo("pod");
    }
  }

  /**
   * Service {@code name} with {@code clusterIp} and port {@code port}, its slice on {@code pod}.
   */
  private static String clusterIpService(String name, String clusterIp, int port, EchoBackend pod) {
    return """
        apiVersion: v1
        kind: Service
        metadata: {name: %1$s, namespace: demo}
        spec:
          clusterIP: %2$s
          ports: [{name: http, port: %3$d}]
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: %1$s-1
          namespace: demo
          labels: {kubernetes.io/service-name: %1$s}
        addressType: IPv4
        ports: [{name: http, port: %4$d}]
        endpoints: [{addresses: [127.0.0.1], conditions: {ready: true}}]
        ---
        """
        .formatted(name, clusterIp, port, pod.endpoint().port());
  }

  private static String tlsSecret(X509Bundle bundle) throws Exception {
    Base64.Encoder b64 = Base64.getEncoder();
    return "apiVersion: v1\nkind: Secret\ntype: kubernetes.io/tls\n"
        + "metadata: {name: shop-tls, namespace: demo}\ndata:\n  tls.crt: "
        + b64.encodeToString(bundle.getCertificatePEM().getBytes(StandardCharsets.US_ASCII))
        + "\n  tls.key: "
        + b64.encodeToString(bundle.getPrivateKeyPEM().getBytes(StandardCharsets.US_ASCII))
        + "\n";
  }

  private RawHttp.Response plain(String host, String target) throws Exception {
    return RawHttp.exchange(
        standalone.httpPort(),
        "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
  }

  /** One request over TLS with SNI {@code host} and that Host header (no port). */
  private RawHttp.Response tls(String host, String target) throws Exception {
    try (SSLSocket socket = connect(host)) {
      socket
          .getOutputStream()
          .write(
              ("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      return parse(socket.getInputStream().readAllBytes());
    }
  }

  /** The DNS names of the certificate served for SNI {@code host}, lower case. */
  private String served(String host) throws Exception {
    try (SSLSocket socket = connect(host)) {
      socket.startHandshake();
      X509Certificate leaf = (X509Certificate) socket.getSession().getPeerCertificates()[0];
      StringBuilder names = new StringBuilder(leaf.getSubjectX500Principal().getName());
      if (leaf.getSubjectAlternativeNames() != null) {
        for (List<?> san : leaf.getSubjectAlternativeNames()) {
          names.append(' ').append(san.get(1));
        }
      }
      return names.toString().toLowerCase(Locale.ROOT);
    }
  }

  private SSLSocket connect(String sni) throws Exception {
    // Which certificate is served is the point, not whether a client trusts it.
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {new AcceptAny()}, null);
    Socket plain = new Socket("127.0.0.1", standalone.httpsPort());
    SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket(plain, sni, plain.getPort(), true);
    socket.setSoTimeout(10_000);
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setServerNames(List.of(new SNIHostName(sni)));
    parameters.setApplicationProtocols(new String[] {"http/1.1"});
    socket.setSSLParameters(parameters);
    return socket;
  }

  private static RawHttp.Response parse(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    String[] lines = text.substring(0, end).split("\r\n");
    Map<String, List<String>> headers = new TreeMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers
          .computeIfAbsent(
              lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(lines[i].substring(colon + 1).trim());
    }
    return new RawHttp.Response(
        Integer.parseInt(lines[0].split(" ")[1]),
        headers,
        text.substring(end + 4).getBytes(StandardCharsets.ISO_8859_1));
  }

  private static String instance(RawHttp.Response response) {
    assertThat(response.status()).as(response.bodyText()).isEqualTo(200);
    return EchoBackend.Echo.parse(response.bodyText()).instance();
  }

  private static final class AcceptAny implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
