package dev.weir.contract.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressRangeTest {
  @ParameterizedTest(name = "{0} contains {1}: {2}")
  @CsvSource({
    "10.0.0.0/8, 10.255.1.2, true",
    "10.0.0.0/8, 11.0.0.1, false",
    "10.1.2.3/8, 10.9.9.9, true",
    "192.168.1.7, 192.168.1.7, true",
    "192.168.1.7, 192.168.1.8, false",
    "192.168.0.0/23, 192.168.1.200, true",
    "192.168.0.0/23, 192.168.2.1, false",
    "0.0.0.0/0, 8.8.8.8, true",
    "0.0.0.0/0, ::1, false",
    "::1/128, ::1, true",
    "fd00::/8, fd12:3456::1, true",
    "fd00::/8, fe80::1, false",
    "127.0.0.0/8, ::ffff:127.0.0.1, true",
  })
  void containsAsNginxAllowMatches(String range, String client, boolean expected) {
    assertThat(AddressRange.parse(range).contains(AddressRange.address(client)))
        .isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"10.1.2.3/8, 10.0.0.0/8", "' 1.2.3.4 ', 1.2.3.4/32", "fd00::1/8, fd00::/8"})
  void canonicalFormDropsHostBits(String text, String canonical) {
    assertThat(AddressRange.parse(text)).hasToString(canonical);
  }

  @ParameterizedTest
  @CsvSource({
    "example.com",
    "10.0.0.0/33",
    "10.0.0/8",
    "10.0.0.0/",
    "10.0.0.0/-1",
    "''",
    "1.2.3.4/8x"
  })
  void refusesWhatIsNoRange(String text) {
    assertThatThrownBy(() -> AddressRange.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }
}
