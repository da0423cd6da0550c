package dev.weir.contract.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What schema version 5 added for external authentication: a route's {@link ExternalAuth} survives
 * the codec, makes the snapshot version 5, is refused in a snapshot that says version 4, and its
 * URLs and templates are checked.
 */
class SnapshotVersion5ExternalAuthTest {
  private static final Endpoint POD = new Endpoint("10.0.0.1", 8080, EndpointState.READY);

  private static Snapshot with(ExternalAuth auth) {
    return Snapshot.builder()
        .version(1)
        .backends(Backend.of("b", List.of(POD)))
        .virtualHosts(
            VirtualHost.of(
                "a.com",
                List.of(
                    Route.prefix("/", "b")
                        .withSettings(RouteSettings.builder().externalAuth(auth).build()))))
        .build();
  }

  static final ExternalAuth FULL =
      ExternalAuth.builder("https://$host/oauth2/auth")
          .method("POST")
          .signin("https://$host/oauth2/start?rd=$escaped_request_uri")
          .signinRedirectParam("orig")
          .requestRedirect("https://a.com/back")
          .responseHeaders(List.of("X-Auth-Request-User", "X-Auth-Request-Email"))
          .cache(
              "$cookie__oauth2_proxy", List.of(new AuthCacheValidity(List.of(200, 202), 300_000)))
          .alwaysSetCookie(true)
          .keepalive(10, 100, 30_000L)
          .build();

  @Test
  void externalAuthSurvivesTheCodecAndNeedsVersion5() throws Exception {
    Snapshot snapshot = with(FULL);
    assertThat(snapshot.schemaVersion()).isEqualTo(5);
    byte[] encoded = SnapshotCodec.encodeCompact(snapshot);
    assertThat(new String(encoded, StandardCharsets.UTF_8))
        .contains("\"externalAuth\":{\"url\":\"https://$host/oauth2/auth\"");
    assertThat(SnapshotCodec.decode(encoded)).isEqualTo(snapshot);

    Snapshot saysVersion4 = snapshot.toBuilder().schemaVersion(4).build();
    assertThatThrownBy(() -> SnapshotValidator.validate(saysVersion4))
        .isInstanceOf(InvalidSnapshotException.class)
        .hasMessageContaining(
            "virtualHosts[0].routes[0].settings.externalAuth: needs schemaVersion 5, the snapshot"
                + " says 4");
  }

  @Test
  void unavailableExternalAuthSurvivesTheCodec() throws Exception {
    Snapshot snapshot = with(ExternalAuth.UNAVAILABLE);
    assertThat(SnapshotCodec.decode(SnapshotCodec.encodeCompact(snapshot))).isEqualTo(snapshot);
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of(
            ExternalAuth.builder("ftp://auth/").build(), "url: must be an http or https URL"),
        Arguments.of(ExternalAuth.builder("http:///auth").build(), "url: has no host"),
        Arguments.of(
            ExternalAuth.builder("http://$upstream_addr/auth").build(),
            "url: uses the nginx variable $upstream_addr, which Weir does not evaluate"),
        Arguments.of(
            ExternalAuth.builder("http://auth/").method("FETCH").build(), "method: must be one of"),
        Arguments.of(
            ExternalAuth.builder("http://auth/").responseHeaders(List.of("X User")).build(),
            "responseHeaders: 'X User' is not a header name"),
        Arguments.of(
            ExternalAuth.builder("http://auth/").signin("/start").build(),
            "signin: must be an http or https URL"),
        Arguments.of(
            ExternalAuth.builder("http://auth/")
                .cache("$http_authorization", List.of(new AuthCacheValidity(List.of(99), 1)))
                .build(),
            "cacheValidity: 99 is not an HTTP status"),
        Arguments.of(
            ExternalAuth.builder("http://auth/").keepalive(1, 0, null).build(),
            "keepaliveRequests: must be positive"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("invalid")
  void invalidExternalAuthIsRefusedNamingTheField(ExternalAuth auth, String problem) {
    assertThatThrownBy(() -> SnapshotValidator.validate(with(auth)))
        .isInstanceOf(InvalidSnapshotException.class)
        .hasMessageContaining("virtualHosts[0].routes[0].settings.externalAuth." + problem);
  }

  @Test
  void templatesKnowNginxsRequestVariables() {
    RequestTemplate t = RequestTemplate.parse("a$host${request_uri}$http_x_user$cookie_s-b");
    assertThat(t.parts())
        .containsExactly(
            new RequestTemplate.Part("a", null),
            new RequestTemplate.Part(null, "host"),
            new RequestTemplate.Part(null, "request_uri"),
            new RequestTemplate.Part(null, "http_x_user"),
            new RequestTemplate.Part(null, "cookie_s"),
            new RequestTemplate.Part("-b", null));
    assertThat(RequestTemplate.problem("$remote_user"))
        .isEqualTo("uses the nginx variable $remote_user, which Weir does not evaluate");
    assertThat(RequestTemplate.problem("a$")).isEqualTo("has a '$' that starts no variable");
    assertThat(RequestTemplate.parse("fixed").isConstant()).isTrue();
  }
}
