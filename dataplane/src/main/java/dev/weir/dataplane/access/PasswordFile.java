package dev.weir.dataplane.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * An htpasswd file as nginx's {@code auth_basic_user_file} reads it: lines {@code user:hash}
 * (comments with {@code #}, blank lines skipped; the first line of a user wins). Hashes: bcrypt
 * ({@code $2y$}, {@code $2a$}, {@code $2b$}), MD5-crypt ({@code $apr1$}, {@code $1$}), {@code
 * {SHA}} and {@code {SSHA}} (base64 SHA-1), {@code {PLAIN}}. Others (traditional DES crypt, {@code
 * $5$}, {@code $6$}) never match. Holds secret material: no {@code toString} shows it.
 */
public final class PasswordFile {
  private final Map<String, String> hashes;

  private PasswordFile(Map<String, String> hashes) {
    this.hashes = hashes;
  }

  public static PasswordFile parse(String content) {
    Map<String, String> hashes = new HashMap<>();
    for (String line : content.split("\r?\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String hash = line.substring(colon + 1);
      // htpasswd files may carry a comment field after a second colon.
      int extra = hash.indexOf(':');
      hashes.putIfAbsent(line.substring(0, colon), extra < 0 ? hash : hash.substring(0, extra));
    }
    return new PasswordFile(Map.copyOf(hashes));
  }

  public int users() {
    return hashes.size();
  }

  /** Whether {@code user} is listed with a hash {@code password} matches. */
  public boolean verify(String user, byte[] password) {
    String hash = hashes.get(user);
    return hash != null && matches(hash, password);
  }

  static boolean matches(String hash, byte[] password) {
    try {
      if (hash.startsWith("$2y$") || hash.startsWith("$2a$") || hash.startsWith("$2b$")) {
        // OpenBSDBCrypt takes chars; passwords are bytes, so each byte becomes one char.
        char[] chars = new char[password.length];
        for (int i = 0; i < password.length; i++) {
          chars[i] = (char) (password[i] & 0xff);
        }
        return password.length <= 72 && OpenBSDBCrypt.checkPassword(hash, chars);
      }
      if (hash.startsWith("$apr1$") || hash.startsWith("$1$")) {
        return constantTimeEquals(Md5Crypt.crypt(password, hash), hash);
      }
      if (hash.startsWith("{SHA}")) {
        byte[] expected = Base64.getDecoder().decode(hash.substring(5));
        return MessageDigest.isEqual(sha1(password, new byte[0]), expected);
      }
      if (hash.startsWith("{SSHA}")) {
        byte[] decoded = Base64.getDecoder().decode(hash.substring(6));
        if (decoded.length <= 20) {
          return false;
        }
        byte[] salt = Arrays.copyOfRange(decoded, 20, decoded.length);
        return MessageDigest.isEqual(sha1(password, salt), Arrays.copyOf(decoded, 20));
      }
      if (hash.startsWith("{PLAIN}")) {
        return MessageDigest.isEqual(hash.substring(7).getBytes(StandardCharsets.UTF_8), password);
      }
    } catch (IllegalArgumentException malformed) {
      return false;
    }
    return false;
  }

  private static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] sha1(byte[] password, byte[] salt) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      sha1.update(password);
      sha1.update(salt);
      return sha1.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-1", e);
    }
  }

  @Override
  public String toString() {
    return "PasswordFile[users=" + hashes.size() + "]";
  }
}
