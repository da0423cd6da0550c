package dev.weir.dataplane.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {
  @Test
  void trustsAddressesInsideItsRangesOnly() throws Exception {
    TrustedProxies trusted = TrustedProxies.of(List.of("10.0.0.0/8", " 192.0.2.7", "fd00::/8"));

    assertThat(trusted.trusts(InetAddress.getByName("10.20.30.40"))).isTrue();
    assertThat(trusted.trusts(InetAddress.getByName("192.0.2.7"))).isTrue();
    assertThat(trusted.trusts(InetAddress.getByName("192.0.2.8"))).isFalse();
    assertThat(trusted.trusts(InetAddress.getByName("fd12::1"))).isTrue();
    assertThat(trusted.trusts(InetAddress.getByName("2001:db8::1"))).isFalse();
    assertThat(trusted.trusts(null)).isFalse();
  }

  @Test
  void noneTrustsNobody() throws Exception {
    assertThat(TrustedProxies.of(List.of())).isSameAs(TrustedProxies.NONE);
    assertThat(TrustedProxies.NONE.trusts(InetAddress.getByName("127.0.0.1"))).isFalse();
  }

  @Test
  void refusesWhatIsNotARange() {
    for (String bad : List.of("10.0.0.0/33", "example.com", "10.0.0.0/x", "", "::/129")) {
      assertThatThrownBy(() -> TrustedProxies.of(List.of(bad)))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
