package dev.weir.operator.translate;

import dev.weir.contract.snapshot.Certificate;
import dev.weir.contract.snapshot.SecretValue;
import dev.weir.contract.tls.CertificateCheck;
import dev.weir.operator.annotations.SecretRef;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Base64;

/**
 * Reads the Secrets annotations name ({@code auth-tls-secret}, {@code proxy-ssl-secret}), of any
 * type: their {@code ca.crt} (a PEM bundle of CA certificates) and, where a client certificate may
 * come from them, {@code tls.crt} with {@code tls.key}. An unusable Secret is a problem to report
 * and a feature to fail closed, never one to run without it.
 */
final class ReferencedSecrets {
  static final String CA_KEY = "ca.crt";
  private static final String PEM_CERTIFICATE = "-----BEGIN CERTIFICATE-----";

  private ReferencedSecrets() {}

  /**
   * What a referenced Secret gives.
   *
   * @param caCertificates the PEM CA bundle; null when the Secret is unusable
   * @param clientCertificate the client certificate of {@code tls.crt} and {@code tls.key}; null
   *     when the Secret has neither, or is unusable
   * @param problem null when usable
   * @param message why it is unusable, naming the Secret and what follows; null when usable
   */
  record Read(
      String caCertificates, Certificate clientCertificate, Reason problem, String message) {
    boolean usable() {
      return problem == null;
    }
  }

  /**
   * Reads {@code secret} (null: it does not exist), named by annotation {@code annotation}.
   *
   * @param clientCertificate whether {@code tls.crt}/{@code tls.key} are read as a client
   *     certificate
   * @param consequence what failing closed means, for the message
   */
  static Read read(
      SecretRef ref,
      Secret secret,
      String annotation,
      boolean clientCertificate,
      String consequence) {
    String named = "Secret " + ref + " (" + annotation + ")";
    if (secret == null) {
      return unusable(Reason.SECRET_NOT_FOUND, named + " does not exist; " + consequence);
    }
    String ca;
    String chain;
    String key;
    try {
      ca = value(secret, CA_KEY);
      chain = clientCertificate ? value(secret, CertificateResolver.CERTIFICATE_KEY) : null;
      key = clientCertificate ? value(secret, CertificateResolver.PRIVATE_KEY_KEY) : null;
    } catch (IllegalArgumentException e) {
      return unusable(
          Reason.INVALID_CERTIFICATE, named + ": " + e.getMessage() + "; " + consequence);
    }
    if (ca == null) {
      return unusable(Reason.INVALID_CERTIFICATE, named + " has no " + CA_KEY + "; " + consequence);
    }
    if (!holdsCertificates(ca)) {
      return unusable(
          Reason.INVALID_CERTIFICATE,
          named + ": " + CA_KEY + " holds no PEM certificate; " + consequence);
    }
    if (chain == null && key == null) {
      return new Read(ca, null, null, null);
    }
    if (chain == null || key == null) {
      return unusable(
          Reason.INVALID_CERTIFICATE,
          named
              + " has "
              + (chain == null
                  ? CertificateResolver.PRIVATE_KEY_KEY
                  : CertificateResolver.CERTIFICATE_KEY)
              + " without "
              + (chain == null
                  ? CertificateResolver.CERTIFICATE_KEY
                  : CertificateResolver.PRIVATE_KEY_KEY)
              + "; "
              + consequence);
    }
    try {
      // Not checked against the clock: a data plane presents an expired certificate rather than
      // none, as it serves one (see CertificateCheck.load), and the pod decides.
      CertificateCheck.load(chain, key);
    } catch (CertificateCheck.Refusal refusal) {
      return unusable(
          CertificateResolver.reason(refusal.problem()),
          named + ": the client certificate " + refusal.getMessage() + "; " + consequence);
    }
    SecretValue keyValue = new SecretValue(key);
    return new Read(
        ca, new Certificate(CertificateResolver.id(chain, keyValue), chain, keyValue), null, null);
  }

  private static Read unusable(Reason reason, String message) {
    return new Read(null, null, reason, message);
  }

  private static boolean holdsCertificates(String pem) {
    if (!pem.contains(PEM_CERTIFICATE)) {
      return false;
    }
    try {
      return !CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
          .isEmpty();
    } catch (CertificateException e) {
      return false;
    }
  }

  /** A field: {@code stringData} (hand-written manifests) over {@code data} (base64); or null. */
  private static String value(Secret secret, String field) {
    if (secret.getStringData() != null && secret.getStringData().get(field) != null) {
      return secret.getStringData().get(field);
    }
    String raw = secret.getData() == null ? null : secret.getData().get(field);
    if (raw == null) {
      return null;
    }
    try {
      return new String(Base64.getMimeDecoder().decode(raw), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + " is not base64");
    }
  }
}
