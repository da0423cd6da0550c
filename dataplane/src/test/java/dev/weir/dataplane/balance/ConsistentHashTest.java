package dev.weir.dataplane.balance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Endpoint;
import dev.weir.contract.snapshot.HashKey;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConsistentHashTest {
  private static List<Endpoint> pods(int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> Endpoint.ready("10.0.0." + (i + 1), 8080))
        .toList();
  }

  private static BackendEndpoints endpoints(List<Endpoint> pods) {
    return new BackendEndpoints("shop/web:80", pods);
  }

  @Test
  void theSameKeyReachesTheSameEndpointOnEveryRingBuiltFromTheSameEndpoints() {
    List<Endpoint> shuffled = new ArrayList<>(pods(10));
    Collections.shuffle(shuffled, new Random(7));
    HashRing one = endpoints(pods(10)).ring();
    HashRing other = endpoints(shuffled).ring();
    for (int i = 0; i < 1000; i++) {
      assertThat(other.locate("user-" + i)).isEqualTo(one.locate("user-" + i));
    }
  }

  @Test
  void addingAnEleventhEndpointToTenMovesAboutATenthOfTheKeysAllOntoIt() {
    List<Endpoint> ten = pods(10);
    List<Endpoint> eleven = pods(11);
    HashRing before = endpoints(ten).ring();
    HashRing after = endpoints(eleven).ring();
    int moved = 0;
    for (int i = 0; i < 1000; i++) {
      Endpoint was = before.locate("user-" + i);
      Endpoint is = after.locate("user-" + i);
      if (!was.equals(is)) {
        moved++;
        assertThat(is).isEqualTo(eleven.get(10));
      }
    }
    // An eleventh is 91 keys; the bound leaves room for the ring's unevenness.
    assertThat(moved).isBetween(30, 200);
  }

  @Test
  void keysSpreadOverEveryEndpoint() {
    HashRing ring = endpoints(pods(10)).ring();
    int[] counts = new int[10];
    for (int i = 0; i < 10_000; i++) {
      String address = ring.locate("key-" + i).address();
      counts[Integer.parseInt(address.substring(address.lastIndexOf('.') + 1)) - 1]++;
    }
    // 1000 each if perfectly even.
    assertThat(IntStream.of(counts).min().orElseThrow()).isGreaterThan(600);
    assertThat(IntStream.of(counts).max().orElseThrow()).isLessThan(1500);
  }

  @Test
  void aFailedEndpointIsSkippedForTheNextOneOnTheRing() {
    BackendEndpoints endpoints = endpoints(pods(3));
    ConsistentHash hash = new ConsistentHash(HashKey.parse("$http_x_user"), endpoints);
    HttpHeaders headers = new DefaultHttpHeaders().set("x-user", "alice");
    Endpoint first = hash.select(new Request(headers), Set.of());
    Endpoint second = hash.select(new Request(headers), Set.of(first));
    assertThat(second).isNotNull().isNotEqualTo(first);
    assertThat(hash.select(new Request(headers), Set.copyOf(pods(3)))).isNull();
  }

  static Stream<Arguments> keys() {
    return Stream.of(
        Arguments.of("$request_uri", "/cart?id=1&Lang=de"),
        Arguments.of("$uri", "/cart"),
        Arguments.of("$args", "id=1&Lang=de"),
        Arguments.of("$remote_addr", "192.0.2.7"),
        Arguments.of("$host", "shop.example.com"),
        Arguments.of("$scheme://$host", "https://shop.example.com"),
        Arguments.of("$request_method", "POST"),
        Arguments.of("$http_x_user", "alice"),
        Arguments.of("$http_x_missing", ""),
        Arguments.of("$cookie_session", "abc"),
        Arguments.of("$arg_id", "1"),
        Arguments.of("$arg_lang", "de"),
        Arguments.of("$arg_none", ""),
        Arguments.of("user:${http_x_user}-$arg_id", "user:alice-1"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("keys")
  void theKeyIsBuiltFromTheRequestAsNginxVariablesRead(String expression, String key) {
    HttpHeaders headers =
        new DefaultHttpHeaders().set("x-user", "alice").set("cookie", "theme=dark; session=abc");
    ConsistentHash hash = new ConsistentHash(HashKey.parse(expression), endpoints(pods(2)));
    assertThat(hash.keyOf(new Request(headers))).isEqualTo(key);
  }

  private record Request(HttpHeaders headers) implements BalancedRequest {
    @Override
    public HttpMethod method() {
      return HttpMethod.POST;
    }

    @Override
    public String host() {
      return "Shop.Example.com:8443";
    }

    @Override
    public String path() {
      return "/cart";
    }

    @Override
    public String target() {
      return "/cart?id=1&Lang=de";
    }

    @Override
    public String clientAddress() {
      return "192.0.2.7";
    }

    @Override
    public boolean https() {
      return true;
    }
  }
}
