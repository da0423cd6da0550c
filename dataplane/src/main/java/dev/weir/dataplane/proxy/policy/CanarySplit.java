package dev.weir.dataplane.proxy.policy;

import com.google.re2j.Pattern;
import dev.weir.contract.snapshot.Affinity;
import dev.weir.contract.snapshot.Canary;
import dev.weir.dataplane.balance.RequestCookies;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A route's canary: sends a request to the canary's backend instead of the route's, decided as
 * ingress-nginx's balancer decides for its alternative backend ({@code
 * route_to_alternative_balancer}):
 *
 * <ol>
 *   <li>a session cookie of the route's affinity issued for one of the two backends keeps the
 *       request there;
 *   <li>the canary header: with a value given, that value sends to the canary; else with a pattern,
 *       a match anywhere in the header; else {@code always} sends to the canary and {@code never}
 *       keeps the route's backend, whatever follows; any other value is ignored;
 *   <li>the canary cookie: {@code always} or {@code never}, anything else ignored;
 *   <li>{@code weight} out of the total of what remains, at random.
 * </ol>
 *
 * Runs before every policy that depends on the backend (affinity, timeouts). Routes without a
 * canary have no such policy.
 */
public final class CanarySplit implements RequestPolicy {
  private static final String ALWAYS = "always";
  private static final String NEVER = "never";

  private final String backend;
  private final String header;
  private final String headerValue;
  private final Pattern headerPattern;
  private final String cookie;
  private final int weight;
  private final int total;
  private final String affinityCookie;
  private final String routeTag;
  private final String canaryTag;

  /**
   * @param routeBackend the route's own backend
   * @param affinity the route's affinity, or null: its cookie is read first
   */
  public CanarySplit(Canary canary, String routeBackend, Affinity affinity) {
    this.backend = canary.backend();
    this.header = canary.header();
    this.headerValue = canary.headerValue();
    this.headerPattern =
        canary.headerPattern() == null ? null : Pattern.compile(canary.headerPattern());
    this.cookie = canary.cookie();
    this.weight = canary.weight();
    this.total = canary.totalWeight();
    this.affinityCookie = affinity == null ? null : affinity.cookieName();
    this.routeTag = BackendTags.of(routeBackend);
    this.canaryTag = BackendTags.of(backend);
  }

  /** The tags affinity cookies of a route with {@code canary} carry, by backend id. */
  public static Map<String, String> backendTags(Canary canary, String routeBackend) {
    return Map.of(
        routeBackend,
        BackendTags.of(routeBackend),
        canary.backend(),
        BackendTags.of(canary.backend()));
  }

  @Override
  public LocalResponse apply(ProxiedRequest request) {
    if (toCanary(request.headers())) {
      request.useBackend(backend);
    }
    return null;
  }

  private boolean toCanary(HttpHeaders headers) {
    if (affinityCookie != null) {
      String tag = BackendTags.tagOf(RequestCookies.value(headers, affinityCookie));
      if (tag != null) {
        if (tag.equals(routeTag)) {
          return false;
        }
        if (tag.equals(canaryTag)) {
          return true;
        }
      }
    }
    if (header != null) {
      String value = headerValue(headers);
      if (value != null) {
        if (headerValue != null) {
          if (headerValue.equals(value)) {
            return true;
          }
        } else if (headerPattern != null) {
          if (headerPattern.matcher(value).find()) {
            return true;
          }
        } else if (ALWAYS.equals(value)) {
          return true;
        } else if (NEVER.equals(value)) {
          return false;
        }
      }
    }
    if (cookie != null) {
      String value = RequestCookies.value(headers, cookie);
      if (ALWAYS.equals(value)) {
        return true;
      }
      if (NEVER.equals(value)) {
        return false;
      }
    }
    return weight > 0 && (weight >= total || ThreadLocalRandom.current().nextInt(total) < weight);
  }

  /** The header as nginx's {@code $http_name} gives it: several lines joined with ", ". */
  private String headerValue(HttpHeaders headers) {
    List<String> all = headers.getAll(header);
    if (all.isEmpty()) {
      return null;
    }
    return all.size() == 1 ? all.get(0) : String.join(", ", all);
  }

  @Override
  public String toString() {
    return "CanarySplit[" + backend + "]";
  }
}
