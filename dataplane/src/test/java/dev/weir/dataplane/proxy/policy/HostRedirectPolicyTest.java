package dev.weir.dataplane.proxy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.HostRedirect;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * from-to-www-redirect's answer, as ingress-nginx's {@code ngx_srv_redirect.lua} builds it: the
 * request's scheme, the other host, always a port, the target without one trailing slash (its e2e
 * test expects {@code http://fromtowwwredirect.bar.com:80/foo} and {@code https://<host>:443}).
 */
class HostRedirectPolicyTest {

  static Stream<Arguments> locations() {
    return Stream.of(
        Arguments.of(false, "www.shop.test", "/foo", "http://shop.test:80/foo"),
        Arguments.of(true, "www.shop.test", "/", "https://shop.test:443"),
        Arguments.of(false, "www.shop.test:8080", "/a/?q=1", "http://shop.test:8080/a/?q=1"),
        Arguments.of(true, "www.shop.test:8443", "/a/b/", "https://shop.test:8443/a/b"),
        Arguments.of(false, null, "/x", "http://shop.test:80/x"),
        Arguments.of(
            true,
            "www.shop.test",
            "/.well-known/acme-challenge/t",
            "https://shop.test:443/.well-known/acme-challenge/t"));
  }

  @ParameterizedTest(name = "https={0} {1}{2} -> {3}")
  @MethodSource("locations")
  void everyRequestIsRedirectedToTheOtherHost(
      boolean https, String host, String target, String location) {
    TestRequest request = new TestRequest();
    request.https = https;
    request.host = host;
    request.target = target;
    request.path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;

    LocalResponse answer = new HostRedirectPolicy(HostRedirect.to("shop.test")).apply(request);

    assertThat(answer.status()).isEqualTo(HttpResponseStatus.PERMANENT_REDIRECT);
    FullHttpResponse response = answer.toResponse(ByteBufAllocator.DEFAULT, false);
    assertThat(response.headers().get("location")).isEqualTo(location);
    response.release();
  }

  @ParameterizedTest(name = "code {0}")
  @MethodSource("codes")
  void theCodeIsTheSnapshots(int code) {
    TestRequest request = new TestRequest();
    request.host = "www.shop.test";
    request.target = "/";
    request.path = "/";
    assertThat(new HostRedirectPolicy(new HostRedirect("shop.test", code)).apply(request).status())
        .isEqualTo(HttpResponseStatus.valueOf(code));
  }

  static Stream<Integer> codes() {
    return HostRedirect.CODES.stream().sorted();
  }
}
