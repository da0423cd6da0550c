package dev.weir.dataplane.tls;

import dev.weir.contract.snapshot.TicketKey;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Session ticket keys as OpenSSL takes them. The first key encrypts new tickets, every key
 * decrypts. Holds secret bytes: no toString beyond a count.
 */
final class TicketKeys {
  private final OpenSslSessionTicketKey[] keys;
  private final String source;

  private TicketKeys(OpenSslSessionTicketKey[] keys, String source) {
    this.keys = keys;
    this.source = source;
  }

  /** One random key, for a data plane whose snapshot carries none. */
  static TicketKeys random() {
    byte[] bytes = new byte[TicketKey.LENGTH_BYTES];
    new SecureRandom().nextBytes(bytes);
    return new TicketKeys(new OpenSslSessionTicketKey[] {split(bytes)}, "generated");
  }

  /**
   * The snapshot's keys; a malformed one throws {@link IllegalArgumentException} naming its index
   * only.
   */
  static TicketKeys fromSnapshot(List<TicketKey> ticketKeys) {
    OpenSslSessionTicketKey[] keys = new OpenSslSessionTicketKey[ticketKeys.size()];
    for (int i = 0; i < keys.length; i++) {
      byte[] bytes;
      try {
        bytes = Base64.getDecoder().decode(ticketKeys.get(i).key().reveal());
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new IllegalArgumentException("ticketKeys[" + i + "].key: is not base64");
      }
      if (bytes.length != TicketKey.LENGTH_BYTES) {
        throw new IllegalArgumentException(
            "ticketKeys[" + i + "].key: must be " + TicketKey.LENGTH_BYTES + " bytes");
      }
      keys[i] = split(bytes);
    }
    return new TicketKeys(keys, "snapshot");
  }

  private static OpenSslSessionTicketKey split(byte[] bytes) {
    int name = OpenSslSessionTicketKey.NAME_SIZE;
    int hmac = OpenSslSessionTicketKey.HMAC_KEY_SIZE;
    return new OpenSslSessionTicketKey(
        Arrays.copyOfRange(bytes, 0, name),
        Arrays.copyOfRange(bytes, name, name + hmac),
        Arrays.copyOfRange(bytes, name + hmac, bytes.length));
  }

  OpenSslSessionTicketKey[] keys() {
    return keys;
  }

  /** {@code snapshot} or {@code generated}, for logs. */
  String source() {
    return source;
  }

  int count() {
    return keys.length;
  }

  @Override
  public String toString() {
    return "TicketKeys[" + source + ", " + keys.length + " keys]";
  }
}
