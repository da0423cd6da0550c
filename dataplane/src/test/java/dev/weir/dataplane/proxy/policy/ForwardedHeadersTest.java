package dev.weir.dataplane.proxy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ForwardedHeadersTest {
  @Test
  void describesTheClientAndReplacesWhatTheClientClaimed() {
    TestRequest request = new TestRequest();
    request.headers.add("X-Forwarded-For", "10.6.6.6");
    request.headers.add("Forwarded", "for=10.6.6.6");
    request.headers.add("X-Forwarded-Proto", "http");

    assertThat(ForwardedHeaders.INSTANCE.apply(request)).isNull();

    assertThat(request.headers.getAll("x-forwarded-for")).containsExactly("192.0.2.7");
    assertThat(request.headers.getAll("x-real-ip")).containsExactly("192.0.2.7");
    assertThat(request.headers.get("x-forwarded-proto")).isEqualTo("https");
    assertThat(request.headers.get("x-forwarded-host")).isEqualTo("shop.example.com");
    assertThat(request.headers.get("x-forwarded-port")).isEqualTo("443");
    assertThat(request.headers.contains("forwarded")).isFalse();
  }

  @Test
  void aRequestWithoutHostGetsNoForwardedHostEvenIfItClaimsOne() {
    TestRequest request = new TestRequest();
    request.host = null;
    request.https = false;
    request.listenerPort = 80;
    request.headers.add("X-Forwarded-Host", "evil.example");

    ForwardedHeaders.INSTANCE.apply(request);

    assertThat(request.headers.contains("x-forwarded-host")).isFalse();
    assertThat(request.headers.get("x-forwarded-proto")).isEqualTo("http");
    assertThat(request.headers.get("x-forwarded-port")).isEqualTo("80");
  }

  @Test
  void aTrustedProxysChainIsKeptAndItsAddressAppended() {
    TestRequest request = new TestRequest();
    request.forwardedHeadersTrusted = true;
    request.https = false;
    request.headers.add("X-Forwarded-For", "203.0.113.9");
    request.headers.add("X-Forwarded-For", "198.51.100.1, 10.1.1.1");
    request.headers.add("X-Forwarded-Proto", "https");
    request.headers.add("X-Forwarded-Port", "443");
    request.headers.add("Forwarded", "for=203.0.113.9");

    ForwardedHeaders.INSTANCE.apply(request);

    assertThat(request.headers.getAll("x-forwarded-for"))
        .containsExactly("203.0.113.9, 198.51.100.1, 10.1.1.1, 192.0.2.7");
    assertThat(request.headers.get("x-forwarded-proto")).isEqualTo("https");
    assertThat(request.headers.get("x-forwarded-port")).isEqualTo("443");
    assertThat(request.headers.get("x-forwarded-host")).isEqualTo("shop.example.com");
    assertThat(request.headers.get("x-real-ip")).isEqualTo("192.0.2.7");
    assertThat(request.headers.get("forwarded")).isEqualTo("for=203.0.113.9");
  }

  @Test
  void aTrustedProxyWithoutHeadersGetsThemFilledIn() {
    TestRequest request = new TestRequest();
    request.forwardedHeadersTrusted = true;

    ForwardedHeaders.INSTANCE.apply(request);

    assertThat(request.headers.getAll("x-forwarded-for")).containsExactly("192.0.2.7");
    assertThat(request.headers.get("x-forwarded-proto")).isEqualTo("https");
    assertThat(request.headers.get("x-forwarded-port")).isEqualTo("443");
  }

  @Test
  void behindATrustedProxyXRealIpIsTheClientItsChainNamesAndTheProxyIsAppended() {
    TestRequest request = new TestRequest();
    request.forwardedHeadersTrusted = true;
    request.peerAddress = "10.0.0.9";
    request.clientAddress = "203.0.113.7";
    request.headers.add("X-Forwarded-For", "203.0.113.7, 10.0.0.5");
    request.headers.add("X-Real-IP", "10.0.0.5");

    ForwardedHeaders.INSTANCE.apply(request);

    assertThat(request.headers.getAll("x-forwarded-for"))
        .containsExactly("203.0.113.7, 10.0.0.5, 10.0.0.9");
    assertThat(request.headers.getAll("x-real-ip")).containsExactly("203.0.113.7");
  }
}
