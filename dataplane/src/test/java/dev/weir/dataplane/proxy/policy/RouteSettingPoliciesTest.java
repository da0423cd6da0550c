package dev.weir.dataplane.proxy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Hsts;
import dev.weir.contract.snapshot.RetryPolicy;
import dev.weir.contract.snapshot.Timeouts;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The policies a route's settings compile into, one request at a time. */
class RouteSettingPoliciesTest {

  static Stream<Arguments> redirects() {
    return Stream.of(
        Arguments.of(443, "shop.example.com", "/cart?id=1", "https://shop.example.com/cart?id=1"),
        Arguments.of(
            443, "shop.example.com:80", "/a%20b?x=%2F&y", "https://shop.example.com/a%20b?x=%2F&y"),
        Arguments.of(8443, "shop.example.com:8080", "/", "https://shop.example.com:8443/"),
        Arguments.of(443, "[2001:db8::1]:80", "/p", "https://[2001:db8::1]/p"),
        Arguments.of(8443, "[2001:db8::1]", "/p", "https://[2001:db8::1]:8443/p"));
  }

  @ParameterizedTest(name = "{1}{2} -> {3}")
  @MethodSource("redirects")
  void plainHttpIsRedirectedWithPathAndQueryKept(
      int port, String host, String target, String location) {
    TestRequest request = new TestRequest();
    request.https = false;
    request.host = host;
    request.target = target;
    request.path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;

    LocalResponse answer = new HttpsRedirect(port).apply(request);

    assertThat(answer.status()).isEqualTo(HttpResponseStatus.PERMANENT_REDIRECT);
    FullHttpResponse response = answer.toResponse(ByteBufAllocator.DEFAULT, false);
    assertThat(response.headers().get("location")).isEqualTo(location);
    response.release();
  }

  static Stream<Arguments> trailingSlashes() {
    // ingress-nginx's lua_ingress.lua cuts one '/' from the end of $request_uri, query included,
    // unless preserve-trailing-slash.
    return Stream.of(
        Arguments.of("/", true, "https://shop.example.com"),
        Arguments.of("/", false, "https://shop.example.com/"),
        Arguments.of("/docs/", true, "https://shop.example.com/docs"),
        Arguments.of("/docs//", true, "https://shop.example.com/docs/"),
        Arguments.of("/docs/", false, "https://shop.example.com/docs/"),
        Arguments.of("/docs/?q=1", true, "https://shop.example.com/docs/?q=1"),
        Arguments.of("/a?b=/", true, "https://shop.example.com/a?b="),
        Arguments.of("/docs", true, "https://shop.example.com/docs"));
  }

  @ParameterizedTest(name = "{0} drop={1} -> {2}")
  @MethodSource("trailingSlashes")
  void theRedirectDropsOneTrailingSlashUnlessPreserved(
      String target, boolean drop, String location) {
    TestRequest request = new TestRequest();
    request.https = false;
    request.host = "shop.example.com";
    request.target = target;
    request.path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;

    LocalResponse answer = new HttpsRedirect(443, drop).apply(request);

    FullHttpResponse response = answer.toResponse(ByteBufAllocator.DEFAULT, false);
    assertThat(response.headers().get("location")).isEqualTo(location);
    response.release();
  }

  @Test
  void httpsRequestsAndAcmeChallengesAreNotRedirected() {
    TestRequest https = new TestRequest();
    assertThat(new HttpsRedirect(443).apply(https)).isNull();

    TestRequest acme = new TestRequest();
    acme.https = false;
    acme.path = "/.well-known/acme-challenge/token";
    acme.target = acme.path;
    assertThat(new HttpsRedirect(443).apply(acme)).isNull();
  }

  @Test
  void hstsReplacesTheBackendsHeaderOnHttpsOnly() {
    StrictTransportSecurity hsts = new StrictTransportSecurity(Hsts.DEFAULT);
    TestRequest https = new TestRequest();
    assertThat(hsts.apply(https)).isNull();
    HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    response.headers().set("strict-transport-security", "max-age=0");
    https.hook.amend(response);
    assertThat(response.headers().getAll("strict-transport-security"))
        .containsExactly("max-age=31536000; includeSubDomains");

    TestRequest plain = new TestRequest();
    plain.https = false;
    hsts.apply(plain);
    assertThat(plain.hook).isNull();
  }

  static Stream<Arguments> bodies() {
    return Stream.of(
        Arguments.of("no length, nothing read", null, 0L, false),
        Arguments.of("length at the limit", "1024", 0L, false),
        Arguments.of("length over the limit", "1025", 0L, true),
        Arguments.of("a whole HTTP/2 body over the limit", null, 2048L, true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bodies")
  void aBodyOverTheLimitIsAnswered413(
      String name, String contentLength, long bodyRead, boolean refused) {
    TestRequest request = new TestRequest();
    if (contentLength != null) {
      request.headers.set("content-length", contentLength);
    }
    request.bodyRead = bodyRead;

    LocalResponse answer = new BodyLimit(1024).apply(request);

    if (refused) {
      assertThat(answer.status()).isEqualTo(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
    } else {
      assertThat(answer).isNull();
      assertThat(request.bodyLimit).as("streamed bodies are counted").isEqualTo(1024);
    }
  }

  @Test
  void upstreamLimitsReplaceOnlyWhatTheRouteSets() {
    TestRequest both = new TestRequest();
    Timeouts timeouts = new Timeouts(1_000, 2_000, 3_000L);
    new UpstreamLimits(timeouts, 3, RetryPolicy.OFF).apply(both);
    assertThat(both.timeouts).isEqualTo(timeouts);
    assertThat(both.tries).isEqualTo(3);
    assertThat(both.retry).isEqualTo(RetryPolicy.OFF);

    TestRequest triesOnly = new TestRequest();
    new UpstreamLimits(null, 0, null).apply(triesOnly);
    assertThat(triesOnly.timeouts).isNull();
    assertThat(triesOnly.tries).isZero();
    assertThat(triesOnly.retry).isNull();
  }
}
