package dev.weir.dataplane.ratelimit;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The counters of one rate-limit zone (ingress-nginx makes one per Ingress), per client address:
 * nginx's {@code limit_req} leaky buckets, as ingress-nginx configures them ({@code burst = rate ×
 * limit-burst-multiplier}, {@code nodelay}: a request within the burst passes at once, one beyond
 * it is refused, never queued), and {@code limit_conn}'s count of requests in progress.
 *
 * <p>Memory is bounded: at most {@code maxClients} addresses are tracked; past that, clients whose
 * buckets have drained are dropped first, then any (counted as evictions). nginx does the same when
 * its shared zone is full, dropping the least recently used states. A dropped client starts again
 * with an empty bucket, which errs on letting it through.
 */
public final class RateLimitZone {
  private final long perSecondMilli;
  private final long perMinuteMilli;
  private final long burstSecondMilli;
  private final long burstMinuteMilli;
  private final int connections;
  private final int maxClients;
  private final LongSupplier millis;
  private final LongAdder evictions;
  private final ConcurrentHashMap<String, Client> clients = new ConcurrentHashMap<>();

  /**
   * @param requestsPerSecond 0: none
   * @param requestsPerMinute 0: none
   * @param connections requests in progress per client; 0: no limit
   * @param burstMultiplier the burst is each rate times this
   */
  RateLimitZone(
      int requestsPerSecond,
      int requestsPerMinute,
      int connections,
      int burstMultiplier,
      int maxClients,
      LongSupplier millis,
      LongAdder evictions) {
    // nginx's units: rates and excesses in thousandths of a request.
    this.perSecondMilli = requestsPerSecond * 1000L;
    this.perMinuteMilli = requestsPerMinute * 1000L / 60;
    this.burstSecondMilli = (long) requestsPerSecond * burstMultiplier * 1000L;
    this.burstMinuteMilli = (long) requestsPerMinute * burstMultiplier * 1000L;
    this.connections = connections;
    this.maxClients = maxClients;
    this.millis = millis;
    this.evictions = evictions;
  }

  /** Whether this zone counts requests in progress, which then must be {@link #release}d. */
  public boolean limitsConnections() {
    return connections > 0;
  }

  /**
   * Counts a request of {@code client}: false when a limit refuses it (then nothing is counted).
   * When it is accepted and {@link #limitsConnections()}, {@link #release} must follow its end.
   */
  public boolean tryAcquire(String client) {
    Client state = clients.get(client);
    if (state == null) {
      if (clients.size() >= maxClients) {
        evict();
      }
      state = clients.computeIfAbsent(client, c -> new Client());
    }
    long now = millis.getAsLong();
    synchronized (state) {
      if (connections > 0 && state.inProgress >= connections) {
        return false;
      }
      // limit_req: excess = excess - rate × elapsed + 1 request; above the burst: refused. All
      // limits must pass before any is charged, as nginx accounts them.
      long second = perSecondMilli > 0 ? excess(state.secondExcess, perSecondMilli, state, now) : 0;
      long minute = perMinuteMilli > 0 ? excess(state.minuteExcess, perMinuteMilli, state, now) : 0;
      if (second > burstSecondMilli || minute > burstMinuteMilli) {
        return false;
      }
      state.secondExcess = second;
      state.minuteExcess = minute;
      state.last = now;
      if (connections > 0) {
        state.inProgress++;
      }
      return true;
    }
  }

  /** The end of a request {@link #tryAcquire} accepted, when the zone counts connections. */
  public void release(String client) {
    Client state = clients.get(client);
    if (state != null) {
      synchronized (state) {
        if (state.inProgress > 0) {
          state.inProgress--;
        }
      }
    }
  }

  private static long excess(long previous, long rate, Client state, long now) {
    if (state.last < 0) {
      return 0; // a new client: nginx starts its state with no excess
    }
    long elapsed = Math.max(0, now - state.last);
    return Math.max(0, previous - rate * elapsed / 1000 + 1000);
  }

  /** Drops drained clients, then any, until there is room for one more. */
  private void evict() {
    long now = millis.getAsLong();
    for (int pass = 0; pass < 2 && clients.size() >= maxClients; pass++) {
      Iterator<Client> it = clients.values().iterator();
      while (it.hasNext() && clients.size() >= maxClients) {
        Client c = it.next();
        if (pass == 1 || c.drained(now, perSecondMilli, perMinuteMilli)) {
          it.remove();
          evictions.increment();
        }
      }
    }
  }

  int trackedClients() {
    return clients.size();
  }

  private static final class Client {
    long secondExcess;
    long minuteExcess;
    long last = -1;
    int inProgress;

    synchronized boolean drained(long now, long perSecond, long perMinute) {
      if (inProgress > 0) {
        return false;
      }
      long elapsed = now - last;
      return (perSecond == 0 || secondExcess <= perSecond * elapsed / 1000)
          && (perMinute == 0 || minuteExcess <= perMinute * elapsed / 1000);
    }
  }
}
