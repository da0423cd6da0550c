package dev.weir.contract.tls;

import dev.weir.contract.host.HostName;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Checks a PEM certificate chain and private key the way the data plane will load them: the chain
 * parses, its first certificate is the leaf, the key (PKCS#8, PKCS#1 or SEC1) parses and belongs to
 * the leaf, and (for the operator) no certificate of the chain has expired. The data plane refuses
 * a snapshot holding a certificate that fails the checks other than expiry; the operator runs them
 * all to report the problem on the Ingress instead.
 *
 * <p>{@link #inspect} and {@link #load} run the same steps, so the operator's verdict and the data
 * plane's cannot drift apart. A {@link Result} is also sufficient for {@code SnapshotValidator}'s
 * certificate clauses, which the data plane runs before {@link ServerTls#compile}.
 *
 * <p>Messages are fixed sentences: they never quote the PEM input or a parser's message, so they
 * cannot carry key material. A certificate that is not yet valid is accepted: a data plane whose
 * clock runs a little behind the issuer's must not refuse a freshly issued certificate.
 */
public final class CertificateCheck {
  private static final JcaX509CertificateConverter CERTIFICATES = new JcaX509CertificateConverter();
  private static final JcaPEMKeyConverter KEYS = new JcaPEMKeyConverter();
  private static final int DNS_NAME = 2;

  private CertificateCheck() {}

  /** Why a pair cannot be served, for callers that act on the kind rather than the message. */
  public enum Problem {
    /** The chain is empty, not PEM/X.509, or holds a block that is not a CERTIFICATE. */
    UNPARSABLE_CERTIFICATE,
    /** The key is empty, not PEM, or holds no private key block. */
    UNPARSABLE_KEY,
    /** The key is encrypted: nothing would supply its password. */
    ENCRYPTED_KEY,
    /** The key is neither RSA nor EC. */
    UNSUPPORTED_KEY,
    /** The key does not belong to the leaf certificate. */
    KEY_MISMATCH,
    /**
     * A certificate of the chain was not issued by the one after it (a wrong or misordered CA
     * bundle): clients could not verify it, and BoringSSL refuses to load it at all.
     */
    BROKEN_CHAIN,
    /** A certificate of the chain, the leaf or another, has expired. */
    EXPIRED
  }

  /**
   * The outcome of a check.
   *
   * @param problem why the pair cannot be served, or null when it can
   * @param message the problem as a sentence safe to log, or null when it can be served
   * @param dnsNames the leaf's DNS subject alternative names, lower case (empty if unparsable)
   * @param notAfter the leaf's expiry, or null if the chain did not parse
   * @param chainNotAfter the earliest expiry of any certificate in the chain: from then on the data
   *     plane refuses the pair; null if the chain did not parse
   */
  public record Result(
      Problem problem,
      String message,
      List<String> dnsNames,
      Instant notAfter,
      Instant chainNotAfter) {
    public Result {
      dnsNames = List.copyOf(dnsNames);
      if ((problem == null) != (message == null)) {
        throw new IllegalArgumentException("problem and message go together");
      }
    }

    public boolean ok() {
      return problem == null;
    }
  }

  /** Checks {@code chainPem} and {@code keyPem} as of {@code now}; never throws for bad input. */
  public static Result inspect(String chainPem, String keyPem, Instant now) {
    List<X509Certificate> chain;
    try {
      chain = parseChain(chainPem);
    } catch (Refusal r) {
      return new Result(r.problem, r.getMessage(), List.of(), null, null);
    }
    X509Certificate leaf = chain.get(0);
    List<String> names = dnsNames(leaf);
    Instant notAfter = leaf.getNotAfter().toInstant();
    Instant chainNotAfter = chainNotAfter(chain);
    try {
      check(chain, keyPem, now);
      return new Result(null, null, names, notAfter, chainNotAfter);
    } catch (Refusal r) {
      return new Result(r.problem, r.getMessage(), names, notAfter, chainNotAfter);
    }
  }

  /**
   * Parses and checks a pair for serving, whatever its validity period: expiry is the operator's
   * policy (it refuses expired Secrets), and a data plane refusing a whole snapshot because a
   * certificate expired between translation and compile would block every other update. Throws
   * {@link Refusal} with a key-free reason for what can never be served.
   */
  public static LoadedCertificate load(String chainPem, String keyPem) throws Refusal {
    return check(parseChain(chainPem), keyPem, null);
  }

  /** Checks a pair; with a non-null {@code now}, also that no certificate of it has expired. */
  private static LoadedCertificate check(List<X509Certificate> chain, String keyPem, Instant now)
      throws Refusal {
    if (now != null) {
      checkChain(chain, now);
    }
    checkLinks(chain);
    PrivateKey key = parseKey(keyPem);
    X509Certificate leaf = chain.get(0);
    checkKeyMatches(leaf, key);
    return new LoadedCertificate(
        chain.toArray(X509Certificate[]::new), key, dnsNames(leaf), chainNotAfter(chain));
  }

  private static List<X509Certificate> parseChain(String pem) throws Refusal {
    if (pem == null || pem.isBlank()) {
      throw new Refusal(Problem.UNPARSABLE_CERTIFICATE, "certificate chain is empty");
    }
    List<X509Certificate> chain = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object o;
      while ((o = parser.readObject()) != null) {
        if (!(o instanceof X509CertificateHolder holder)) {
          // Deliberately no detail: the stray block may be a private key pasted in the wrong field.
          throw new Refusal(
              Problem.UNPARSABLE_CERTIFICATE,
              "certificate chain holds a PEM block that is not a CERTIFICATE");
        }
        chain.add(CERTIFICATES.getCertificate(holder));
      }
    } catch (IOException | CertificateException | RuntimeException e) {
      throw new Refusal(Problem.UNPARSABLE_CERTIFICATE, "certificate chain is not valid PEM/X.509");
    }
    // PEMParser also reads the legacy "X509 CERTIFICATE" label, but SnapshotValidator refuses a
    // chain without a "CERTIFICATE" block before ServerTls ever sees it; agree with it here.
    if (chain.isEmpty() || !pem.contains("-----BEGIN CERTIFICATE-----")) {
      throw new Refusal(
          Problem.UNPARSABLE_CERTIFICATE, "certificate chain holds no PEM CERTIFICATE block");
    }
    return chain;
  }

  // Each certificate must be issued by the next: same name, and the next one's key verifies its
  // signature. The last may be an intermediate or a root; trust is the client's business.
  private static void checkLinks(List<X509Certificate> chain) throws Refusal {
    for (int i = 0; i + 1 < chain.size(); i++) {
      X509Certificate issued = chain.get(i);
      X509Certificate issuer = chain.get(i + 1);
      boolean linked = issued.getIssuerX500Principal().equals(issuer.getSubjectX500Principal());
      if (linked) {
        try {
          issued.verify(issuer.getPublicKey());
        } catch (GeneralSecurityException | RuntimeException e) {
          linked = false;
        }
      }
      if (!linked) {
        throw new Refusal(
            Problem.BROKEN_CHAIN,
            "chain certificate "
                + (i + 1)
                + " did not issue "
                + (i == 0 ? "the certificate" : "chain certificate " + i)
                + " before it (wrong or misordered CA bundle)");
      }
    }
  }

  private static Instant chainNotAfter(List<X509Certificate> chain) {
    Instant earliest = null;
    for (X509Certificate c : chain) {
      Instant notAfter = c.getNotAfter().toInstant();
      if (earliest == null || notAfter.isBefore(earliest)) {
        earliest = notAfter;
      }
    }
    return earliest;
  }

  private static void checkChain(List<X509Certificate> chain, Instant now) throws Refusal {
    for (int i = 0; i < chain.size(); i++) {
      Instant notAfter = chain.get(i).getNotAfter().toInstant();
      if (notAfter.isBefore(now)) {
        throw new Refusal(
            Problem.EXPIRED,
            (i == 0 ? "certificate" : "chain certificate " + i) + " expired at " + notAfter);
      }
    }
  }

  private static PrivateKey parseKey(String pem) throws Refusal {
    if (pem == null || pem.isBlank()) {
      throw new Refusal(Problem.UNPARSABLE_KEY, "private key is empty");
    }
    Object o;
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      o = parser.readObject();
    } catch (IOException | RuntimeException e) {
      throw new Refusal(Problem.UNPARSABLE_KEY, "private key is not valid PEM");
    }
    PrivateKey key;
    try {
      if (o instanceof PrivateKeyInfo info) {
        key = KEYS.getPrivateKey(info); // PKCS#8 "PRIVATE KEY"
      } else if (o instanceof PEMKeyPair pair) {
        key = KEYS.getPrivateKey(pair.getPrivateKeyInfo()); // PKCS#1 "RSA" / SEC1 "EC PRIVATE KEY"
      } else if (o instanceof PKCS8EncryptedPrivateKeyInfo || o instanceof PEMEncryptedKeyPair) {
        throw new Refusal(
            Problem.ENCRYPTED_KEY, "private key is encrypted; an unencrypted key is required");
      } else {
        throw new Refusal(Problem.UNPARSABLE_KEY, "private key holds no PEM PRIVATE KEY block");
      }
    } catch (IOException | RuntimeException e) {
      throw new Refusal(Problem.UNPARSABLE_KEY, "private key is not a valid RSA or EC key");
    }
    if (!(key instanceof RSAPrivateKey) && !(key instanceof ECPrivateKey)) {
      throw new Refusal(
          Problem.UNSUPPORTED_KEY,
          "private key algorithm " + key.getAlgorithm() + " is not supported (RSA or EC only)");
    }
    return key;
  }

  private static final Set<ASN1ObjectIdentifier> SERVABLE_CURVES =
      Set.of(
          SECObjectIdentifiers.secp224r1, SECObjectIdentifiers.secp256r1,
          SECObjectIdentifiers.secp384r1, SECObjectIdentifiers.secp521r1);

  private static void checkKeyMatches(X509Certificate leaf, PrivateKey key) throws Refusal {
    PublicKey pub = leaf.getPublicKey();
    if (key instanceof RSAPrivateKey rsa) {
      if (!(pub instanceof RSAPublicKey rsaPub) || !rsaPub.getModulus().equals(rsa.getModulus())) {
        throw new Refusal(Problem.KEY_MISMATCH, "private key does not match the certificate");
      }
      return;
    }
    if (!(pub instanceof ECPublicKey) || !(key instanceof ECPrivateKey ec)) {
      throw new Refusal(Problem.KEY_MISMATCH, "private key does not match the certificate");
    }
    // The pair matches when the private scalar times the curve's generator is the certificate's
    // public point. One fixed-base multiplication with BouncyCastle's precomputed tables: about
    // 0.1 ms, where the JDK's signature round trip took ~1.6 ms, 16 s at 10,000 certificates.
    try {
      SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(pub.getEncoded());
      ASN1ObjectIdentifier curveOid =
          ASN1ObjectIdentifier.getInstance(info.getAlgorithm().getParameters());
      if (!SERVABLE_CURVES.contains(curveOid)) {
        // BoringSSL has only the NIST prime curves; anything else would fail the data plane's
        // TLS compile, so it is refused here, where the operator sees it too.
        throw new Refusal(
            Problem.UNSUPPORTED_KEY,
            "elliptic curve "
                + curveOid.getId()
                + " is not supported (P-224, P-256, P-384 and P-521 are)");
      }
      X9ECParameters curve = CustomNamedCurves.getByOID(curveOid);
      if (curve == null) {
        curve = ECNamedCurveTable.getByOID(curveOid);
      }
      BigInteger d = ec.getS();
      java.security.spec.ECPoint keyGenerator = ec.getParams().getGenerator();
      ECPoint g = curve.getG().normalize();
      boolean keyOnThisCurve =
          ec.getParams().getOrder().equals(curve.getN())
              && keyGenerator.getAffineX().equals(g.getAffineXCoord().toBigInteger())
              && keyGenerator.getAffineY().equals(g.getAffineYCoord().toBigInteger());
      if (!keyOnThisCurve || d.signum() <= 0 || d.compareTo(curve.getN()) >= 0) {
        throw new Refusal(Problem.KEY_MISMATCH, "private key does not match the certificate");
      }
      ECPoint derived = new FixedPointCombMultiplier().multiply(curve.getG(), d);
      ECPoint published = curve.getCurve().decodePoint(info.getPublicKeyData().getOctets());
      if (!derived.equals(published)) {
        throw new Refusal(Problem.KEY_MISMATCH, "private key does not match the certificate");
      }
    } catch (RuntimeException e) {
      throw new Refusal(Problem.KEY_MISMATCH, "private key does not match the certificate");
    }
  }

  /**
   * The names the leaf of {@code chainPem} is for, as ingress-nginx collects them to decide which
   * other host names a certificate may serve (its {@code SSLCert.CN}): the subject's common name
   * and the DNS subject alternative names, normalised. Empty when the chain does not parse.
   */
  public static List<String> names(String chainPem) {
    X509Certificate leaf;
    try {
      leaf = parseChain(chainPem).get(0);
    } catch (Refusal r) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (RDN rdn :
        X500Name.getInstance(leaf.getSubjectX500Principal().getEncoded()).getRDNs(BCStyle.CN)) {
      if (rdn.getFirst() != null) {
        names.add(HostName.normalise(IETFUtils.valueToString(rdn.getFirst().getValue())));
      }
    }
    names.addAll(dnsNames(leaf));
    return List.copyOf(names);
  }

  /**
   * Whether a certificate for {@code names} ({@link #names}) serves {@code host}, by
   * ingress-nginx's {@code ssl.IsValidHostname}: a name equal to the host, or equal to the host
   * with its first label replaced by {@code *}, ignoring case.
   */
  public static boolean covers(List<String> names, String host) {
    String name = HostName.normalise(host);
    int dot = name.indexOf('.');
    String wildcard = dot < 0 ? "*" : "*" + name.substring(dot);
    for (String n : names) {
      if (n.equals(name) || n.equals(wildcard)) {
        return true;
      }
    }
    return false;
  }

  private static List<String> dnsNames(X509Certificate leaf) {
    List<String> names = new ArrayList<>();
    try {
      var sans = leaf.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (san.size() >= 2
              && Integer.valueOf(DNS_NAME).equals(san.get(0))
              && san.get(1) instanceof String name) {
            names.add(HostName.normalise(name));
          }
        }
      }
    } catch (CertificateParsingException e) {
      // A malformed SAN extension leaves the certificate usable by exact virtual host name only.
    }
    return names;
  }

  /** Why a certificate cannot be served; the message is safe to log. */
  public static final class Refusal extends Exception {
    private final Problem problem;

    Refusal(Problem problem, String message) {
      super(message, null, false, false);
      this.problem = problem;
    }

    public Problem problem() {
      return problem;
    }
  }
}
