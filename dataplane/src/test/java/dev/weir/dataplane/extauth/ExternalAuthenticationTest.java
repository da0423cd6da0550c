package dev.weir.dataplane.extauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.AuthCacheValidity;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The parts of external authentication that are pure functions, as tables. */
class ExternalAuthenticationTest {
  // ingress-nginx's buildAuthSignURL cases (internal/ingress/controller/template/template_test.go).
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "http://x/start|rd|http://x/start?rd=$pass_access_scheme://$http_host$escaped_request_uri",
        "http://x/start?|rd|http://x/start?rd=$pass_access_scheme://$http_host$escaped_request_uri",
        "http://x/start?a=b|rd|http://x/start?a=b&rd=$pass_access_scheme://$http_host$escaped_request_uri",
        "http://x/start?rd=$escaped_request_uri|rd|http://x/start?rd=$escaped_request_uri",
        "http://x/start?rd=|rd|http://x/start?rd=&rd=$pass_access_scheme://$http_host$escaped_request_uri",
        "http://x/start|orig|http://x/start?orig=$pass_access_scheme://$http_host$escaped_request_uri"
      })
  void theSigninUrlCarriesTheOriginalUrlAsIngressNginxBuildsIt(
      String signin, String param, String expected) {
    assertThat(ExternalAuthentication.signinUrl(signin, param)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {"/?a=b&c=d|%2F%3Fa%3Db%26c%3Dd", "/a b~c-d_e.f|%2Fa%20b~c-d_e.f", "/é|%2F%C3%A9"})
  void escapedRequestUriEscapesAllButUnreservedCharacters(String uri, String escaped) {
    assertThat(RequestVariables.escape(uri)).isEqualTo(escaped);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {"localhost:8443|localhost", "localhost|localhost", "[::1]:8443|[::1]", "::1|::1"})
  void hostIsTheRequestsHostWithoutItsPort(String host, String name) {
    assertThat(RequestVariables.hostName(host)).isEqualTo(name);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "200||300000",
        "202||300000",
        "401||300000",
        "403||0",
        "200|Set-Cookie: a=b|0",
        "200|Cache-Control: no-cache|0",
        "200|Cache-Control: private, max-age=60|0",
        "200|Cache-Control: max-age=60|60000",
        "200|Cache-Control: max-age=0|0"
      })
  void theCacheKeepsWhatNginxsProxyCacheWould(int status, String header, long millis) {
    AuthCache cache =
        new AuthCache(List.of(new AuthCacheValidity(List.of(200, 202, 401), 300_000)));
    DefaultHttpHeaders headers = new DefaultHttpHeaders();
    if (header != null) {
      String[] nameValue = header.split(": ", 2);
      headers.add(nameValue[0], nameValue[1]);
    }
    assertThat(cache.millisFor(new AuthResponse(status, headers))).isEqualTo(millis);
  }

  @ParameterizedTest
  @CsvSource({"200,true", "301,true", "302,true", "401,false"})
  void aDurationWithoutStatusesCovers200And301And302(int status, boolean covered) {
    assertThat(new AuthCacheValidity(List.of(), 1).covers(status)).isEqualTo(covered);
  }
}
