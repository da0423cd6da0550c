package dev.weir.dataplane.proxy.policy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The backend an affinity cookie of a route with a canary was issued for: its value ends with
 * {@code |} and the backend's tag, the hex MD5 of the backend id (ingress-nginx's {@code
 * value|backend_key}), so a session stays on the canary or off it.
 */
final class BackendTags {
  static final char SEPARATOR = '|';

  private BackendTags() {}

  static String of(String backendId) {
    try {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      return HexFormat.of().formatHex(md5.digest(backendId.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is a required JDK algorithm", e);
    }
  }

  /** The tag a cookie value carries, or null. */
  static String tagOf(String cookie) {
    if (cookie == null) {
      return null;
    }
    int bar = cookie.lastIndexOf(SEPARATOR);
    return bar < 0 ? null : cookie.substring(bar + 1);
  }

  /** A cookie value without its tag. */
  static String valueOf(String cookie) {
    int bar = cookie.lastIndexOf(SEPARATOR);
    return bar < 0 ? cookie : cookie.substring(0, bar);
  }
}
