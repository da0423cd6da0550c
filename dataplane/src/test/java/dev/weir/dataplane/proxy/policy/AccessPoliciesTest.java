package dev.weir.dataplane.proxy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.net.AddressRange;
import dev.weir.contract.snapshot.Cors;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccessPoliciesTest {
  @ParameterizedTest(name = "{0} (peer {1}) -> {2}")
  @CsvSource({
    "10.1.2.3, 10.1.2.3, 0",
    "192.0.2.7, 192.0.2.7, 403",
    // Behind a trusted proxy the client it names decides, not the proxy.
    "10.1.2.3, 192.0.2.7, 0",
    "192.0.2.7, 10.1.2.3, 403",
    "10.9.9.9, 10.9.9.9, 403",
    "fd00::1, fd00::1, 0",
  })
  void sourceRangesJudgeTheResolvedClient(String client, String peer, int status) {
    SourceRangeFilter filter =
        new SourceRangeFilter(
            List.of(AddressRange.parse("10.9.0.0/16")),
            AddressRange.parseAll(List.of("10.0.0.0/8", "fd00::/8")));
    TestRequest request = new TestRequest();
    request.clientAddress = client;
    request.peerAddress = peer;
    LocalResponse answer = filter.apply(request);
    assertThat(answer == null ? 0 : answer.status().code()).isEqualTo(status);
    request.path = "/.well-known/acme-challenge/x";
    assertThat(filter.apply(request)).isNull();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "https://a.shop.test, true",
    "HTTPS://A.SHOP.TEST, true",
    "https://a-b.shop.test, true",
    "https://a.b.shop.test, false",
    "https://shop.test, false",
    "http://a.shop.test, false",
    "https://a.shop.test.evil, false",
    "null, true",
  })
  void originsMatchAsIngressNginxsRegexAndAreEchoed(String origin, boolean allowed) {
    CrossOriginSharing cors =
        new CrossOriginSharing(
            new Cors(List.of("https://*.shop.test", "null"), null, null, null, null, null));
    TestRequest request = new TestRequest();
    request.headers.set("origin", origin);
    assertThat(cors.apply(request)).isNull();
    assertThat(request.hook != null).isEqualTo(allowed);
    if (allowed) {
      HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      response.headers().set("access-control-allow-origin", "https://backend.says");
      request.hook.amend(response);
      assertThat(response.headers().get("access-control-allow-origin")).isEqualTo(origin);
      assertThat(response.headers().get("access-control-allow-credentials")).isEqualTo("true");
    }
  }
}
