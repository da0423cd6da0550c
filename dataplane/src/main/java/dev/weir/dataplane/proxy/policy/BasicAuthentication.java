package dev.weir.dataplane.proxy.policy;

import dev.weir.dataplane.access.PasswordFile;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HTTP basic authentication (ingress-nginx's {@code auth-type: basic}, nginx's {@code auth_basic}):
 * a request without credentials the password file accepts gets 401 with {@code WWW-Authenticate:
 * Basic realm="..."}; an accepted one goes upstream without its {@code Authorization} header, as
 * ingress-nginx's template clears it. ACME HTTP-01 challenges pass.
 *
 * <p>A bcrypt check costs milliseconds of the event loop by design. Accepted credentials are
 * remembered (by their SHA-256, never in clear) so a client sending them on every request pays it
 * once; the memory is bounded and only ever holds credentials that were right, so a guesser cannot
 * fill it, and it lives as long as this policy: a new snapshot of the route forgets it.
 */
public final class BasicAuthentication implements RequestPolicy {
  static final int MAX_REMEMBERED = 4096;
  private static final byte[] BODY = "401 Unauthorized\n".getBytes(StandardCharsets.US_ASCII);

  private final PasswordFile passwords;
  private final LocalResponse challenge;
  private final String realm;
  private final ConcurrentHashMap<ByteBuffer, Boolean> accepted = new ConcurrentHashMap<>();

  public BasicAuthentication(String realm, PasswordFile passwords) {
    this.passwords = passwords;
    this.realm = realm;
    this.challenge =
        LocalResponse.of(
            HttpResponseStatus.UNAUTHORIZED,
            new DefaultHttpHeaders()
                .set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"" + realm + "\"")
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8"),
            BODY);
  }

  @Override
  public LocalResponse apply(ProxiedRequest request) {
    if (request.path().startsWith(HttpsRedirect.ACME_CHALLENGE)) {
      return null;
    }
    String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
    if (authorization == null || !accepts(authorization)) {
      return challenge;
    }
    request.headers().remove(HttpHeaderNames.AUTHORIZATION);
    return null;
  }

  private boolean accepts(String authorization) {
    if (authorization.length() < 6 || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      return false;
    }
    String encoded = authorization.substring(6).strip();
    ByteBuffer key = ByteBuffer.wrap(sha256(encoded));
    if (accepted.containsKey(key)) {
      return true;
    }
    byte[] credentials;
    try {
      credentials = Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      return false;
    }
    int colon = indexOf(credentials, (byte) ':');
    if (colon <= 0) {
      return false;
    }
    String user = new String(credentials, 0, colon, StandardCharsets.UTF_8);
    byte[] password = Arrays.copyOfRange(credentials, colon + 1, credentials.length);
    Arrays.fill(credentials, (byte) 0);
    boolean ok = passwords.verify(user, password);
    Arrays.fill(password, (byte) 0);
    if (ok) {
      if (accepted.size() >= MAX_REMEMBERED) {
        accepted.clear();
      }
      accepted.put(key, Boolean.TRUE);
    }
    return ok;
  }

  private static int indexOf(byte[] bytes, byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256")
          .digest(value.getBytes(StandardCharsets.ISO_8859_1));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "BasicAuthentication[realm=" + realm + ", " + passwords + "]";
  }
}
