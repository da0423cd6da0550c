import dev.weir.contract.control.ControlFrameCodec;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.SnapshotDelta;
import dev.weir.operator.source.ManifestSource;
import dev.weir.operator.state.ClusterState;
import dev.weir.operator.state.InMemoryClusterState;
import dev.weir.operator.translate.IncrementalTranslator;
import dev.weir.operator.translate.TranslateOptions;
import dev.weir.operator.translate.Translation;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Translation time and control-channel bytes for the scale benchmark, from the operator's own
 * classes: the manifests of a generated directory are read once (ManifestSource), translated
 * (IncrementalTranslator, as the operator's loop does), then K times one Ingress is added and the
 * result translated again by the same translator, which redoes only what the change touches (as
 * the operator's loop does). For each change, the frames the control server would send are encoded with the real
 * frame encoder: the full snapshot (what a connecting data plane gets) and the delta (what a
 * connected one gets).
 *
 * <pre>java -cp operator/target/weir-operator.jar bench/ControlBytes.java DIR/manifests [K]</pre>
 *
 * Prints one line of key=value figures (milliseconds, per change with two decimals, and bytes).
 */
public final class ControlBytes {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int changes = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    ManifestSource source = new ManifestSource(dir);
    source.start();
    ClusterState base = source.state();
    source.close();
    // The generated manifests hold an IngressClass of ours; loopback endpoints as in standalone.
    TranslateOptions options = TranslateOptions.defaults().withAllowLocalEndpoints(true);
    IncrementalTranslator translator = new IncrementalTranslator();

    long t0 = System.nanoTime();
    Translation first = translator.translate(base, options, Instant.now());
    long coldMillis = (System.nanoTime() - t0) / 1_000_000;
    Snapshot previous = first.snapshot().withVersion(1);
    long t1 = System.nanoTime();
    byte[] full = ControlFrameCodec.encodeSnapshot(previous);
    long fullEncodeMillis = (System.nanoTime() - t1) / 1_000_000;

    Translation last = first;
    List<Ingress> added = new ArrayList<>();
    long[] translateMicros = new long[changes];
    long[] deltaBytes = new long[changes];
    long[] deltaMillis = new long[changes];
    for (int k = 0; k < changes; k++) {
      added.add(new IngressBuilder().withNewMetadata().withName("change-" + k)
          .withNamespace("bench").endMetadata().withNewSpec().withIngressClassName("weir")
          .addNewRule().withHost("change-" + k + ".scale.weir.test").withNewHttp().addNewPath()
          .withPath("/").withPathType("Prefix").withNewBackend().withNewService()
          .withName("app-0").withNewPort().withNumber(80).endPort().endService().endBackend()
          .endPath().endHttp().endRule().endSpec().build());
      // As the manifest source makes it: the last state plus the changed object.
      ClusterState state = ((InMemoryClusterState) base).with(List.copyOf(added), List.of());
      long s = System.nanoTime();
      last = translator.translate(state, options, Instant.now());
      translateMicros[k] = (System.nanoTime() - s) / 1_000;
      Snapshot next = last.snapshot().withVersion(k + 2);
      long d = System.nanoTime();
      SnapshotDelta delta = SnapshotDelta.between(previous, next).orElseThrow();
      deltaBytes[k] = ControlFrameCodec.encodeDelta(delta).length;
      deltaMillis[k] = (System.nanoTime() - d) / 1_000_000;
      previous = next;
    }
    System.out.printf("ingresses=%d translate_cold_ms=%d translate_change_p50_ms=%.2f "
        + "translate_change_p99_ms=%.2f full_frame_bytes=%d full_encode_ms=%d "
        + "delta_frame_bytes_p50=%d delta_frame_bytes_max=%d delta_ms_p50=%d%n",
        base.ingresses().size(), coldMillis, pct(translateMicros, 50) / 1000.0,
        pct(translateMicros, 99) / 1000.0,
        full.length, fullEncodeMillis, pct(deltaBytes, 50), pct(deltaBytes, 100),
        pct(deltaMillis, 50));
  }

  private static long pct(long[] values, int p) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
