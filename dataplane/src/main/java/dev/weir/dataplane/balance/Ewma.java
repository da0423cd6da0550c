package dev.weir.dataplane.balance;

import dev.weir.contract.snapshot.Endpoint;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * ingress-nginx's {@code ewma} balancer: of two endpoints picked at random, the one with the lower
 * score gets the request. The score is the endpoint's exponentially weighted moving average of
 * response times, decaying towards zero with a 10 s time constant (so an endpoint that was slow is
 * tried again after a while), times one plus its requests in flight: the in-flight penalty of
 * Finagle's peak EWMA, which ingress-nginx's comment leaves as a to-do, and which keeps a burst
 * from all landing on the endpoint that was fastest a moment ago.
 *
 * <p>The statistics belong to one backend version: a snapshot that changes the backend's endpoints
 * starts them from zero.
 */
public final class Ewma implements EndpointSelector, LatencyFeedback {
  static final double DECAY_NANOS = 10e9;

  private final BackendEndpoints endpoints;
  private final Map<Endpoint, Stats> stats;
  private final LongSupplier clock;

  public Ewma(BackendEndpoints endpoints) {
    this(endpoints, System::nanoTime);
  }

  Ewma(BackendEndpoints endpoints, LongSupplier clock) {
    this.endpoints = endpoints;
    this.clock = clock;
    Map<Endpoint, Stats> map = new HashMap<>();
    for (Endpoint e : endpoints.candidates()) {
      map.put(e, new Stats(clock.getAsLong()));
    }
    this.stats = Map.copyOf(map);
  }

  /** An endpoint's moving average and requests in flight. */
  private static final class Stats {
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicReference<Average> average;

    Stats(long now) {
      average = new AtomicReference<>(new Average(0, now));
    }
  }

  /** A moving average of milliseconds, as of {@code touchedNanos}. */
  private record Average(double millis, long touchedNanos) {
    Average decayed(double sampleMillis, long now) {
      double weight = Math.exp(-Math.max(0, now - touchedNanos) / DECAY_NANOS);
      return new Average(millis * weight + sampleMillis * (1 - weight), now);
    }
  }

  @Override
  public Endpoint select(HttpHeaders requestHeaders, Set<Endpoint> tried) {
    List<Endpoint> candidates = endpoints.eligible();
    int size = candidates.size();
    if (size == 0) {
      return null;
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int start = random.nextInt(size);
    Endpoint first = null;
    Endpoint second = null;
    int from = 0;
    // The first untried endpoint from a random start, then the next untried one from a random
    // offset after it.
    for (int i = 0; i < size && first == null; i++) {
      from = (start + i) % size;
      Endpoint e = candidates.get(from);
      if (!tried.contains(e)) {
        first = e;
      }
    }
    if (first == null) {
      // Every endpoint not ejected was tried: an ejected one beats none.
      return candidates == endpoints.candidates() ? null : endpoints.randomExcept(tried);
    }
    if (size > 1) {
      int offset = 1 + random.nextInt(size - 1);
      for (int i = 0; i < size - 1 && second == null; i++) {
        Endpoint e = candidates.get((from + offset + i) % size);
        if (e != first && !tried.contains(e)) {
          second = e;
        }
      }
    }
    if (second == null) {
      return first;
    }
    long now = clock.getAsLong();
    return score(second, now) < score(first, now) ? second : first;
  }

  double score(Endpoint e, long now) {
    Stats s = stats.get(e);
    return (s.average.get().decayed(0, now).millis() + 1) * (s.inFlight.get() + 1);
  }

  @Override
  public void started(Endpoint endpoint) {
    Stats s = stats.get(endpoint);
    if (s != null) {
      s.inFlight.incrementAndGet();
    }
  }

  @Override
  public void ended(Endpoint endpoint, long nanos) {
    Stats s = stats.get(endpoint);
    if (s == null) {
      return;
    }
    s.inFlight.decrementAndGet();
    long now = clock.getAsLong();
    double sample = nanos / 1e6;
    s.average.updateAndGet(a -> a.decayed(sample, now));
  }

  @Override
  public boolean hasEndpoints() {
    return !endpoints.candidates().isEmpty();
  }
}
