package dev.weir.dataplane.proxy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestPoliciesTest {
  private static RequestPolicy recording(List<String> ran, String name, LocalResponse answer) {
    return request -> {
      ran.add(name);
      return answer;
    };
  }

  @Test
  void noPoliciesIsOneSharedInstanceThatLetsEveryRequestThrough() {
    assertThat(RequestPolicies.of(List.of())).isSameAs(RequestPolicies.NONE);
    assertThat(RequestPolicies.NONE.isEmpty()).isTrue();
    assertThat(RequestPolicies.NONE.apply(new TestRequest())).isNull();
  }

  @Test
  void policiesRunInOrderUntilOneAnswers() {
    List<String> ran = new ArrayList<>();
    LocalResponse unauthorized = LocalResponse.text(HttpResponseStatus.UNAUTHORIZED);
    RequestPolicies policies =
        RequestPolicies.of(
            List.of(
                recording(ran, "header", null),
                recording(ran, "auth", unauthorized),
                recording(ran, "never", null)));

    assertThat(policies.apply(new TestRequest())).isSameAs(unauthorized);
    assertThat(ran).containsExactly("header", "auth");
  }

  @Test
  void aRequestNoPolicyAnswersIsProxiedAfterAllOfThemRan() {
    List<String> ran = new ArrayList<>();
    RequestPolicies policies =
        RequestPolicies.of(List.of(recording(ran, "a", null), recording(ran, "b", null)));

    assertThat(policies.apply(new TestRequest())).isNull();
    assertThat(ran).containsExactly("a", "b");
  }

  @Test
  void thenAppendsARulesPoliciesToAHostsAndKeepsNoneFree() {
    List<String> ran = new ArrayList<>();
    RequestPolicies host = RequestPolicies.of(List.of(recording(ran, "host", null)));
    RequestPolicies rule = RequestPolicies.of(List.of(recording(ran, "rule", null)));

    host.then(rule).apply(new TestRequest());

    assertThat(ran).containsExactly("host", "rule");
    assertThat(host.then(RequestPolicies.NONE)).isSameAs(host);
    assertThat(RequestPolicies.NONE.then(rule)).isSameAs(rule);
  }

  @Test
  void theEdgePoliciesAreTheForwardedHeadersThenTheRequestId() {
    assertThat(RequestPolicies.EDGE.asList())
        .containsExactly(ForwardedHeaders.INSTANCE, RequestId.INSTANCE);
  }
}
