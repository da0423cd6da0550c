package dev.weir.operator.translate;

import dev.weir.contract.snapshot.Snapshot;
import dev.weir.operator.state.ObjectRef;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.List;

/**
 * The result of one translation.
 *
 * @param snapshot what the data planes should serve; version 0, the publisher sets the version
 * @param diagnostics problems found, per object, sorted
 * @param lastGoodCertificates to pass to the next translation
 * @param ingresses the Ingresses that are ours (whose status we own), sorted
 * @param checkedSecrets to pass to the next translation
 * @param considered every Ingress the translated state held, ours or not (status is written to ours
 *     and cleared from those that stopped being ours); instances shared with the source, never to
 *     be modified
 */
public record Translation(
    Snapshot snapshot,
    List<Diagnostic> diagnostics,
    LastGoodCertificates lastGoodCertificates,
    List<ObjectRef> ingresses,
    CheckedSecrets checkedSecrets,
    List<Ingress> considered) {

  public Translation {
    diagnostics = List.copyOf(diagnostics);
    ingresses = List.copyOf(ingresses);
    considered = List.copyOf(considered);
  }
}
