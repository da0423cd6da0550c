package dev.weir.dataplane.balance;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;

/** Reads one cookie of a request without decoding all of them. */
public final class RequestCookies {
  private RequestCookies() {}

  /**
   * The value of the first cookie named {@code name} in the Cookie headers (HTTP/2 clients may send
   * several), or null. Values are taken as sent, without the quotes RFC 6265 allows.
   */
  public static String value(HttpHeaders headers, String name) {
    List<String> all = headers.getAll(HttpHeaderNames.COOKIE);
    for (int h = 0; h < all.size(); h++) {
      String header = all.get(h);
      int i = 0;
      int length = header.length();
      while (i < length) {
        while (i < length && (header.charAt(i) == ' ' || header.charAt(i) == ';')) {
          i++;
        }
        int end = header.indexOf(';', i);
        if (end < 0) {
          end = length;
        }
        int eq = header.indexOf('=', i);
        if (eq > i
            && eq < end
            && eq - i == name.length()
            && header.regionMatches(i, name, 0, name.length())) {
          String value = header.substring(eq + 1, end).trim();
          if (value.length() >= 2 && value.charAt(0) == '"' && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1);
          }
          return value;
        }
        i = end + 1;
      }
    }
    return null;
  }
}
