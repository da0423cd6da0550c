package dev.weir.contract.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.contract.snapshot.HashKey.Source;
import dev.weir.contract.snapshot.HashKey.Text;
import dev.weir.contract.snapshot.HashKey.Variable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HashKeyTest {
  @Test
  void variablesAndTextAlternate() {
    assertThat(HashKey.parse("$http_X_User:${request_uri}-$cookie_sid$arg_id").parts())
        .containsExactly(
            new Variable(Source.HEADER, "x-user"),
            new Text(":"),
            new Variable(Source.REQUEST_URI, ""),
            new Text("-"),
            new Variable(Source.COOKIE, "sid"),
            new Variable(Source.ARG, "id"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "$request_uri, REQUEST_URI",
    "$uri, URI",
    "$args, ARGS",
    "$query_string, ARGS",
    "$remote_addr, REMOTE_ADDR",
    "$binary_remote_addr, REMOTE_ADDR",
    "$host, HOST",
    "$scheme, SCHEME",
    "$request_method, REQUEST_METHOD"
  })
  void ingressNginxsCommonVariablesAreKnown(String expression, Source source) {
    assertThat(HashKey.parse(expression).parts()).containsExactly(new Variable(source, ""));
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @CsvSource({
    "'', is empty",
    "static, has no variable",
    "$upstream_addr, '$upstream_addr' is not a variable Weir can hash on",
    "${request_uri, '${' without '}'",
    "$, '$' is not a variable name",
    "$http_, '$http_' is not a variable Weir can hash on"
  })
  void unusableExpressionsAreRefusedWithTheReason(String expression, String reason) {
    assertThatThrownBy(() -> HashKey.parse(expression))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(reason);
  }
}
