package dev.weir.operator.translate;

import dev.weir.contract.snapshot.Certificate;
import dev.weir.contract.tls.CertificateCheck;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * TLS Secrets as earlier translations decoded and checked them, keyed by {@code namespace/name} and
 * valid only for the exact field values they were made from. Checking a Secret means parsing its
 * chain and key and an ECDSA sign-and-verify round trip: about 3 ms, so 10 s per translation at
 * 10,000 Secrets, while a change touches one. A translation takes the previous one and returns the
 * next, holding only the Secrets it used (so deleted or changed ones are evicted), as with {@link
 * LastGoodCertificates}: translation stays a pure function of what it is given.
 *
 * <p>A hit is decided by the Secret's raw field values ({@code data} base64 or {@code stringData}),
 * compared with {@code equals}: an unchanged Secret object from the same source shares those
 * strings, which makes the comparison a reference check, and costs no base64 decoding or hashing.
 * The unchanged {@link Certificate} instance is reused too, so comparing snapshots stays cheap.
 */
public final class CheckedSecrets {
  private static final CheckedSecrets EMPTY = new CheckedSecrets(Map.of());

  private final Map<String, Entry> bySecret;

  private CheckedSecrets(Map<String, Entry> bySecret) {
    this.bySecret = bySecret;
  }

  public static CheckedSecrets empty() {
    return EMPTY;
  }

  public int size() {
    return bySecret.size();
  }

  /**
   * What a Secret's fields held: each as its raw string and whether it came from {@code stringData}
   * (then PEM) or {@code data} (then base64).
   */
  record Fields(String chain, boolean chainIsText, String key, boolean keyIsText) {}

  /**
   * A Secret's check: its decoded PEM, the certificate made of it when it passed (null when not),
   * and the check's result as of {@code checkedAt}.
   */
  record Entry(
      Fields fields, Certificate certificate, CertificateCheck.Result result, Instant checkedAt) {

    /**
     * The result {@link CertificateCheck#inspect} gives at {@code now}, when it is sure to be the
     * cached one: only expiry depends on time, and it is checked first, so a result that did not
     * see an expired chain holds as long as the chain has not expired.
     */
    CertificateCheck.Result resultAt(Instant now) {
      if (result.problem() == CertificateCheck.Problem.EXPIRED) {
        return now.equals(checkedAt) ? result : null;
      }
      if (result.chainNotAfter() != null && result.chainNotAfter().isBefore(now)) {
        return null;
      }
      return result;
    }
  }

  /** The entry of Secret {@code secretKey}, whatever fields it was made from; null when none. */
  Entry entry(String secretKey) {
    return bySecret.get(secretKey);
  }

  Entry get(String secretKey, Fields fields) {
    Entry entry = bySecret.get(secretKey);
    return entry != null && entry.fields().equals(fields) ? entry : null;
  }

  @Override
  public String toString() {
    return "CheckedSecrets[" + bySecret.size() + "]"; // keys are all a log needs; never material
  }

  /** The next translation's: the Secrets this one used. */
  static final class Builder {
    private final Map<String, Entry> bySecret = new HashMap<>();

    void put(String secretKey, Entry entry) {
      bySecret.put(secretKey, entry);
    }

    CheckedSecrets build() {
      return bySecret.isEmpty() ? EMPTY : new CheckedSecrets(Map.copyOf(bySecret));
    }
  }
}
