package dev.weir.dataplane.proxy.policy;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Gives every request an X-Request-ID for the backend: a sane one the client sent (1 to 128 visible
 * ASCII characters) is kept, anything else is replaced by a random one.
 */
public final class RequestId implements RequestPolicy {
  public static final RequestId INSTANCE = new RequestId();

  static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
  private static final int MAX_REQUEST_ID_LENGTH = 128;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private RequestId() {}

  @Override
  public LocalResponse apply(ProxiedRequest request) {
    HttpHeaders headers = request.headers();
    List<String> ids = headers.getAll(X_REQUEST_ID);
    if (!(ids.size() == 1 && isSane(ids.get(0)))) {
      headers.set(X_REQUEST_ID, newRequestId());
    }
    return null;
  }

  static boolean isSane(String id) {
    if (id.isEmpty() || id.length() > MAX_REQUEST_ID_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  /** 128 random bits in lower-case hex. */
  static String newRequestId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    char[] id = new char[32];
    long hi = random.nextLong();
    long lo = random.nextLong();
    for (int i = 0; i < 16; i++) {
      id[i] = HEX[(int) (hi >>> (60 - 4 * i)) & 0xf];
      id[16 + i] = HEX[(int) (lo >>> (60 - 4 * i)) & 0xf];
    }
    return new String(id);
  }

  @Override
  public String toString() {
    return "RequestId";
  }
}
