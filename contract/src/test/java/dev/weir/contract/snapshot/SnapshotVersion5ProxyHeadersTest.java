package dev.weir.contract.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What schema version 5 added for a route's proxy headers (upstream-vhost, custom-headers,
 * proxy-redirect, proxy-cookie): it survives the codec, makes the snapshot version 5, and holds
 * only what is safe to put into a header.
 */
class SnapshotVersion5ProxyHeadersTest {
  private static final Endpoint POD = new Endpoint("10.0.0.1", 8080, EndpointState.READY);

  private static Snapshot with(ProxyHeaders headers) {
    return Snapshot.builder()
        .version(1)
        .backends(Backend.of("b", List.of(POD)))
        .virtualHosts(
            VirtualHost.of(
                "a.com",
                List.of(
                    Route.prefix("/", "b")
                        .withSettings(RouteSettings.builder().proxyHeaders(headers).build()))))
        .build();
  }

  @Test
  void proxyHeadersSurviveTheCodecAndNeedVersion5() throws Exception {
    Snapshot snapshot =
        with(
            new ProxyHeaders(
                "internal.svc",
                Map.of("X-B", "2", "X-A", "1"),
                null,
                new HeaderRewrite("http://internal/", "https://a.com/"),
                new HeaderRewrite("internal", "a.com"),
                new HeaderRewrite("/app/", "/")));
    assertThat(snapshot.schemaVersion()).isEqualTo(5);
    byte[] encoded = SnapshotCodec.encodeCompact(snapshot);
    assertThat(new String(encoded, StandardCharsets.UTF_8))
        .contains(
            "\"proxyHeaders\":{\"host\":\"internal.svc\",\"responseHeaders\":{\"X-A\":\"1\","
                + "\"X-B\":\"2\"},\"redirect\":{\"from\":\"http://internal/\",\"to\":"
                + "\"https://a.com/\"},\"cookieDomain\":{\"from\":\"internal\",\"to\":\"a.com\"},"
                + "\"cookiePath\":{\"from\":\"/app/\",\"to\":\"/\"}}");
    assertThat(SnapshotCodec.decode(encoded)).isEqualTo(snapshot);
    assertThat(SnapshotCodec.decode(SnapshotCodec.encodeCompact(with(ProxyHeaders.UNAVAILABLE))))
        .isEqualTo(with(ProxyHeaders.UNAVAILABLE));
  }

  @Test
  void aSnapshotWithoutProxyHeadersStaysAtItsVersion() {
    assertThat(with(null).schemaVersion()).isEqualTo(1);
  }

  @Test
  void headerNamesAndValuesMustBeSafe() {
    assertThatThrownBy(
            () ->
                SnapshotValidator.validate(
                    with(new ProxyHeaders("a\r\nb", null, null, null, null, null))))
        .hasMessageContaining("proxyHeaders.host: must be a non-empty header value");
    assertThatThrownBy(
            () ->
                SnapshotValidator.validate(
                    with(new ProxyHeaders(null, Map.of("X A", "1"), null, null, null, null))))
        .hasMessageContaining("proxyHeaders.responseHeaders: 'X A' is not a header name");
    assertThatThrownBy(
            () ->
                SnapshotValidator.validate(
                    with(
                        new ProxyHeaders(
                            null, null, null, new HeaderRewrite("~(", "/"), null, null))))
        .hasMessageContaining("proxyHeaders.redirect.from: not a regular expression");
  }
}
