package dev.weir.dataplane.proxy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestIdTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "a sane id is kept            | abc-123 | true",
        "one of 128 characters is kept | " + ONE_28 + " | true",
        "one of 129 is replaced        | " + ONE_28 + "x | false",
        "a space is replaced           | 'a b'   | false",
        "non-ASCII is replaced         | café    | false",
      })
  void keepsASaneClientIdElseMakesOne(String name, String sent, boolean kept) {
    TestRequest request = new TestRequest();
    request.headers.add("X-Request-ID", sent);

    assertThat(RequestId.INSTANCE.apply(request)).isNull();

    String id = request.headers.get("x-request-id");
    if (kept) {
      assertThat(id).isEqualTo(sent);
    } else {
      assertThat(id).matches("[0-9a-f]{32}");
    }
  }

  private static final String ONE_28 =
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
          + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
}
