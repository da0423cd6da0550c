package dev.weir.contract.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SnapshotCodecTest {
  private static final String KEY =
      "-----BEGIN PRIVATE KEY-----\nTOPSECRETKEYMATERIAL\n-----END PRIVATE KEY-----\n";
  private static final String CHAIN =
      "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

  private static Snapshot full() {
    return Snapshot.builder()
        .version(7)
        .virtualHosts(
            List.of(
                VirtualHost.builder("foo.com")
                    .certificate("c1")
                    .routes(List.of(Route.exact("/a", "ns/a:80"), Route.prefix("/", "ns/b:http")))
                    .build()))
        .backends(
            List.of(
                Backend.of(
                    "ns/a:80",
                    List.of(
                        Endpoint.ready("10.0.0.1", 8080),
                        new Endpoint("10.0.0.2", 8080, EndpointState.TERMINATING))),
                Backend.of("ns/b:http", List.of())))
        .certificates(List.of(new Certificate("c1", CHAIN, new SecretValue(KEY))))
        .ticketKeys(
            List.of(
                new TicketKey(new SecretValue(Base64.getEncoder().encodeToString(new byte[48])))))
        .defaultBackend("ns/b:http")
        .build();
  }

  @Test
  void roundTripsThroughJson() throws Exception {
    Snapshot snapshot = full();
    assertThat(SnapshotCodec.decode(SnapshotCodec.encode(snapshot))).isEqualTo(snapshot);
    assertThat(SnapshotCodec.decode(SnapshotCodec.encodeCompact(snapshot))).isEqualTo(snapshot);
  }

  @Test
  void enumsUseTheIngressSpelling() {
    String json = new String(SnapshotCodec.encode(full()), StandardCharsets.UTF_8);
    assertThat(json).contains("\"Exact\"", "\"Prefix\"", "\"Terminating\"", "\"RoundRobin\"");
  }

  @Test
  void toStringNeverShowsKeyMaterial() {
    assertThat(full().toString()).doesNotContain("TOPSECRET").contains("<redacted>");
    assertThat(full().ticketKeys().get(0).toString()).doesNotContain("AAAA");
  }

  @Test
  void minimalSnapshotTakesDefaults() throws Exception {
    Snapshot s =
        decode(
            """
        {"schemaVersion":1,"version":1,
         "backends":[{"id":"b","endpoints":[{"address":"127.0.0.1","port":8080}]}],
         "virtualHosts":[{"host":"a.com","routes":[{"pathType":"Prefix","path":"/","backend":"b"}]}]}
        """);
    assertThat(s.backends().get(0).endpoints().get(0).state()).isEqualTo(EndpointState.READY);
    assertThat(s.backends().get(0).timeouts()).isEqualTo(Timeouts.DEFAULTS);
    assertThat(s.backends().get(0).connectRetries()).isEqualTo(2);
    assertThat(s.settings().maxHeaderBytes()).isEqualTo(32 * 1024);
  }

  static Stream<Arguments> invalid() {
    String backend = "\"backends\":[{\"id\":\"b\",\"endpoints\":[]}]";
    return Stream.of(
        Arguments.of(
            "{\"schemaVersion\":1,\"version\":1,\"colour\":\"red\"}", "colour: unknown field"),
        Arguments.of(
            "{\"schemaVersion\":6,\"version\":1}",
            "schemaVersion: is 6, this data plane reads 1 to 5"),
        Arguments.of(
            "{\"schemaVersion\":4,\"version\":1,"
                + backend
                + ",\"virtualHosts\":[{\"host\":\"a.com\",\"routes\":[{\"pathType\":\"Prefix\",\"path\":\"/\",\"backend\":\"b\",\"canary\":{\"backend\":\"b\",\"weight\":1}}]}]}",
            "virtualHosts[0].routes[0].canary: needs schemaVersion 5, the snapshot says 4"),
        Arguments.of(
            "{\"schemaVersion\":5,\"version\":1,"
                + backend
                + ",\"virtualHosts\":[{\"host\":\"a.com\",\"routes\":[{\"pathType\":\"Prefix\",\"path\":\"/\",\"backend\":\"b\",\"canary\":{\"backend\":\"c\",\"weight\":1}}]}]}",
            "virtualHosts[0].routes[0].canary.backend: unknown backend 'c'"),
        Arguments.of(
            "{\"schemaVersion\":5,\"version\":1,"
                + backend
                + ",\"virtualHosts\":[{\"host\":\"a.com\",\"routes\":[{\"pathType\":\"Prefix\",\"path\":\"/\",\"backend\":\"b\",\"settings\":{\"externalAuth\":{\"url\":\"ftp://auth/\"}}}]}]}",
            "virtualHosts[0].routes[0].settings.externalAuth.url: must be an http or https URL"),
        Arguments.of(
            "{\"schemaVersion\":4,\"version\":1,"
                + backend
                + ",\"virtualHosts\":[{\"host\":\"a.com\",\"routes\":[{\"pathType\":\"Prefix\",\"path\":\"/\",\"backend\":\"b\",\"settings\":{\"proxyHeaders\":{\"host\":\"internal\"}}}]}]}",
            "virtualHosts[0].routes[0].settings.proxyHeaders: needs schemaVersion 5, the snapshot"
                + " says 4"),
        Arguments.of(
            "{\"schemaVersion\":4,\"version\":1,\"virtualHosts\":[{\"host\":\"www.a.com\",\"hostRedirect\":{\"host\":\"a.com\",\"code\":308}}]}",
            "virtualHosts[0].hostRedirect: needs schemaVersion 5, the snapshot says 4"),
        Arguments.of(
            "{\"schemaVersion\":4,\"version\":1,"
                + backend
                + ",\"virtualHosts\":[{\"host\":\"a.com\",\"routes\":[{\"pathType\":\"Prefix\",\"path\":\"/\",\"backend\":\"b\",\"settings\":{\"redirectToHttps\":true,\"keepTrailingSlash\":true}}]}]}",
            "virtualHosts[0].routes[0].settings.keepTrailingSlash: needs schemaVersion 5, the"
                + " snapshot says 4"),
        Arguments.of(
            "{\"schemaVersion\":3,\"version\":1,"
                + backend
                + ",\"virtualHosts\":[{\"host\":\"a.com\",\"routes\":[{\"pathType\":\"Prefix\",\"path\":\"/a(.*)\",\"backend\":\"b\",\"regex\":true}]}]}",
            "virtualHosts[0].routes[0].regex"),
        Arguments.of(
            "{\"schemaVersion\":4,\"version\":1,"
                + backend
                + ",\"virtualHosts\":[{\"host\":\"a.com\",\"routes\":[{\"pathType\":\"Prefix\",\"path\":\"/(a)\\\\1\",\"backend\":\"b\",\"regex\":true}]}]}",
            "virtualHosts[0].routes[0].path: is not a regular expression Weir can match in linear"
                + " time"),
        Arguments.of(
            "{\"schemaVersion\":4,\"version\":1,"
                + backend
                + ",\"virtualHosts\":[{\"host\":\"a.com\",\"routes\":[{\"pathType\":\"Prefix\",\"path\":\"/\",\"backend\":\"b\",\"settings\":{\"redirect\":{\"location\":\"https://x/\",\"code\":200}}}]}]}",
            "virtualHosts[0].routes[0].settings.redirect.code: must be between 300 and 308"),
        Arguments.of("{\"schemaVersion\":1,\"version\":\"x\"}", "version: "),
        Arguments.of(
            "{\"schemaVersion\":1,\"version\":1,"
                + backend
                + ",\"virtualHosts\":[{\"host\":\"a.com\",\"routes\":[{\"pathType\":\"Regex\",\"path\":\"/\",\"backend\":\"b\"}]}]}",
            "virtualHosts[0].routes[0].pathType: not a valid PathType (one of Exact, Prefix)"),
        Arguments.of(
            "{\"schemaVersion\":1,\"version\":1,"
                + backend
                + ",\"virtualHosts\":[{\"host\":\"a.com\",\"routes\":[{\"pathType\":\"Exact\",\"path\":\"/\",\"backend\":\"nope\"}]}]}",
            "virtualHosts[0].routes[0].backend: unknown backend 'nope'"),
        Arguments.of(
            "{\"schemaVersion\":1,\"version\":1,"
                + backend
                + ",\"virtualHosts\":[{\"host\":\"a.com\",\"routes\":[{\"pathType\":\"Exact\",\"path\":\"x\",\"backend\":\"b\"}]}]}",
            "virtualHosts[0].routes[0].path: must start with '/'"),
        Arguments.of(
            "{\"schemaVersion\":1,\"version\":1,"
                + backend
                + ",\"virtualHosts\":[{\"host\":\"a.*.com\"}]}",
            "virtualHosts[0].host: 'a.*.com' is not a DNS name"),
        Arguments.of(
            "{\"schemaVersion\":1,\"version\":1,\"virtualHosts\":[{\"host\":\"a.com\"},{\"host\":\"A.com\"}]}",
            "virtualHosts[1].host: duplicate host"),
        Arguments.of(
            "{\"schemaVersion\":1,\"version\":1,\"backends\":[{\"id\":\"b\",\"endpoints\":[{\"address\":\"x\",\"port\":70000}]}]}",
            "backends[0].endpoints[0].port: 70000 is not in 1..65535"),
        Arguments.of(
            endpointAt("backend.default.svc"),
            "backends[0].endpoints[0].address: 'backend.default.svc' is not an IPv4 or IPv6 address"),
        Arguments.of(
            endpointAt("localhost"),
            "backends[0].endpoints[0].address: 'localhost' is not an IPv4 or IPv6 address"),
        Arguments.of(
            endpointAt("[fd00::1]"),
            "backends[0].endpoints[0].address: '[fd00::1]' is not an IPv4 or IPv6 address"),
        Arguments.of(
            endpointAt("fe80::1%eth0"),
            "backends[0].endpoints[0].address: 'fe80::1%eth0' is not an IPv4 or IPv6 address"),
        Arguments.of(
            endpointAt("10.0.0.256"),
            "backends[0].endpoints[0].address: '10.0.0.256' is not an IPv4 or IPv6 address"),
        Arguments.of(
            "{\"schemaVersion\":1,\"version\":1,\"virtualHosts\":[{\"host\":\"a.com\",\"certificate\":\"c9\"}]}",
            "virtualHosts[0].certificate: unknown certificate 'c9'"),
        Arguments.of(
            "{\"schemaVersion\":1,\"version\":1,\"certificates\":[{\"id\":\"c1\",\"certificateChain\":\""
                + CHAIN.replace("\n", "\\n")
                + "\",\"privateKey\":\""
                + KEY.replace("\n", "\\n")
                + "\"}],"
                + "\"virtualHosts\":[{\"host\":\"a.com\",\"certificate\":\"c1\",\"retainCertificate\":true}]}",
            "virtualHosts[0].retainCertificate: only for a host without certificate"),
        Arguments.of(
            "{\"schemaVersion\":1,\"version\":1,\"virtualHosts\":[{\"host\":\"*\",\"retainCertificate\":true}]}",
            "virtualHosts[0].retainCertificate: not for host '*'"),
        Arguments.of(
            "{\"schemaVersion\":1,\"version\":1,\"ticketKeys\":[{\"key\":\"c2hvcnQ=\"}]}",
            "ticketKeys[0].key: must be 48 bytes"),
        Arguments.of("{\"schemaVersion\":1,", "(json): malformed JSON at line 1"));
  }

  @Test
  void retainCertificateIsReadWhenTrueAndFalseWhenAbsent() throws Exception {
    Snapshot s =
        decode(
            """
        {"schemaVersion":1,"version":1,
         "virtualHosts":[{"host":"kept.com","retainCertificate":true},{"host":"plain.com"}]}
        """);
    assertThat(s.virtualHosts())
        .extracting(VirtualHost::retainCertificate)
        .containsExactly(true, false);
  }

  @Test
  void retainCertificateIsWrittenOnlyWhenTrue() throws Exception {
    Snapshot s =
        Snapshot.builder()
            .version(1)
            .virtualHosts(
                List.of(
                    VirtualHost.retainingCertificate("kept.com", null, null),
                    VirtualHost.of("plain.com", List.of())))
            .build();
    String json = new String(SnapshotCodec.encodeCompact(s), StandardCharsets.UTF_8);
    assertThat(json)
        .contains("{\"host\":\"kept.com\",\"retainCertificate\":true,")
        .containsOnlyOnce("retainCertificate");
    assertThat(decode(json)).isEqualTo(s);
  }

  static String endpointAt(String address) {
    return "{\"schemaVersion\":1,\"version\":1,\"backends\":[{\"id\":\"b\",\"endpoints\":"
        + "[{\"address\":\""
        + address
        + "\",\"port\":80}]}]}";
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.1.2.3", "fd00::12", "2001:db8::1"})
  void ipLiteralEndpointsAreAccepted(String address) throws Exception {
    assertThat(decode(endpointAt(address)).backends().get(0).endpoints().get(0).address())
        .isEqualTo(address);
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("invalid")
  void invalidInputIsRefusedNamingTheField(String json, String expectedProblem) {
    assertThatThrownBy(() -> decode(json))
        .isInstanceOf(InvalidSnapshotException.class)
        .hasMessageContaining(expectedProblem);
  }

  @Test
  void errorsAboutCertificatesNeverQuoteTheKey() {
    String json =
        "{\"schemaVersion\":1,\"version\":1,\"certificates\":[{\"id\":\"c\",\"certificateChain\":\"nope\","
            + "\"privateKey\":\"TOPSECRET not a pem\"}]}";
    assertThatThrownBy(() -> decode(json))
        .hasMessageContaining("certificates[0].privateKey: must hold a PEM PRIVATE KEY block")
        .hasMessageNotContaining("TOPSECRET");
  }

  @Test
  void typeErrorsNeverQuoteTheValue() {
    String json =
        "{\"schemaVersion\":1,\"version\":1,\"certificates\":[{\"id\":\"c\",\"certificateChain\":\"x\","
            + "\"privateKey\":{\"TOPSECRET\":1}}]}";
    assertThatThrownBy(() -> decode(json))
        .hasMessageContaining("certificates[0].privateKey")
        .hasMessageNotContaining("TOPSECRET");
  }

  private static Snapshot decode(String json) throws InvalidSnapshotException {
    return SnapshotCodec.decode(json.getBytes(StandardCharsets.UTF_8));
  }
}
