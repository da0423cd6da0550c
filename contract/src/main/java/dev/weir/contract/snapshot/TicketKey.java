package dev.weir.contract.snapshot;

/**
 * A TLS session ticket key: 48 random bytes, base64 (16 name, 16 HMAC, 16 AES). The first key of a
 * snapshot encrypts new tickets; the others still decrypt tickets issued before a rotation. Every
 * replica given the same keys resumes the others' sessions.
 */
public record TicketKey(SecretValue key) {
  public static final int LENGTH_BYTES = 48;
}
