package dev.weir.dataplane.ratelimit;

import dev.weir.contract.snapshot.RateLimit;
import java.lang.ref.WeakReference;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The rate-limit zones of a data plane, for its lifetime: a snapshot that keeps a route's limits
 * gets the same zone back, so a new snapshot does not hand every client a fresh burst. A zone is
 * held by the policies of the routes that use it; once no compiled snapshot does, it is collected.
 */
public final class RateLimitZones {
  /** How many client addresses one zone tracks at most. */
  public static final int MAX_CLIENTS_PER_ZONE = 65_536;

  private final ConcurrentHashMap<Key, WeakReference<RateLimitZone>> zones =
      new ConcurrentHashMap<>();
  private final LongSupplier millis;
  private final int maxClients;
  private final LongAdder evictions;

  /**
   * @param evictions counts clients dropped from full zones ({@code
   *     weir_ratelimit_evictions_total})
   */
  public RateLimitZones(LongSupplier millis, int maxClients, LongAdder evictions) {
    this.millis = millis;
    this.maxClients = maxClients;
    this.evictions = evictions;
  }

  /** Zones on the monotonic clock, with the default bound. */
  public static RateLimitZones create(LongAdder evictions) {
    return new RateLimitZones(() -> System.nanoTime() / 1_000_000, MAX_CLIENTS_PER_ZONE, evictions);
  }

  /** Zones whose evictions nobody reads (tests, a compile without a data plane). */
  public static RateLimitZones create() {
    return create(new LongAdder());
  }

  /** The zone of {@code limit}: the same instance for the same zone name and limits. */
  public RateLimitZone zone(RateLimit limit) {
    Key key =
        new Key(
            limit.zone(),
            Objects.requireNonNullElse(limit.requestsPerSecond(), 0),
            Objects.requireNonNullElse(limit.requestsPerMinute(), 0),
            Objects.requireNonNullElse(limit.connections(), 0),
            limit.burstMultiplier());
    zones.values().removeIf(ref -> ref.get() == null);
    while (true) {
      WeakReference<RateLimitZone> ref = zones.get(key);
      RateLimitZone zone = ref == null ? null : ref.get();
      if (zone != null) {
        return zone;
      }
      RateLimitZone made =
          new RateLimitZone(
              key.perSecond,
              key.perMinute,
              key.connections,
              key.burst,
              maxClients,
              millis,
              evictions);
      WeakReference<RateLimitZone> fresh = new WeakReference<>(made);
      if (ref == null ? zones.putIfAbsent(key, fresh) == null : zones.replace(key, ref, fresh)) {
        return made;
      }
    }
  }

  public long evictions() {
    return evictions.sum();
  }

  private record Key(String zone, int perSecond, int perMinute, int connections, int burst) {}
}
