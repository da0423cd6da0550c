package dev.weir.operator.translate;

import dev.weir.contract.snapshot.Certificate;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The last certificate each TLS Secret yielded when it was valid, keyed by {@code namespace/name}.
 * A translation returns the next one; the caller hands it to the next translation. This is how a
 * Secret that turns invalid keeps serving its previous certificate while translation stays a pure
 * function.
 */
public final class LastGoodCertificates {
  private static final LastGoodCertificates EMPTY = new LastGoodCertificates(Map.of());

  private final Map<String, Entry> bySecret;

  private LastGoodCertificates(Map<String, Entry> bySecret) {
    this.bySecret = Map.copyOf(bySecret);
  }

  public static LastGoodCertificates empty() {
    return EMPTY;
  }

  /**
   * The last good certificate of Secret {@code namespace/name}, unless it has expired by {@code
   * now}.
   */
  public Optional<Certificate> get(String secretKey, Instant now) {
    Entry entry = bySecret.get(secretKey);
    if (entry == null || entry.notAfter().isBefore(now)) {
      return Optional.empty();
    }
    return Optional.of(entry.certificate());
  }

  /** The entry of Secret {@code secretKey}, expired or not; null when there is none. */
  Entry entry(String secretKey) {
    return bySecret.get(secretKey);
  }

  /**
   * When each certificate held here stops being valid (its chain's earliest expiry), by Secret
   * {@code namespace/name}: the certificates a translation serves from Secrets, in its result.
   */
  public Map<String, Instant> expiries() {
    Map<String, Instant> expiries = new TreeMap<>();
    bySecret.forEach((k, v) -> expiries.put(k, v.notAfter()));
    return expiries;
  }

  public int size() {
    return bySecret.size();
  }

  @Override
  public String toString() {
    // Ids only: the certificates hold keys (redacted by SecretValue, but ids are all a log needs).
    Map<String, String> ids = new TreeMap<>();
    bySecret.forEach((k, v) -> ids.put(k, v.certificate().id()));
    return "LastGoodCertificates" + ids;
  }

  record Entry(Certificate certificate, Instant notAfter) {}

  static final class Builder {
    private final Map<String, Entry> bySecret = new TreeMap<>();

    void put(String secretKey, Certificate certificate, Instant notAfter) {
      bySecret.put(secretKey, new Entry(certificate, notAfter));
    }

    void put(String secretKey, Entry entry) {
      bySecret.put(secretKey, entry);
    }

    LastGoodCertificates build() {
      return bySecret.isEmpty() ? EMPTY : new LastGoodCertificates(bySecret);
    }
  }
}
