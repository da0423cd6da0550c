package dev.weir.dataplane.extauth;

import dev.weir.contract.snapshot.AuthCacheValidity;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Auth responses remembered per evaluated {@code auth-cache-key}, as nginx's {@code proxy_cache}
 * does for the auth location: only statuses {@code auth-cache-duration} lists, for as long as it
 * says, unless the response forbids it (nginx's defaults: {@code Set-Cookie}, {@code Cache-Control:
 * no-cache, no-store, private}, {@code max-age=0}; a positive {@code max-age} sets the time).
 *
 * <p>Per route and data plane, and bounded: a key is whatever a client sends (a cookie, a header),
 * so a client making up keys must not grow memory. At the bound, expired entries go, and if that is
 * not enough, all: the cost is sub-requests, never a wrong answer.
 */
final class AuthCache {
  static final int MAX_ENTRIES = 10_000;
  private static final Pattern MAX_AGE = Pattern.compile("max-age=(\\d+)");

  private record Entry(AuthResponse response, long expiresNanos) {}

  private final List<AuthCacheValidity> validity;
  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

  AuthCache(List<AuthCacheValidity> validity) {
    this.validity = List.copyOf(validity);
  }

  /** The response remembered for {@code key}, or null. */
  AuthResponse get(String key, long nowNanos) {
    Entry e = entries.get(key);
    if (e == null) {
      return null;
    }
    if (e.expiresNanos - nowNanos <= 0) {
      entries.remove(key, e);
      return null;
    }
    return e.response;
  }

  void offer(String key, AuthResponse response, long nowNanos) {
    long millis = millisFor(response);
    if (millis <= 0) {
      return;
    }
    if (entries.size() >= MAX_ENTRIES) {
      entries.values().removeIf(e -> e.expiresNanos - nowNanos <= 0);
      if (entries.size() >= MAX_ENTRIES) {
        entries.clear();
      }
    }
    entries.put(key, new Entry(response, nowNanos + TimeUnit.MILLISECONDS.toNanos(millis)));
  }

  int size() {
    return entries.size();
  }

  /** How long {@code response} may be remembered; 0: not at all. */
  long millisFor(AuthResponse response) {
    AuthCacheValidity covering = null;
    for (AuthCacheValidity v : validity) {
      if (v.covers(response.status())) {
        covering = v;
        break;
      }
    }
    if (covering == null || response.headers().contains(HttpHeaderNames.SET_COOKIE)) {
      return 0;
    }
    String control = String.join(",", response.headers().getAll(HttpHeaderNames.CACHE_CONTROL));
    control = control.toLowerCase(Locale.ROOT);
    if (control.contains("no-cache")
        || control.contains("no-store")
        || control.contains("private")) {
      return 0;
    }
    Matcher maxAge = MAX_AGE.matcher(control);
    if (maxAge.find()) {
      try {
        return TimeUnit.SECONDS.toMillis(Long.parseLong(maxAge.group(1)));
      } catch (NumberFormatException huge) {
        return covering.millis();
      }
    }
    return covering.millis();
  }
}
