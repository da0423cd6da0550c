package dev.weir.dataplane.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Poul-Henning Kamp's MD5-based crypt: {@code $1$} (FreeBSD, glibc) and Apache's {@code $apr1$}
 * (htpasswd's {@code -m}), which differ only in their magic. Written from the reference
 * implementation ({@code crypt-md5.c}); no library on Maven Central that Weir already uses has it.
 */
final class Md5Crypt {
  private static final String ITOA64 =
      "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  private Md5Crypt() {}

  /**
   * The crypt string of {@code password} with the magic and salt of {@code setting} ({@code
   * $apr1$salt$...} or {@code $1$salt$...}; what follows the salt is ignored).
   */
  static String crypt(byte[] password, String setting) {
    String magic = setting.startsWith("$apr1$") ? "$apr1$" : "$1$";
    String rest = setting.substring(magic.length());
    int end = rest.indexOf('$');
    String salt = end < 0 ? rest : rest.substring(0, end);
    if (salt.length() > 8) {
      salt = salt.substring(0, 8);
    }
    byte[] saltBytes = salt.getBytes(StandardCharsets.US_ASCII);

    MessageDigest ctx = md5();
    ctx.update(password);
    ctx.update(magic.getBytes(StandardCharsets.US_ASCII));
    ctx.update(saltBytes);
    MessageDigest alt = md5();
    alt.update(password);
    alt.update(saltBytes);
    alt.update(password);
    byte[] fin = alt.digest();
    for (int left = password.length; left > 0; left -= 16) {
      ctx.update(fin, 0, Math.min(left, 16));
    }
    for (int i = password.length; i != 0; i >>>= 1) {
      // The reference updates with the first byte of "final", which it has zeroed by then.
      ctx.update((i & 1) != 0 ? 0 : password[0]);
    }
    fin = ctx.digest();
    // 1,000 rounds, so that guessing costs more than one MD5 per try.
    for (int i = 0; i < 1000; i++) {
      MessageDigest round = md5();
      round.update((i & 1) != 0 ? password : fin);
      if (i % 3 != 0) {
        round.update(saltBytes);
      }
      if (i % 7 != 0) {
        round.update(password);
      }
      round.update((i & 1) != 0 ? fin : password);
      fin = round.digest();
    }
    StringBuilder out = new StringBuilder(magic).append(salt).append('$');
    to64(out, fin[0], fin[6], fin[12], 4);
    to64(out, fin[1], fin[7], fin[13], 4);
    to64(out, fin[2], fin[8], fin[14], 4);
    to64(out, fin[3], fin[9], fin[15], 4);
    to64(out, fin[4], fin[10], fin[5], 4);
    to64(out, (byte) 0, (byte) 0, fin[11], 2);
    return out.toString();
  }

  private static void to64(StringBuilder out, byte a, byte b, byte c, int chars) {
    int v = ((a & 0xff) << 16) | ((b & 0xff) << 8) | (c & 0xff);
    for (int i = 0; i < chars; i++) {
      out.append(ITOA64.charAt(v & 0x3f));
      v >>>= 6;
    }
  }

  private static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has MD5", e);
    }
  }
}
