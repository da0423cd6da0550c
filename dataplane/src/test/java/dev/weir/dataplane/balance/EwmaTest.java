package dev.weir.dataplane.balance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Endpoint;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EwmaTest {
  private static final Endpoint SLOW = Endpoint.ready("10.0.0.1", 80);
  private static final Endpoint FAST = Endpoint.ready("10.0.0.2", 80);
  private static final long MS = 1_000_000;

  private final AtomicLong now = new AtomicLong(1_000 * MS);
  private final Ewma ewma = new Ewma(new BackendEndpoints("b", List.of(SLOW, FAST)), now::get);

  private void respond(Endpoint e, long millis) {
    ewma.started(e);
    now.addAndGet(millis * MS);
    ewma.ended(e, millis * MS);
  }

  private int picks(Endpoint e) {
    int count = 0;
    for (int i = 0; i < 100; i++) {
      if (ewma.select(EmptyHttpHeaders.INSTANCE, Set.of()).equals(e)) {
        count++;
      }
    }
    return count;
  }

  @Test
  void ofTwoEndpointsTheOneWithTheLowerResponseTimeAverageGetsTheRequests() {
    for (int i = 0; i < 5; i++) {
      respond(SLOW, 200);
      respond(FAST, 10);
    }
    assertThat(picks(FAST)).isEqualTo(100);
  }

  @Test
  void requestsInFlightMakeAFastEndpointLessAttractive() {
    for (int i = 0; i < 5; i++) {
      respond(SLOW, 40);
      respond(FAST, 10);
    }
    for (int i = 0; i < 10; i++) {
      ewma.started(FAST);
    }
    assertThat(picks(SLOW)).isEqualTo(100);
    for (int i = 0; i < 10; i++) {
      ewma.ended(FAST, 10 * MS);
    }
    assertThat(picks(FAST)).isEqualTo(100);
  }

  @Test
  void aSlowEndpointsAverageDecaysSoItIsTriedAgain() {
    respond(SLOW, 500);
    respond(FAST, 10);
    double slowBefore = ewma.score(SLOW, now.get());
    now.addAndGet(60_000 * MS);
    assertThat(ewma.score(SLOW, now.get())).isLessThan(slowBefore / 10);
  }

  @Test
  void triedEndpointsAreNeverPickedAgain() {
    assertThat(ewma.select(EmptyHttpHeaders.INSTANCE, Set.of(SLOW))).isEqualTo(FAST);
    assertThat(ewma.select(EmptyHttpHeaders.INSTANCE, Set.of(SLOW, FAST))).isNull();
  }
}
