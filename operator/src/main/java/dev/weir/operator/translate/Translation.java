package dev.weir.operator.translate;

import dev.weir.contract.snapshot.Snapshot;
import dev.weir.operator.state.ObjectRef;
import java.util.List;

/**
 * The result of one translation.
 *
 * @param snapshot what the data planes should serve; version 0, the publisher sets the version
 * @param diagnostics problems found, per object, sorted
 * @param lastGoodCertificates to pass to the next translation
 * @param ingresses the Ingresses that are ours (whose status we own), sorted
 * @param checkedSecrets to pass to the next translation
 */
public record Translation(
    Snapshot snapshot,
    List<Diagnostic> diagnostics,
    LastGoodCertificates lastGoodCertificates,
    List<ObjectRef> ingresses,
    CheckedSecrets checkedSecrets) {

  public Translation {
    diagnostics = List.copyOf(diagnostics);
    ingresses = List.copyOf(ingresses);
  }
}
