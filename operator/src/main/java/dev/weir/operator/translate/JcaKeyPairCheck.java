package dev.weir.operator.translate;

import dev.weir.dataplane.snapshot.SecretValue;
import java.io.IOException;
import java.io.StringReader;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * {@link KeyPairCheck} on the JDK's providers, with BouncyCastle's PEM reader for the key forms
 * Secrets carry: PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) and SEC1
 * ({@code EC PRIVATE KEY}). Encrypted keys are refused: a Secret has nowhere to hold the password.
 *
 * <p>The key is matched to the certificate by signing a fixed message with it and verifying with the
 * certificate's public key, which works the same for RSA, EC and EdDSA keys. Only the first
 * certificate (the server's own) is checked for expiry.
 */
public final class JcaKeyPairCheck implements KeyPairCheck {
  private static final byte[] PROBE = "weir key pair probe".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  @Override
  public Verdict check(String certificateChainPem, SecretValue privateKeyPem, Instant now) {
    List<X509Certificate> chain = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(certificateChainPem))) {
      JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
      for (int i = 0; i < 100; i++) { // a chain longer than this is not a chain
        Object block = parser.readObject();
        if (block == null) {
          break;
        }
        if (block instanceof X509CertificateHolder holder) {
          chain.add(converter.getCertificate(holder));
        }
      }
    } catch (IOException | CertificateException | RuntimeException e) {
      return new Unusable(Reason.INVALID_CERTIFICATE,
          "tls.crt is not a valid PEM certificate chain (block " + (chain.size() + 1) + ")");
    }
    if (chain.isEmpty()) {
      return new Unusable(Reason.INVALID_CERTIFICATE, "tls.crt holds no PEM CERTIFICATE block");
    }

    PrivateKey key;
    try (PEMParser parser = new PEMParser(new StringReader(privateKeyPem.reveal()))) {
      Object block = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (block instanceof PEMKeyPair pair) {
        // Only the private part: SEC1 makes the public key optional, and some writers omit it.
        key = converter.getPrivateKey(pair.getPrivateKeyInfo());
      } else if (block instanceof PrivateKeyInfo info) {
        key = converter.getPrivateKey(info);
      } else if (block instanceof PEMEncryptedKeyPair || block instanceof PKCS8EncryptedPrivateKeyInfo) {
        return new Unusable(Reason.INVALID_CERTIFICATE, "tls.key is encrypted; Weir needs it unencrypted");
      } else {
        return new Unusable(Reason.INVALID_CERTIFICATE, "tls.key holds no PEM private key block");
      }
    } catch (IOException | RuntimeException e) {
      // Deliberately without the cause: parser messages could carry key bytes.
      return new Unusable(Reason.INVALID_CERTIFICATE, "tls.key is not a valid PEM private key");
    }

    X509Certificate leaf = chain.get(0);
    String algorithm = signatureAlgorithm(key);
    if (algorithm == null) {
      return new Unusable(Reason.INVALID_CERTIFICATE,
          "tls.key uses " + key.getAlgorithm() + "; RSA, EC and EdDSA keys are supported");
    }
    if (!belongTogether(key, leaf.getPublicKey(), algorithm)) {
      return new Unusable(Reason.KEY_MISMATCH,
          "tls.key does not belong to the certificate for " + leaf.getSubjectX500Principal().getName());
    }
    Instant notAfter = leaf.getNotAfter().toInstant();
    if (notAfter.isBefore(now)) {
      return new Unusable(Reason.CERTIFICATE_EXPIRED, "the certificate for "
          + leaf.getSubjectX500Principal().getName() + " expired at " + notAfter);
    }
    StringBuilder pem = new StringBuilder();
    try {
      for (X509Certificate certificate : chain) {
        pem.append(pem("CERTIFICATE", certificate.getEncoded()));
      }
    } catch (GeneralSecurityException e) {
      return new Unusable(Reason.INVALID_CERTIFICATE, "tls.crt cannot be re-encoded");
    }
    return new Usable(pem.toString(), new SecretValue(pem("PRIVATE KEY", key.getEncoded())), notAfter);
  }

  /** The signature algorithm that proves possession of {@code key}, or null if unsupported. */
  private static String signatureAlgorithm(PrivateKey key) {
    return switch (normalise(key.getAlgorithm())) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "EdDSA" -> "EdDSA";
      default -> null;
    };
  }

  private static boolean belongTogether(PrivateKey key, PublicKey publicKey, String algorithm) {
    if (!normalise(key.getAlgorithm()).equals(normalise(publicKey.getAlgorithm()))) {
      return false;
    }
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(PROBE);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(PROBE);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private static String normalise(String algorithm) {
    return switch (algorithm) {
      case "ECDSA" -> "EC";
      case "Ed25519", "Ed448" -> "EdDSA";
      default -> algorithm;
    };
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
