package dev.weir.dataplane.proxy.policy;

import dev.weir.contract.host.HostName;
import dev.weir.contract.snapshot.HeaderRewrite;
import dev.weir.contract.snapshot.ProxyHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A route's proxy headers as nginx's proxy module and headers-more write them: the Host sent to the
 * pods ({@code proxy_set_header Host}), response headers set ({@code more_set_headers}), the
 * Location and Refresh headers rewritten ({@code proxy_redirect}) and the Domain and Path of
 * Set-Cookie ({@code proxy_cookie_domain}, {@code proxy_cookie_path}).
 */
public final class ProxyHeaderRewrites implements RequestPolicy, ResponseHook {
  private static final AsciiString REFRESH = AsciiString.cached("refresh");

  private final AsciiString host;
  private final List<Map.Entry<AsciiString, String>> responseHeaders;
  private final Rewrite redirect;
  private final Rewrite cookieDomain;
  private final Rewrite cookiePath;
  private final boolean amends;

  public ProxyHeaderRewrites(ProxyHeaders headers) {
    this.host = headers.host() == null ? null : AsciiString.of(headers.host());
    List<Map.Entry<AsciiString, String>> set = new ArrayList<>();
    headers
        .setResponseHeaders()
        .forEach((name, value) -> set.add(Map.entry(AsciiString.of(name), value)));
    this.responseHeaders = List.copyOf(set);
    this.redirect = Rewrite.of(headers.redirect(), false);
    this.cookieDomain = Rewrite.of(headers.cookieDomain(), true);
    this.cookiePath = Rewrite.of(headers.cookiePath(), false);
    this.amends = headers.changesResponses();
  }

  @Override
  public LocalResponse apply(ProxiedRequest request) {
    if (host != null) {
      request.headers().set(HttpHeaderNames.HOST, host);
    }
    if (redirect != null) {
      // A Location made relative by the rewrite is made absolute with the request's scheme and
      // host, as nginx's absolute_redirect does (ingress-nginx leaves the port out).
      String scheme = request.https() ? "https://" : "http://";
      String authority = request.host() == null ? null : HostName.ofAuthority(request.host());
      request.onResponse(
          response -> amend(response, authority == null ? null : scheme + authority));
    } else if (amends) {
      request.onResponse(this);
    }
    return null;
  }

  @Override
  public void amend(HttpResponse response) {
    amend(response, null);
  }

  private void amend(HttpResponse response, String origin) {
    HttpHeaders headers = response.headers();
    if (redirect != null) {
      String location = headers.get(HttpHeaderNames.LOCATION);
      if (location != null) {
        String rewritten = redirect.prefix(location, 0);
        if (rewritten != null) {
          headers.set(
              HttpHeaderNames.LOCATION,
              origin != null && rewritten.startsWith("/") ? origin + rewritten : rewritten);
        }
      }
      String refresh = headers.get(REFRESH);
      if (refresh != null) {
        int url = refresh.toLowerCase(Locale.ROOT).indexOf("url=");
        String rewritten = url < 0 ? null : redirect.prefix(refresh, url + 4);
        if (rewritten != null) {
          headers.set(REFRESH, rewritten);
        }
      }
    }
    if (cookieDomain != null || cookiePath != null) {
      List<String> cookies = headers.getAll(HttpHeaderNames.SET_COOKIE);
      if (!cookies.isEmpty()) {
        List<String> rewritten = new ArrayList<>(cookies.size());
        boolean changed = false;
        for (String cookie : cookies) {
          String next = rewriteCookie(cookie);
          changed |= !next.equals(cookie);
          rewritten.add(next);
        }
        if (changed) {
          headers.set(HttpHeaderNames.SET_COOKIE, rewritten);
        }
      }
    }
    for (Map.Entry<AsciiString, String> e : responseHeaders) {
      headers.set(e.getKey(), e.getValue());
    }
  }

  /**
   * {@code cookie} with its Domain and Path attributes rewritten (the first pair is the cookie).
   */
  private String rewriteCookie(String cookie) {
    StringBuilder out = null;
    int start = cookie.indexOf(';');
    int copied = 0;
    while (start >= 0) {
      int end = cookie.indexOf(';', start + 1);
      int stop = end < 0 ? cookie.length() : end;
      int equals = cookie.indexOf('=', start + 1);
      if (equals >= 0 && equals < stop) {
        String name = cookie.substring(start + 1, equals).strip();
        int valueStart = equals + 1;
        while (valueStart < stop && cookie.charAt(valueStart) == ' ') {
          valueStart++;
        }
        int valueEnd = stop;
        while (valueEnd > valueStart && cookie.charAt(valueEnd - 1) == ' ') {
          valueEnd--;
        }
        String value = cookie.substring(valueStart, valueEnd);
        String next = null;
        if (cookieDomain != null && name.equalsIgnoreCase("domain")) {
          next = cookieDomain.domain(value);
        } else if (cookiePath != null && name.equalsIgnoreCase("path")) {
          next = cookiePath.prefix(value, 0);
        }
        if (next != null) {
          if (out == null) {
            out = new StringBuilder(cookie.length() + 16);
          }
          out.append(cookie, copied, valueStart).append(next);
          copied = valueEnd;
        }
      }
      start = end;
    }
    return out == null ? cookie : out.append(cookie, copied, cookie.length()).toString();
  }

  /** One rewrite, compiled: a literal {@code from}, or a pattern for nginx's {@code ~} forms. */
  private record Rewrite(String from, Pattern pattern, String to) {
    static Rewrite of(HeaderRewrite rewrite, boolean caseless) {
      if (rewrite == null) {
        return null;
      }
      String from = rewrite.from();
      if (!rewrite.regex()) {
        // nginx drops a leading dot of proxy_cookie_domain's domain; the cookie's is kept aside.
        return new Rewrite(
            caseless && from.startsWith(".") ? from.substring(1) : from, null, rewrite.to());
      }
      boolean star = from.startsWith("~*");
      int flags = caseless || star ? Pattern.CASE_INSENSITIVE : 0;
      return new Rewrite(null, Pattern.compile(from.substring(star ? 2 : 1), flags), rewrite.to());
    }

    /**
     * {@code value} with the prefix at {@code at} replaced (a regular expression matching anywhere
     * after {@code at} replaces all of it), or null when it does not match.
     */
    String prefix(String value, int at) {
      if (pattern != null) {
        Matcher m = pattern.matcher(value);
        return m.find(at) ? value.substring(0, at) + to : null;
      }
      if (!value.startsWith(from, at)) {
        return null;
      }
      return value.substring(0, at) + to + value.substring(at + from.length());
    }

    /** A cookie's Domain: the whole name, case-insensitively, after a leading dot. */
    String domain(String value) {
      if (pattern != null) {
        return pattern.matcher(value).find() ? to : null;
      }
      int at = value.startsWith(".") ? 1 : 0;
      if (value.length() - at != from.length()
          || !value.regionMatches(true, at, from, 0, from.length())) {
        return null;
      }
      return value.substring(0, at) + to;
    }
  }

  @Override
  public String toString() {
    return "ProxyHeaderRewrites[host="
        + host
        + ", responseHeaders="
        + responseHeaders.size()
        + ", redirect="
        + redirect
        + ", cookieDomain="
        + cookieDomain
        + ", cookiePath="
        + cookiePath
        + "]";
  }
}
