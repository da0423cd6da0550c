package dev.weir.contract.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** How every host name is compared, validated and covered by a wildcard, as tables. */
class HostNameTest {
  /** Each input as a name ({@code normalise}) and as a Host header ({@code ofAuthority}). */
  @ParameterizedTest(name = "\"{0}\" -> \"{1}\", as authority \"{2}\"")
  @CsvSource(
      value = {
        "foo.com | foo.com | foo.com",
        "FOO.Com | foo.com | foo.com",
        "foo.com. | foo.com | foo.com",
        "Foo.COM. | foo.com | foo.com",
        // One trailing dot, as a fully qualified name has; more are left for the lookup to miss.
        "foo.com.. | foo.com. | foo.com.",
        ". | '' | ''",
        "'' | '' | ''",
        "*.Foo.com | *.foo.com | *.foo.com",
        "* | * | *",
        "XN--BCHER-KVA.example | xn--bcher-kva.example | xn--bcher-kva.example",
        "10.0.0.1 | 10.0.0.1 | 10.0.0.1",
        // An authority's port goes, before the trailing dot; an IPv6 literal keeps its brackets.
        "Example.COM:80 | example.com:80 | example.com",
        "example.com. | example.com | example.com",
        "Foo.com.:8443 | foo.com.:8443 | foo.com",
        "10.0.0.1:8080 | 10.0.0.1:8080 | 10.0.0.1",
        "[::1]:443 | [::1]:443 | [::1]",
        "[::1] | [::1] | [::1]",
        "[2001:DB8::1]:443 | [2001:db8::1]:443 | [2001:db8::1]",
        ":80 | :80 | ''",
      },
      delimiter = '|')
  void normaliseLowerCasesAndDropsOneTrailingDotAndOfAuthorityAlsoThePort(
      String input, String name, String authorityHost) {
    assertThat(HostName.normalise(input)).isEqualTo(name);
    assertThat(HostName.ofAuthority(input)).isEqualTo(authorityHost);
  }

  @Test
  void aNormalisedNameIsReturnedItselfWithoutACopy() {
    String name = "bar.foo.com";
    assertThat(HostName.normalise(name)).isSameAs(name);
    assertThat(HostName.ofAuthority(name)).isSameAs(name);
  }

  @Test
  void ofAuthorityOfNoHostIsNull() {
    assertThat(HostName.ofAuthority(null)).isNull();
  }

  @ParameterizedTest(name = "\"{0}\" -> {1}")
  @CsvSource(
      value = {
        "bar.foo.com | foo.com",
        "a.bar.foo.com | bar.foo.com",
        "foo.com | com",
        // Numbers are labels like any other: *.0.0.1 would cover 10.0.0.1.
        "10.0.0.1 | 0.0.1",
        "foo |",
        ".foo.com |",
        "foo. |",
        "'' |",
        "[::1] |",
      },
      delimiter = '|')
  void wildcardParentIsTheNameWithoutItsFirstLabel(String name, String expected) {
    assertThat(HostName.wildcardParent(name)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "\"{0}\" -> {1}")
  @CsvSource({
    "*.foo.com, true",
    "*.com, true",
    "*, false",
    "*foo.com, false",
    "a.*.com, false",
    "foo.com, false",
  })
  void onlyALeadingStarLabelMakesAWildcard(String name, boolean wildcard) {
    assertThat(HostName.isWildcard(name)).isEqualTo(wildcard);
  }

  static Stream<Arguments> hosts() {
    String label63 = "a".repeat(63);
    String name253 = label63 + "." + label63 + "." + label63 + "." + "d".repeat(61);
    String notDns = "' is not a DNS name (a wildcard may only be a leading '*.')";
    return Stream.of(
        Arguments.of("foo.com", null),
        Arguments.of("FOO.Com", null),
        Arguments.of("localhost", null),
        Arguments.of("*", null),
        Arguments.of("*.foo.com", null),
        Arguments.of("*.com", null),
        Arguments.of("a-b.c0m", null),
        Arguments.of("xn--bcher-kva.example", null),
        // An IPv4 literal is a DNS name by this rule; the operator refuses Ingress hosts that are.
        Arguments.of("10.0.0.1", null),
        Arguments.of(label63 + ".com", null),
        Arguments.of(name253, null),
        // The length is counted without the "*.".
        Arguments.of("*." + name253, null),
        Arguments.of(null, "is required"),
        Arguments.of("", "is required"),
        Arguments.of("  ", "is required"),
        Arguments.of("foo.com.", "'foo.com." + notDns),
        Arguments.of(".foo.com", "'.foo.com" + notDns),
        Arguments.of("a..b", "'a..b" + notDns),
        Arguments.of("a.*.com", "'a.*.com" + notDns),
        Arguments.of("*.*.com", "'*.*.com" + notDns),
        Arguments.of("**.com", "'**.com" + notDns),
        Arguments.of("*foo.com", "'*foo.com" + notDns),
        Arguments.of("*.", "'*." + notDns),
        Arguments.of("-a.com", "'-a.com" + notDns),
        Arguments.of("a-.com", "'a-.com" + notDns),
        Arguments.of("a_b.com", "'a_b.com" + notDns),
        Arguments.of("bücher.example", "'bücher.example" + notDns),
        Arguments.of("[::1]", "'[::1]" + notDns),
        Arguments.of("foo.com:80", "'foo.com:80" + notDns),
        Arguments.of("a".repeat(64) + ".com", "'" + "a".repeat(64) + ".com" + notDns),
        Arguments.of(name253 + "e", "'" + name253 + "e' is longer than 253 characters"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("hosts")
  void problemNamesWhatMakesAVirtualHostNameInvalid(String host, String expected) {
    assertThat(HostName.problem(host)).isEqualTo(expected);
  }
}
