package dev.weir.dataplane.tls;

import dev.weir.contract.snapshot.ClientAuth;
import dev.weir.contract.snapshot.ClientVerify;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import javax.security.auth.x500.X500Principal;

/**
 * Checks a client certificate chain as nginx's {@code ssl_verify_client} and {@code
 * ssl_verify_depth} do, and describes the outcome as nginx's variables that ingress-nginx sends
 * upstream: {@code $ssl_client_verify} ({@code SUCCESS}, {@code FAILED:reason}, {@code NONE}),
 * {@code $ssl_client_s_dn} and {@code $ssl_client_i_dn} (RFC 2253, as nginx prints them since
 * 1.11.6), {@code $ssl_client_escaped_cert} (the leaf's PEM, URL-encoded).
 *
 * <p>The chain must lead to a certificate of the CA bundle within {@code verifyDepth} ({@link
 * ChainVerifier}). Revocation is not checked (ingress-nginx's {@code auth-tls-crl} is not
 * supported). Immutable; built once per snapshot per host.
 */
public final class ClientCertificateVerifier {
  // Attribute types OpenSSL names in RFC 2253 output that the JDK would print as OIDs.
  private static final Map<String, String> OPENSSL_NAMES =
      Map.of(
          "1.2.840.113549.1.9.1", "emailAddress",
          "2.5.4.5", "serialNumber",
          "2.5.4.4", "SN",
          "2.5.4.42", "GN",
          "2.5.4.12", "title",
          "2.5.4.46", "dnQualifier",
          "2.5.4.65", "pseudonym");

  private final ClientVerify mode;
  private final ChainVerifier chains;
  private final String problem;

  private ClientCertificateVerifier(ClientVerify mode, ChainVerifier chains, String problem) {
    this.mode = mode;
    this.chains = chains;
    this.problem = problem;
  }

  /** The verifier of a host's settings; an unreadable CA bundle makes it {@link #unusable}. */
  public static ClientCertificateVerifier of(ClientAuth auth) {
    ChainVerifier chains = ChainVerifier.of(auth.caCertificates(), auth.verifyDepth());
    String problem = null;
    if (auth.unavailable()) {
      problem = "the CA Secret is unavailable";
    } else if (!chains.hasAnchors()
        && (auth.verify() == ClientVerify.ON || auth.verify() == ClientVerify.OPTIONAL)) {
      // optional_no_ca reports the failure upstream instead; off needs no CA.
      problem = "the CA bundle holds no readable certificate";
    }
    return new ClientCertificateVerifier(auth.verify(), chains, problem);
  }

  /**
   * Why no request of the host can be served (the CA Secret is unavailable, or its bundle is
   * unreadable where it is needed), or null. Such a host fails closed.
   */
  public String unusable() {
    return problem;
  }

  /**
   * The outcome for {@code chain} (leaf first, as the client sent it; null or empty: none sent) at
   * time {@code now}.
   */
  public Verdict verify(X509Certificate[] chain, Instant now) {
    if (mode == ClientVerify.OFF || chain == null || chain.length == 0) {
      return new Verdict(
          "NONE", null, null, null, mode == ClientVerify.ON ? Refusal.MISSING : null);
    }
    X509Certificate leaf = chain[0];
    String failure = chains.failure(chain, now);
    Refusal refusal =
        failure != null && mode != ClientVerify.OPTIONAL_NO_CA ? Refusal.INVALID : null;
    return new Verdict(
        failure == null ? "SUCCESS" : "FAILED:" + failure,
        leaf.getSubjectX500Principal().getName(X500Principal.RFC2253, OPENSSL_NAMES),
        leaf.getIssuerX500Principal().getName(X500Principal.RFC2253, OPENSSL_NAMES),
        escapedPem(leaf),
        refusal);
  }

  /** The PEM of {@code certificate} as OpenSSL writes it, escaped as nginx's URI components. */
  static String escapedPem(X509Certificate certificate) {
    String pem;
    try {
      pem =
          "-----BEGIN CERTIFICATE-----\n"
              + Base64.getMimeEncoder(64, new byte[] {'\n'})
                  .encodeToString(certificate.getEncoded())
              + "\n-----END CERTIFICATE-----\n";
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
    return escapeUriComponent(pem);
  }

  /**
   * nginx's {@code NGX_ESCAPE_URI_COMPONENT}: every byte but letters, digits and {@code -._~} as
   * {@code %XX}, upper case.
   */
  public static String escapeUriComponent(String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length * 3 / 2);
    for (byte b : bytes) {
      int c = b & 0xff;
      if (c >= 'a' && c <= 'z'
          || c >= 'A' && c <= 'Z'
          || c >= '0' && c <= '9'
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        out.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  /** Why a request is refused for its certificate (nginx's 400 texts). */
  public enum Refusal {
    /** {@code on} and no certificate: "No required SSL certificate was sent". */
    MISSING,
    /**
     * {@code on} or {@code optional} and a certificate that failed: "The SSL certificate error".
     */
    INVALID
  }

  /**
   * A verification's outcome as ingress-nginx passes it upstream.
   *
   * @param verify {@code SUCCESS}, {@code FAILED:reason} or {@code NONE}
   * @param subjectDn the leaf's subject, RFC 2253; null without certificate
   * @param issuerDn the leaf's issuer, RFC 2253; null without certificate
   * @param escapedCertificate the leaf's PEM, URL-encoded; null without certificate
   * @param refusal why the request is refused, or null when it goes on
   */
  public record Verdict(
      String verify,
      String subjectDn,
      String issuerDn,
      String escapedCertificate,
      Refusal refusal) {}

  @Override
  public String toString() {
    return "ClientCertificateVerifier[" + mode + ", " + chains + "]";
  }
}
