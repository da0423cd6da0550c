package dev.weir.operator.translate;

/**
 * Why a diagnostic was raised. {@link #camelCase()} is the form Kubernetes Events use as their
 * reason.
 */
public enum Reason {
  SECRET_NOT_FOUND("SecretNotFound"),
  CROSS_NAMESPACE_SECRET("CrossNamespaceSecret"),
  FORBIDDEN_SECRET("ForbiddenSecret"),
  INVALID_CERTIFICATE("InvalidCertificate"),
  KEY_MISMATCH("KeyMismatch"),
  CERTIFICATE_EXPIRED("CertificateExpired"),
  CONFLICTING_CERTIFICATE("ConflictingCertificate"),
  SERVICE_NOT_FOUND("ServiceNotFound"),
  SERVICE_PORT_NOT_FOUND("ServicePortNotFound"),
  UNSUPPORTED_BACKEND("UnsupportedBackend"),
  FORBIDDEN_ENDPOINT_ADDRESS("ForbiddenEndpointAddress"),
  UNSUPPORTED_ENDPOINT_ADDRESS("UnsupportedEndpointAddress"),
  CONFLICTING_PATH("ConflictingPath"),
  CONFLICTING_DEFAULT_BACKEND("ConflictingDefaultBackend"),
  INVALID_PATH("InvalidPath"),
  INVALID_HOST("InvalidHost");

  private final String camelCase;

  Reason(String camelCase) {
    this.camelCase = camelCase;
  }

  public String camelCase() {
    return camelCase;
  }
}
