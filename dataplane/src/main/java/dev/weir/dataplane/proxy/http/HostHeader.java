package dev.weir.dataplane.proxy.http;

/** Syntax of a Host header or :authority (RFC 9110 §7.2: uri-host [ ":" port ]). */
final class HostHeader {
  private HostHeader() {}

  static boolean isValidAuthority(String authority) {
    if (authority.isEmpty()) {
      return false;
    }
    int i = 0;
    int n = authority.length();
    if (authority.charAt(0) == '[') {
      int close = authority.indexOf(']');
      if (close < 0) {
        return false;
      }
      for (i = 1; i < close; i++) {
        char c = authority.charAt(i);
        if (!(isHex(c) || c == ':' || c == '.')) {
          return false;
        }
      }
      i = close + 1;
    } else {
      for (; i < n && authority.charAt(i) != ':'; i++) {
        char c = authority.charAt(i);
        if (!(Character.isLetterOrDigit(c) && c < 0x80
            || c == '-'
            || c == '.'
            || c == '_'
            || c == '~'
            || c == '%'
            || c == '!'
            || c == '$'
            || c == '&'
            || c == '\''
            || c == '('
            || c == ')'
            || c == '*'
            || c == '+'
            || c == ','
            || c == ';'
            || c == '=')) {
          return false;
        }
      }
    }
    if (i < n) {
      if (authority.charAt(i) != ':') {
        return false;
      }
      String port = authority.substring(i + 1);
      if (port.length() > 5) {
        return false;
      }
      for (int p = 0; p < port.length(); p++) {
        if (port.charAt(p) < '0' || port.charAt(p) > '9') {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean isHex(char c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
  }
}
