package dev.weir.dataplane.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestTargetTest {
  @ParameterizedTest
  @CsvSource({
    "/a/b?x=1,           /a/b,   /a/b?x=1,   ",
    "/,                  /,      /,          ",
    "http://h.test/p?q,  /p,     /p?q,       h.test",
    "http://h.test:81,   /,      /,          h.test:81",
    "https://h.test?q,   /,      /?q,        h.test",
    "/a..b/.c/..d,       /a..b/.c/..d, /a..b/.c/..d, ",
  })
  void acceptedTargetsAreSplitForRoutingAndForwarding(
      String uri, String path, String origin, String authority) throws Exception {
    RequestTarget target = RequestTarget.parse(HttpMethod.GET, uri);
    assertThat(target.path()).isEqualTo(path);
    assertThat(target.originForm()).isEqualTo(origin);
    assertThat(target.authority()).isEqualTo(authority);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/.",
        "/..",
        "/a/./b",
        "/a/../b",
        "/a/.",
        "/%2e/",
        "/%2E%2e",
        "a/b",
        "*",
        "ftp://h/",
        "http://u@h/",
        "/a#f",
        "/a b",
        "http:///x"
      })
  void ambiguousTargetsAreRefused(String uri) {
    assertThatThrownBy(() -> RequestTarget.parse(HttpMethod.GET, uri))
        .isInstanceOf(RequestTarget.InvalidTargetException.class);
  }
}
