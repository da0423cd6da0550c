package dev.weir.dataplane.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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

  static Stream<Arguments> forwardedChains() {
    return Stream.of(
        // peer, X-Forwarded-For lines ("|" between lines), client (null: the peer)
        Arguments.of("127.0.0.1", "203.0.113.7, 10.0.0.5", "203.0.113.7"),
        Arguments.of("127.0.0.1", "198.51.100.1, 203.0.113.7, 10.0.0.5", "203.0.113.7"),
        Arguments.of("127.0.0.1", "203.0.113.7", "203.0.113.7"),
        Arguments.of("127.0.0.1", "10.0.0.9, 10.0.0.5", "10.0.0.9"),
        Arguments.of("127.0.0.1", "203.0.113.9|198.51.100.1, 10.1.1.1", "198.51.100.1"),
        Arguments.of("127.0.0.1", "203.0.113.9|10.1.1.1", "203.0.113.9"),
        Arguments.of("127.0.0.1", "203.0.113.7:4711, 10.0.0.5", "203.0.113.7"),
        Arguments.of("127.0.0.1", "[2001:db8::9]:443, 10.0.0.5", "2001:db8:0:0:0:0:0:9"),
        Arguments.of("127.0.0.1", "2001:db8::9", "2001:db8:0:0:0:0:0:9"),
        Arguments.of("127.0.0.1", "unknown, 10.0.0.5", "10.0.0.5"),
        Arguments.of("127.0.0.1", "203.0.113.7, example.com", null),
        Arguments.of("127.0.0.1", " , ", null),
        Arguments.of("127.0.0.1", "", null),
        Arguments.of("192.0.2.1", "203.0.113.7, 10.0.0.5", null));
  }

  @ParameterizedTest(name = "from {0}: {1} -> {2}")
  @MethodSource("forwardedChains")
  void findsTheClientAsNginxRealIpRecursiveDoes(String peer, String forwardedFor, String client)
      throws Exception {
    TrustedProxies trusted = TrustedProxies.of(List.of("127.0.0.1", "10.0.0.0/8"));
    List<String> lines = forwardedFor.isEmpty() ? List.of() : List.of(forwardedFor.split("\\|"));

    assertThat(trusted.clientBehind(InetAddress.getByName(peer), lines)).isEqualTo(client);
  }
}
