package dev.weir.operator.status;

import dev.weir.operator.state.ClusterIndexes;
import dev.weir.operator.state.ObjectRef;
import dev.weir.operator.state.ResourceKind;
import dev.weir.operator.translate.Diagnostic;
import dev.weir.operator.translate.Reason;
import dev.weir.operator.translate.Translation;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Warnings for certificates about to expire: a {@link Reason#CERTIFICATE_EXPIRING} diagnostic on
 * every Ingress of ours whose TLS Secret serves a certificate expiring within {@code ahead}. Kept
 * out of the translation, which depends on time only where it changes what is served: these are
 * asked for whenever status is reconciled (after each translation and periodically), with this
 * class's clock, so an approaching expiry is reported without any change in the cluster.
 *
 * <p>The message names the expiry instant, not the time left, so the same warning stays one Event
 * (counted up) instead of a new one every day.
 */
public final class ExpiryWarnings {
  public static final Duration DEFAULT_AHEAD = Duration.ofDays(14);

  private final Clock clock;
  private final Duration ahead;

  public ExpiryWarnings(Clock clock, Duration ahead) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.ahead = Objects.requireNonNull(ahead, "ahead");
  }

  /** The warnings for {@code translation}'s served certificates, as of now. */
  public List<Diagnostic> of(Translation translation) {
    Instant horizon = clock.instant().plus(ahead);
    Map<String, Instant> expiries = translation.lastGoodCertificates().expiries();
    Set<ObjectRef> ours = new HashSet<>(translation.ingresses());
    List<Diagnostic> warnings = new ArrayList<>();
    for (Ingress ingress : translation.considered()) {
      if (ingress.getMetadata() == null) {
        continue;
      }
      ObjectRef ref =
          new ObjectRef(
              ResourceKind.INGRESS.kindName(),
              ingress.getMetadata().getNamespace(),
              ingress.getMetadata().getName());
      if (!ours.contains(ref)) {
        continue;
      }
      for (String secret : ClusterIndexes.ingressSecrets(ingress)) {
        Instant notAfter = expiries.get(secret);
        if (notAfter != null && notAfter.isBefore(horizon)) {
          warnings.add(
              new Diagnostic(
                  ref,
                  Reason.CERTIFICATE_EXPIRING,
                  "the certificate served from Secret "
                      + secret
                      + " expires at "
                      + notAfter
                      + ", within "
                      + days(ahead)
                      + " (--certificate-expiry-warning)"));
        }
      }
    }
    return warnings;
  }

  private static String days(Duration d) {
    return d.toHours() % 24 == 0 && d.toDays() > 0 ? d.toDays() + " days" : d.toString();
  }
}
