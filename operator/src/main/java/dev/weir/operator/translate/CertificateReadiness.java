package dev.weir.operator.translate;

import dev.weir.operator.certmanager.model.Certificate;
import dev.weir.operator.certmanager.model.certificatestatus.Conditions;
import dev.weir.operator.state.ObjectRef;
import dev.weir.operator.state.ResourceKind;
import java.util.List;

/**
 * What Weir reads of a cert-manager Certificate: whether its {@code Ready} condition is {@code
 * True}, and if not, the condition's reason and message. A value, so a translator can tell by
 * comparison whether a Certificate's update changes anything it decided (cert-manager rewrites
 * status often, mostly without changing readiness).
 *
 * @param certificate the Certificate
 * @param reason the Ready condition's reason (empty when it has none)
 * @param message the Ready condition's message (empty when it has none)
 */
record CertificateReadiness(ObjectRef certificate, boolean ready, String reason, String message) {
  private static final String READY = "Ready";

  /** The readiness of {@code certificate}; null for null. */
  static CertificateReadiness of(Certificate certificate) {
    if (certificate == null) {
      return null;
    }
    ObjectRef ref =
        new ObjectRef(
            ResourceKind.CERTIFICATE.kindName(),
            certificate.getMetadata().getNamespace(),
            certificate.getMetadata().getName());
    List<Conditions> conditions =
        certificate.getStatus() == null || certificate.getStatus().getConditions() == null
            ? List.of()
            : certificate.getStatus().getConditions();
    for (Conditions c : conditions) {
      if (c != null && READY.equals(c.getType())) {
        return new CertificateReadiness(
            ref,
            c.getStatus() == Conditions.Status.TRUE,
            c.getReason() == null ? "" : c.getReason(),
            c.getMessage() == null ? "" : c.getMessage());
      }
    }
    // cert-manager sets Ready as soon as it looks at a Certificate: none means not yet looked at.
    return new CertificateReadiness(ref, false, "", "no Ready condition yet");
  }

  /**
   * The diagnostic text for Secret {@code secretKey} when this Certificate is not Ready, else null.
   *
   * @param outcome the Secret's own outcome, which decides what its hosts are served meanwhile
   */
  String notReady(String secretKey, CertificateResolver.Outcome outcome) {
    if (ready) {
      return null;
    }
    String why = reason.isEmpty() ? message : message.isEmpty() ? reason : reason + ": " + message;
    String meanwhile =
        outcome.problem() == null
            ? "its hosts keep the valid certificate Secret " + secretKey + " holds"
            : "Secret " + secretKey + " has its own diagnostic saying what its hosts are served";
    return "cert-manager Certificate "
        + certificate.namespace()
        + "/"
        + certificate.name()
        + " (writing Secret "
        + secretKey
        + ") is not Ready ("
        + why
        + "); "
        + meanwhile;
  }
}
