package dev.weir.dataplane.balance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Endpoint;
import dev.weir.contract.snapshot.EndpointState;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoundRobinTest {
  static final Endpoint A = Endpoint.ready("10.0.0.1", 80);
  static final Endpoint B = Endpoint.ready("10.0.0.2", 80);
  static final Endpoint C = Endpoint.ready("10.0.0.3", 80);
  static final Endpoint T = new Endpoint("10.0.0.4", 80, EndpointState.TERMINATING);
  static final Endpoint N = new Endpoint("10.0.0.5", 80, EndpointState.NOT_READY);

  static List<Endpoint> pick(RoundRobin rr, int times) {
    List<Endpoint> picked = new ArrayList<>();
    for (int i = 0; i < times; i++) {
      picked.add(rr.select(EmptyHttpHeaders.INSTANCE, Set.of()));
    }
    return picked;
  }

  @Test
  void rotatesOverReadyEndpointsOnly() {
    assertThat(pick(new RoundRobin(List.of(A, T, B, N, C)), 6)).containsExactly(A, B, C, A, B, C);
  }

  @Test
  void fallsBackToTerminatingWhenNoneIsReady() {
    assertThat(pick(new RoundRobin(List.of(T, N)), 2)).containsExactly(T, T);
  }

  @Test
  void hasNothingWhenAllAreNotReady() {
    RoundRobin rr = new RoundRobin(List.of(N));
    assertThat(rr.hasEndpoints()).isFalse();
    assertThat(rr.select(EmptyHttpHeaders.INSTANCE, Set.of())).isNull();
  }

  @Test
  void skipsEndpointsAlreadyTried() {
    RoundRobin rr = new RoundRobin(List.of(A, B));
    assertThat(rr.select(EmptyHttpHeaders.INSTANCE, Set.of(A))).isEqualTo(B);
    assertThat(rr.select(EmptyHttpHeaders.INSTANCE, Set.of(A))).isEqualTo(B);
    assertThat(rr.select(EmptyHttpHeaders.INSTANCE, Set.of(A, B))).isNull();
  }
}
