package dev.weir.dataplane.tls;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertStore;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashSet;
import java.util.Set;

/**
 * Verifies a certificate chain against a CA bundle as OpenSSL does for nginx's {@code
 * ssl_verify_depth} and {@code proxy_ssl_verify_depth}, and says why it fails in OpenSSL's words.
 * OpenSSL's depth counts the certificates above the leaf: depth 1 (ingress-nginx's default) admits
 * a leaf issued directly by a CA of the bundle, each intermediate needs one more. Revocation is not
 * checked. Immutable.
 */
final class ChainVerifier {
  // OpenSSL's X509_verify_cert_error_string texts for the failures told apart here.
  static final String EXPIRED = "certificate has expired";
  static final String NOT_YET_VALID = "certificate is not yet valid";
  static final String CHAIN_TOO_LONG = "certificate chain too long";
  static final String SELF_SIGNED = "self-signed certificate";
  static final String NO_ISSUER = "unable to get local issuer certificate";

  private final Set<TrustAnchor> anchors;
  private final int depth;

  private ChainVerifier(Set<TrustAnchor> anchors, int depth) {
    this.anchors = anchors;
    this.depth = depth;
  }

  /** A verifier trusting the certificates of {@code caPem}; none when it is null or unreadable. */
  static ChainVerifier of(String caPem, int depth) {
    Set<TrustAnchor> anchors = new HashSet<>();
    if (caPem != null) {
      try {
        for (var c :
            CertificateFactory.getInstance("X.509")
                .generateCertificates(
                    new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII)))) {
          anchors.add(new TrustAnchor((X509Certificate) c, null));
        }
      } catch (GeneralSecurityException | RuntimeException e) {
        anchors.clear();
      }
    }
    return new ChainVerifier(Set.copyOf(anchors), depth);
  }

  /** Whether the bundle held at least one readable certificate. */
  boolean hasAnchors() {
    return !anchors.isEmpty();
  }

  /**
   * Why {@code chain} (leaf first, as the peer sent it) fails at {@code now}, in OpenSSL's words,
   * or null when it passes.
   */
  String failure(X509Certificate[] chain, Instant now) {
    X509Certificate leaf = chain[0];
    try {
      leaf.checkValidity(Date.from(now));
    } catch (CertificateExpiredException e) {
      return EXPIRED;
    } catch (CertificateNotYetValidException e) {
      return NOT_YET_VALID;
    }
    if (anchors.isEmpty()) {
      return NO_ISSUER;
    }
    if (builds(chain, now, depth - 1)) {
      return null;
    }
    if (builds(chain, now, -1)) {
      return CHAIN_TOO_LONG;
    }
    return leaf.getSubjectX500Principal().equals(leaf.getIssuerX500Principal())
        ? SELF_SIGNED
        : NO_ISSUER;
  }

  /**
   * Whether a path from the leaf to an anchor exists with at most {@code maxIntermediates}
   * intermediates (-1: any number). PKIX's maximum path length counts exactly those, which is
   * OpenSSL's depth less one.
   */
  private boolean builds(X509Certificate[] chain, Instant now, int maxIntermediates) {
    try {
      X509CertSelector target = new X509CertSelector();
      target.setCertificate(chain[0]);
      PKIXBuilderParameters parameters = new PKIXBuilderParameters(anchors, target);
      parameters.setRevocationEnabled(false);
      parameters.setDate(Date.from(now));
      parameters.setMaxPathLength(maxIntermediates);
      parameters.addCertStore(
          CertStore.getInstance(
              "Collection",
              new CollectionCertStoreParameters(new ArrayList<>(Arrays.asList(chain)))));
      CertPathBuilder.getInstance("PKIX").build(parameters);
      return true;
    } catch (CertPathBuilderException e) {
      return false;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PKIX is not available", e);
    }
  }

  @Override
  public String toString() {
    return "ChainVerifier[" + anchors.size() + " anchors, depth " + depth + "]";
  }
}
