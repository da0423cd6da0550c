package dev.weir.operator.translate;

import dev.weir.dataplane.snapshot.SecretValue;
import java.time.Instant;

/**
 * Decides whether a PEM certificate chain and private key can be served: both parse, the key
 * belongs to the first certificate, and that certificate has not expired at {@code now}.
 *
 * <p>An interface because the data plane's {@code tls} package is to offer the same static check;
 * when it does, an adapter replaces {@link JcaKeyPairCheck} and both sides agree by construction.
 */
public interface KeyPairCheck {

  Verdict check(String certificateChainPem, SecretValue privateKeyPem, Instant now);

  sealed interface Verdict permits Usable, Unusable {}

  /**
   * The pair, normalised: certificates re-encoded as bare PEM blocks (text between blocks dropped),
   * the key as PKCS#8 whatever form it came in, so the data plane reads one form only.
   */
  record Usable(String certificateChainPem, SecretValue privateKeyPem, Instant notAfter)
      implements Verdict {}

  /** Why the pair cannot be served. {@code reason} is one of the certificate reasons. */
  record Unusable(Reason reason, String message) implements Verdict {}
}
