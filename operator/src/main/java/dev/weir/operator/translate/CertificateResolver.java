package dev.weir.operator.translate;

import dev.weir.contract.snapshot.Certificate;
import dev.weir.contract.snapshot.SecretValue;
import dev.weir.contract.tls.CertificateCheck;
import dev.weir.operator.state.ClusterIndexes;
import dev.weir.operator.state.ClusterState;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Turns TLS Secrets into snapshot certificates, once per Secret per translation. An invalid Secret
 * yields its last good certificate when there is one (so a botched renewal does not take a host's
 * certificate away). Without one (this operator has just started, or the last good one expired),
 * and for a Secret that does not exist, the outcome is to retain: data planes keep serving what
 * they serve, since they outlive operator restarts and the Secret may be back in a moment (cert-
 * manager re-issues into a deleted Secret). A missing Secret never yields its last good
 * certificate, though: a data plane that did not have it yet should not get it from a Secret that
 * is gone.
 *
 * <p>Validity is decided by the data plane's own {@link CertificateCheck}, on exactly the text that
 * goes into the snapshot: a certificate published here is one the data plane will load, so one bad
 * Secret cannot get a whole snapshot refused. The PEM is passed through as the Secret holds it (the
 * data plane reads PKCS#8, PKCS#1 and SEC1 keys alike); re-encoding it would mean parsing it twice
 * and checking something other than what is served.
 */
final class CertificateResolver {
  static final String CERTIFICATE_KEY = "tls.crt";
  static final String PRIVATE_KEY_KEY = "tls.key";

  /**
   * Marks the control channel's own Secrets (the chart sets it). Their keys authenticate operator
   * and data planes to each other; served to clients they would sit on every internet-facing data
   * plane, so an Ingress naming one in the release namespace is refused.
   */
  public static final String CONTROL_CHANNEL_LABEL = "weir.dev/control-channel";

  private final ClusterState state;
  private final LastGoodCertificates previous;
  private final Instant now;
  private final CheckedSecrets checked;
  private final LastGoodCertificates.Builder next = new LastGoodCertificates.Builder();
  private final CheckedSecrets.Builder nextChecked = new CheckedSecrets.Builder();
  private final Map<String, Outcome> outcomes = new HashMap<>();

  CertificateResolver(ClusterState state, LastGoodCertificates previous, Instant now) {
    this(state, previous, CheckedSecrets.empty(), now);
  }

  CertificateResolver(
      ClusterState state, LastGoodCertificates previous, CheckedSecrets checked, Instant now) {
    this.state = state;
    this.previous = previous;
    this.checked = checked;
    this.now = now;
  }

  /**
   * @param certificate what to serve, or null
   * @param retain without a certificate: whether data planes should keep the one they serve ({@code
   *     VirtualHost.retainCertificate}) rather than switch to the default
   * @param problem null when the Secret is usable
   * @param notReady why the cert-manager Certificate writing the Secret is not Ready ({@link
   *     Reason#CERTIFICATE_NOT_READY}), or null: it is, or none writes it
   */
  record Outcome(
      Certificate certificate, boolean retain, Reason problem, String message, String notReady) {
    Outcome(Certificate certificate, boolean retain, Reason problem, String message) {
      this(certificate, retain, problem, message, null);
    }

    Outcome withNotReady(String value) {
      return new Outcome(certificate, retain, problem, message, value);
    }
  }

  private static final String RETAIN =
      "data planes keep serving its hosts the certificate they"
          + " serve now (one that serves them none: the default)";

  Outcome resolve(String namespace, String name) {
    return outcomes.computeIfAbsent(
        ClusterIndexes.key(namespace, name), key -> load(key, namespace, name));
  }

  LastGoodCertificates lastGood() {
    return next.build();
  }

  /** The Secrets checked by this translation, for the next one. */
  CheckedSecrets checkedSecrets() {
    return nextChecked.build();
  }

  private Outcome load(String key, String namespace, String name) {
    Resolved resolved =
        resolve(
            key,
            state.tlsSecret(namespace, name).orElse(null),
            CertificateReadiness.of(state.certificateForSecret(namespace, name).orElse(null)),
            previous.entry(key),
            checked.entry(key),
            now);
    if (resolved.lastGood() != null) {
      next.put(key, resolved.lastGood());
    }
    if (resolved.checked() != null) {
      nextChecked.put(key, resolved.checked());
    }
    return resolved.outcome();
  }

  /**
   * One Secret's outcome and what the next translation needs of it: the last good certificate to
   * remember (null: none) and the check to remember (null: none).
   */
  record Resolved(
      Outcome outcome, LastGoodCertificates.Entry lastGood, CheckedSecrets.Entry checked) {}

  /**
   * The outcome of Secret {@code key} on its own, the single definition both the full and the
   * incremental translation use.
   *
   * @param secret the Secret, null when it does not exist
   * @param issuer the readiness of the cert-manager Certificate that writes the Secret, or null
   * @param previous its last good certificate as of the previous translation, or null
   * @param checked its check as of the previous translation, or null; used only if it was made from
   *     the same field values
   */
  static Resolved resolve(
      String key,
      Secret secret,
      CertificateReadiness issuer,
      LastGoodCertificates.Entry previous,
      CheckedSecrets.Entry checked,
      Instant now) {
    Resolved resolved = resolve(key, secret, previous, checked, now);
    String notReady = issuer == null ? null : issuer.notReady(key, resolved.outcome());
    return notReady == null
        ? resolved
        : new Resolved(
            resolved.outcome().withNotReady(notReady), resolved.lastGood(), resolved.checked());
  }

  private static Resolved resolve(
      String key,
      Secret secret,
      LastGoodCertificates.Entry previous,
      CheckedSecrets.Entry checked,
      Instant now) {
    if (secret == null) {
      return new Resolved(
          new Outcome(
              null,
              true,
              Reason.SECRET_NOT_FOUND,
              "Secret "
                  + key
                  + " of type "
                  + ClusterIndexes.TLS_SECRET_TYPE
                  + " does not exist; "
                  + RETAIN),
          null,
          null);
    }
    if (secret.getMetadata().getLabels() != null
        && "true".equals(secret.getMetadata().getLabels().get(CONTROL_CHANNEL_LABEL))) {
      return new Resolved(
          new Outcome(
              null,
              false,
              Reason.FORBIDDEN_SECRET,
              "Secret "
                  + key
                  + " is a Weir control-channel Secret (label "
                  + CONTROL_CHANNEL_LABEL
                  + "=true) and is never served to clients; its hosts get the default certificate"),
          null,
          null);
    }
    CheckedSecrets.Fields fields = fields(secret);
    CheckedSecrets.Entry entry =
        checked != null && checked.fields().equals(fields) ? checked : null;
    CertificateCheck.Result result = entry == null ? null : entry.resultAt(now);
    Certificate certificate;
    CheckedSecrets.Entry nextChecked;
    if (result != null) {
      nextChecked = entry;
      certificate = entry.certificate();
    } else {
      String chain;
      String privateKey;
      try {
        chain = decode(fields.chain(), fields.chainIsText(), CERTIFICATE_KEY);
        privateKey = decode(fields.key(), fields.keyIsText(), PRIVATE_KEY_KEY);
      } catch (IllegalArgumentException e) {
        return invalid(key, previous, now, Reason.INVALID_CERTIFICATE, e.getMessage(), null);
      }
      if (chain == null || privateKey == null) {
        return invalid(
            key,
            previous,
            now,
            Reason.INVALID_CERTIFICATE,
            "has no " + (chain == null ? CERTIFICATE_KEY : PRIVATE_KEY_KEY),
            null);
      }
      result = CertificateCheck.inspect(chain, privateKey, now);
      SecretValue keyValue = new SecretValue(privateKey);
      certificate = result.ok() ? new Certificate(id(chain, keyValue), chain, keyValue) : null;
      nextChecked = new CheckedSecrets.Entry(fields, certificate, result, now);
    }
    if (!result.ok()) {
      return invalid(key, previous, now, reason(result.problem()), result.message(), nextChecked);
    }
    // The chain's earliest expiry, not the leaf's: an expired intermediate makes the data plane
    // refuse the pair, so it must also end its life as a last good certificate.
    return new Resolved(
        new Outcome(certificate, false, null, null),
        new LastGoodCertificates.Entry(certificate, result.chainNotAfter()),
        nextChecked);
  }

  /** The diagnostic reason for a problem; exhaustive, so a new kind cannot go unmapped. */
  static Reason reason(CertificateCheck.Problem problem) {
    return switch (problem) {
      case EXPIRED -> Reason.CERTIFICATE_EXPIRED;
      case KEY_MISMATCH -> Reason.KEY_MISMATCH;
      case UNPARSABLE_CERTIFICATE, UNPARSABLE_KEY, ENCRYPTED_KEY, UNSUPPORTED_KEY, BROKEN_CHAIN ->
          Reason.INVALID_CERTIFICATE;
    };
  }

  private static Resolved invalid(
      String key,
      LastGoodCertificates.Entry previous,
      Instant now,
      Reason reason,
      String detail,
      CheckedSecrets.Entry checked) {
    LastGoodCertificates.Entry kept =
        previous == null || previous.notAfter().isBefore(now) ? null : previous;
    Certificate lastGood = kept == null ? null : kept.certificate();
    return new Resolved(
        new Outcome(
            lastGood,
            lastGood == null,
            reason,
            "Secret "
                + key
                + ": "
                + detail
                + "; "
                + (lastGood != null ? "its hosts keep the last good certificate" : RETAIN)),
        kept,
        checked);
  }

  /**
   * A Secret value: {@code stringData} (how hand-written manifests often carry PEM; the API server
   * would have merged it into {@code data}) over {@code data} (base64).
   */
  private static CheckedSecrets.Fields fields(Secret secret) {
    String chainText = text(secret, CERTIFICATE_KEY);
    String keyText = text(secret, PRIVATE_KEY_KEY);
    return new CheckedSecrets.Fields(
        chainText != null ? chainText : data(secret, CERTIFICATE_KEY), chainText != null,
        keyText != null ? keyText : data(secret, PRIVATE_KEY_KEY), keyText != null);
  }

  private static String text(Secret secret, String field) {
    return secret.getStringData() == null ? null : secret.getStringData().get(field);
  }

  private static String data(Secret secret, String field) {
    return secret.getData() == null ? null : secret.getData().get(field);
  }

  private static String decode(String raw, boolean isText, String field) {
    if (raw == null || isText) {
      return raw;
    }
    try {
      return new String(Base64.getMimeDecoder().decode(raw), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + " is not base64");
    }
  }

  /** Content hash, so an unchanged certificate keeps its id and a renewed one gets a new one. */
  static String id(String chainPem, SecretValue keyPem) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update(chainPem.getBytes(StandardCharsets.UTF_8));
      sha256.update(keyPem.reveal().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha256.digest()).substring(0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
