package dev.weir.contract.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * A parsed, checked certificate chain and its key, as {@link CertificateCheck#load} returns it.
 * Deliberately not a record: its {@code toString} names the subject and never shows the key.
 */
public final class LoadedCertificate {
  private final X509Certificate[] chain;
  private final PrivateKey key;
  private final List<String> dnsNames;
  private final Instant notAfter;

  public LoadedCertificate(
      X509Certificate[] chain, PrivateKey key, List<String> dnsNames, Instant notAfter) {
    this.chain = chain.clone();
    this.key = key;
    this.dnsNames = List.copyOf(dnsNames);
    this.notAfter = notAfter;
  }

  /** Leaf first; a copy. */
  public X509Certificate[] chain() {
    return chain.clone();
  }

  public PrivateKey key() {
    return key;
  }

  /** The leaf's DNS names (or its common name when it has none), normalised. */
  public List<String> dnsNames() {
    return dnsNames;
  }

  /** The earliest expiry in the chain. */
  public Instant notAfter() {
    return notAfter;
  }

  @Override
  public String toString() {
    return "LoadedCertificate[" + chain[0].getSubjectX500Principal() + "]";
  }
}
