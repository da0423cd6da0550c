package dev.weir.dataplane.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/** A parsed, checked certificate chain and its key. Deliberately no toString: it holds a key. */
final class LoadedCertificate {
  final X509Certificate[] chain;
  final PrivateKey key;
  final List<String> dnsNames;
  /** The earliest expiry in the chain. */
  final Instant notAfter;

  LoadedCertificate(X509Certificate[] chain, PrivateKey key, List<String> dnsNames,
      Instant notAfter) {
    this.chain = chain;
    this.key = key;
    this.dnsNames = List.copyOf(dnsNames);
    this.notAfter = notAfter;
  }

  @Override
  public String toString() {
    return "LoadedCertificate[" + chain[0].getSubjectX500Principal() + "]";
  }
}
