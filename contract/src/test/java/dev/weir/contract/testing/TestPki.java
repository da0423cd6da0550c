package dev.weir.contract.testing;

import dev.weir.contract.control.ControlTls;
import dev.weir.contract.snapshot.Certificate;
import dev.weir.contract.snapshot.SecretValue;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway certificate authority for tests: issues leaf certificates for given DNS names as PEM
 * strings, ready for a {@link Certificate} in a snapshot, and gives clients the trust to verify
 * them.
 *
 * <pre>{@code
 * TestPki pki = TestPki.create();
 * TestPki.Leaf leaf = pki.issue("a.example.com", "*.b.example.com");
 * Certificate cert = leaf.toCertificate("cert-a");
 * SSLContext client = pki.clientSslContext();
 * }</pre>
 */
public final class TestPki {
  /** Key type of an issued leaf. */
  /** SECP256K1 is a curve BoringSSL lacks (made with BouncyCastle: JDK 17 dropped it). */
  public enum KeyType {
    EC_P256,
    EC_P384,
    EC_SECP256K1,
    RSA_2048
  }

  /**
   * PEM encoding of an issued leaf's private key: PKCS#8 ({@code PRIVATE KEY}) or the algorithm's
   * traditional form ({@code RSA PRIVATE KEY} for RSA, i.e. PKCS#1, as cert-manager writes by
   * default; {@code EC PRIVATE KEY} for EC, i.e. SEC1).
   */
  public enum KeyFormat {
    PKCS8,
    TRADITIONAL
  }

  private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

  private final X509Bundle ca;

  private TestPki(X509Bundle ca) {
    this.ca = ca;
  }

  /** A new root CA with an ECDSA P-256 key. */
  public static TestPki create() {
    return create(
        Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(365)));
  }

  /** A CA whose own certificate expired yesterday (to put as an expired intermediate). */
  public static TestPki createExpired() {
    return create(
        Instant.now().minus(Duration.ofDays(30)), Instant.now().minus(Duration.ofDays(1)));
  }

  /** A root CA valid over the given period (also usable as an intermediate in a served chain). */
  public static TestPki create(Instant notBefore, Instant notAfter) {
    try {
      return new TestPki(
          new CertificateBuilder()
              .subject("CN=Weir Test CA " + SERIALS.incrementAndGet())
              .ecp256()
              .setIsCertificateAuthority(true)
              .notBefore(notBefore)
              .notAfter(notAfter)
              .buildSelfSigned());
    } catch (Exception e) {
      throw new IllegalStateException("cannot create test CA", e);
    }
  }

  /** An ECDSA P-256 leaf for {@code dnsNames} (SANs; the first is also the CN), PKCS#8 key. */
  public Leaf issue(String... dnsNames) {
    return issue(KeyType.EC_P256, KeyFormat.PKCS8, dnsNames);
  }

  /** A leaf valid from yesterday for a year. */
  public Leaf issue(KeyType type, KeyFormat format, String... dnsNames) {
    Instant now = Instant.now();
    return issue(
        type, format, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)), dnsNames);
  }

  /** An ECDSA P-256 leaf whose validity ended yesterday. */
  public Leaf issueExpired(String... dnsNames) {
    Instant now = Instant.now();
    return issue(
        KeyType.EC_P256,
        KeyFormat.PKCS8,
        now.minus(Duration.ofDays(30)),
        now.minus(Duration.ofDays(1)),
        dnsNames);
  }

  /** A leaf with explicit validity. */
  public Leaf issue(
      KeyType type, KeyFormat format, Instant notBefore, Instant notAfter, String... dnsNames) {
    if (dnsNames.length == 0) {
      throw new IllegalArgumentException("at least one DNS name");
    }
    GeneralName[] sans = new GeneralName[dnsNames.length];
    for (int i = 0; i < dnsNames.length; i++) {
      sans[i] = new GeneralName(GeneralName.dNSName, dnsNames[i]);
    }
    return issue(
        type, format, notBefore, notAfter, dnsNames[0], sans, KeyPurposeId.id_kp_serverAuth);
  }

  /**
   * A server leaf (ECDSA P-256, PKCS#8) reached by name or by address: IP literals become IP
   * address SANs, the rest DNS names; e.g. the operator's control port on 127.0.0.1.
   */
  public Leaf issueServer(String... namesAndAddresses) {
    if (namesAndAddresses.length == 0) {
      throw new IllegalArgumentException("at least one name or address");
    }
    GeneralName[] sans = new GeneralName[namesAndAddresses.length];
    for (int i = 0; i < namesAndAddresses.length; i++) {
      String san = namesAndAddresses[i];
      boolean ip = san.contains(":") || san.chars().allMatch(c -> c == '.' || Character.isDigit(c));
      sans[i] = new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, san);
    }
    Instant now = Instant.now();
    return issue(
        KeyType.EC_P256,
        KeyFormat.PKCS8,
        now.minus(Duration.ofDays(1)),
        now.plus(Duration.ofDays(365)),
        namesAndAddresses[0],
        sans,
        KeyPurposeId.id_kp_serverAuth);
  }

  /**
   * A client leaf (ECDSA P-256, PKCS#8, extended key usage clientAuth, no SAN), e.g. a data plane
   * on the control channel.
   */
  public Leaf issueClient(String commonName) {
    Instant now = Instant.now();
    return issue(
        KeyType.EC_P256,
        KeyFormat.PKCS8,
        now.minus(Duration.ofDays(1)),
        now.plus(Duration.ofDays(365)),
        commonName,
        new GeneralName[0],
        KeyPurposeId.id_kp_clientAuth);
  }

  private Leaf issue(
      KeyType type,
      KeyFormat format,
      Instant notBefore,
      Instant notAfter,
      String commonName,
      GeneralName[] sans,
      KeyPurposeId purpose) {
    try {
      KeyPair keys = generateKeyPair(type);
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              ca.getCertificate().getSubjectX500Principal(),
              BigInteger.valueOf(SERIALS.incrementAndGet()),
              Date.from(notBefore),
              Date.from(notAfter),
              new X500Principal("CN=" + commonName),
              keys.getPublic());
      if (sans.length > 0) {
        // pkitesting's builder cannot write wildcard DNS names, hence BouncyCastle directly.
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
      }
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      ContentSigner signer =
          new JcaContentSignerBuilder("SHA256withECDSA").build(ca.getKeyPair().getPrivate());
      X509Certificate leaf = new JcaX509CertificateConverter().getCertificate(b.build(signer));
      String keyPem =
          format == KeyFormat.PKCS8 ? pkcs8Pem(keys.getPrivate()) : traditionalPem(keys);
      return new Leaf(certificatePem(leaf), keyPem, leaf);
    } catch (Exception e) {
      throw new IllegalStateException("cannot issue test certificate", e);
    }
  }

  private static KeyPair generateKeyPair(KeyType type) throws Exception {
    if (type == KeyType.RSA_2048) {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    }
    if (type == KeyType.EC_SECP256K1) {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC", new BouncyCastleProvider());
      g.initialize(new ECGenParameterSpec("secp256k1"));
      return g.generateKeyPair();
    }
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec(type == KeyType.EC_P384 ? "secp384r1" : "secp256r1"));
    return g.generateKeyPair();
  }

  /** PEM of one certificate. */
  public static String certificatePem(X509Certificate certificate) {
    try {
      return pem("CERTIFICATE", certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  /**
   * Writes {@code leaf} and this CA into {@code dir} (created if need be) as a control channel's
   * TLS directory reads them ({@link ControlTls#CERT_FILE}, {@link ControlTls#KEY_FILE}, {@link
   * ControlTls#CA_FILE}); returns {@code dir}.
   */
  public Path writeControlTlsDir(Path dir, Leaf leaf) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(ControlTls.CERT_FILE), leaf.chainPem());
    Files.writeString(dir.resolve(ControlTls.KEY_FILE), leaf.keyPem());
    Files.writeString(dir.resolve(ControlTls.CA_FILE), caPem());
    return dir;
  }

  /** The CA certificate as PEM. */
  public String caPem() {
    return ca.getRootCertificatePEM();
  }

  public X509Certificate caCertificate() {
    return ca.getCertificate();
  }

  /** Trusts exactly this CA. */
  public X509TrustManager trustManager() {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      store.setCertificateEntry("weir-test-ca", ca.getCertificate());
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509TrustManager x509) {
          return x509;
        }
      }
      throw new IllegalStateException("no X509TrustManager");
    } catch (Exception e) {
      throw new IllegalStateException("cannot build trust manager", e);
    }
  }

  /** A JDK client context (TLS) trusting exactly this CA. */
  public SSLContext clientSslContext() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {trustManager()}, null);
      return context;
    } catch (Exception e) {
      throw new IllegalStateException("cannot build client SSLContext", e);
    }
  }

  private static String pkcs8Pem(PrivateKey key) {
    return pem("PRIVATE KEY", key.getEncoded());
  }

  private static String traditionalPem(KeyPair keys) throws IOException {
    PrivateKey key = keys.getPrivate();
    if (key instanceof java.security.interfaces.ECPrivateKey ec) {
      // SEC1 as OpenSSL and Go write it: curve OID and public point included. (BouncyCastle's
      // writer, fed the JDK's key, omits both, and no real tool produces that.)
      PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
      byte[] point =
          SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded())
              .getPublicKeyData()
              .getBytes();
      org.bouncycastle.asn1.sec.ECPrivateKey sec1 =
          new org.bouncycastle.asn1.sec.ECPrivateKey(
              ec.getParams().getOrder().bitLength(),
              ec.getS(),
              new DERBitString(point),
              info.getPrivateKeyAlgorithm().getParameters());
      return pem("EC PRIVATE KEY", sec1.getEncoded());
    }
    // PKCS#1 "RSA PRIVATE KEY", as cert-manager writes by default.
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(key);
    }
    return out.toString();
  }

  /**
   * An issued leaf certificate.
   *
   * @param chainPem the leaf then its intermediates (none here), PEM
   * @param keyPem the leaf's private key, PEM
   * @param certificate the leaf, parsed
   */
  public record Leaf(String chainPem, String keyPem, X509Certificate certificate) {
    /** This leaf as a snapshot certificate with the given id. */
    public Certificate toCertificate(String id) {
      return new Certificate(id, chainPem, new SecretValue(keyPem));
    }

    @Override
    public String toString() {
      return "Leaf[" + certificate.getSubjectX500Principal() + "]";
    }
  }
}
