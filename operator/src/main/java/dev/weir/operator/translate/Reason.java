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
  /** A cert-manager Certificate writing an Ingress's TLS Secret is not Ready. */
  CERTIFICATE_NOT_READY("CertificateNotReady"),
  /** A served certificate expires within the operator's warning period. */
  CERTIFICATE_EXPIRING("CertificateExpiring"),
  CONFLICTING_CERTIFICATE("ConflictingCertificate"),
  SERVICE_NOT_FOUND("ServiceNotFound"),
  SERVICE_PORT_NOT_FOUND("ServicePortNotFound"),
  UNSUPPORTED_BACKEND("UnsupportedBackend"),
  FORBIDDEN_ENDPOINT_ADDRESS("ForbiddenEndpointAddress"),
  UNSUPPORTED_ENDPOINT_ADDRESS("UnsupportedEndpointAddress"),
  /**
   * {@code service-upstream} on a Service without a usable ClusterIP (headless): its endpoints are
   * used instead.
   */
  SERVICE_UPSTREAM_IGNORED("ServiceUpstreamIgnored"),
  /**
   * A {@code server-alias} that is already another host, or another host's alias or redirect: it is
   * left out, as ingress-nginx leaves it out.
   */
  ALIAS_IGNORED("AliasIgnored"),
  /**
   * A {@code from-to-www-redirect} whose other name is already a host (or cannot be one): no
   * redirect is made, as ingress-nginx makes none.
   */
  WWW_REDIRECT_IGNORED("WwwRedirectIgnored"),
  CONFLICTING_PATH("ConflictingPath"),
  CONFLICTING_DEFAULT_BACKEND("ConflictingDefaultBackend"),
  INVALID_PATH("InvalidPath"),
  /**
   * Paths of pathType ImplementationSpecific that look like regular expressions, which Weir matches
   * as literal prefixes.
   */
  IMPLEMENTATION_SPECIFIC_REGEX("ImplementationSpecificRegex"),
  INVALID_HOST("InvalidHost"),
  /**
   * An annotation's value Weir cannot use: the default applies (a Secret's feature fails closed).
   */
  INVALID_ANNOTATION("InvalidAnnotation"),
  /** An ingress-nginx annotation Weir does not implement. */
  UNSUPPORTED_ANNOTATION("UnsupportedAnnotation"),
  /** A name under Weir's prefixes that no controller defines, often a typo. */
  UNKNOWN_ANNOTATION("UnknownAnnotation"),
  /** A supported annotation without effect where it is written. */
  IGNORED_ANNOTATION("IgnoredAnnotation"),
  /** Re-encryption to pods whose certificates are not verified. */
  UNVERIFIED_UPSTREAM("UnverifiedUpstream"),
  /** A path on a host another Ingress makes a passthrough host: Weir sees no HTTP there. */
  PASSTHROUGH_HOST("PassthroughHost"),
  /** A basic-auth Secret without usable passwords: the Ingress's paths answer 503. */
  INVALID_AUTH_SECRET("InvalidAuthSecret"),
  /**
   * A path of a canary Ingress that no main Ingress routes (by host, path and path type), that an
   * older canary took, or whose backend is the main route's own: it is served by nothing.
   */
  CANARY_NOT_ATTACHED("CanaryNotAttached"),
  /** A canary Ingress's TLS entries or default backend, which only main Ingresses have. */
  CANARY_SPEC_IGNORED("CanarySpecIgnored"),
  /** The ConfigMap of {@code custom-headers} does not exist: the Ingress's paths answer 503. */
  CONFIG_MAP_NOT_FOUND("ConfigMapNotFound"),
  /**
   * A {@code custom-headers} ConfigMap with an invalid header name or value, or a header not in
   * {@code global-allowed-response-headers}: the Ingress's paths answer 503.
   */
  INVALID_CUSTOM_HEADERS("InvalidCustomHeaders"),
  /** A key of ingress-nginx's ConfigMap ({@code --nginx-configmap}) that Weir does not read. */
  UNSUPPORTED_CONFIG_KEY("UnsupportedConfigKey"),
  /** A key of ingress-nginx's ConfigMap with a value Weir cannot use: Weir's default applies. */
  INVALID_CONFIG_VALUE("InvalidConfigValue");

  private final String camelCase;

  Reason(String camelCase) {
    this.camelCase = camelCase;
  }

  public String camelCase() {
    return camelCase;
  }
}
