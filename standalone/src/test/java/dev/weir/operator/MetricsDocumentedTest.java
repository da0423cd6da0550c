package dev.weir.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.admin.ProcessMetrics;
import dev.weir.contract.testing.DocumentedMetrics;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.operator.metrics.OperatorMetrics;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/metrics.md tells the truth: every metric family either process exposes is documented, and
 * every documented one exists (the chart's dashboard and alerts are held against the same page).
 */
class MetricsDocumentedTest {
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern FAMILY = Pattern.compile("(?m)^# TYPE (\\S+) (\\S+)$");

  /** Meters that exist only with data this test does not make: a served certificate, a GC pause. */
  private static final Set<String> NEEDS_DATA =
      Set.of(
          "weir_operator_certificate_expiry_seconds",
          "jvm_gc_pause_seconds",
          "system_load_average_1m");

  @Test
  void everyExposedWeirMetricIsDocumentedAndEveryDocumentedMetricIsExposed() throws Exception {
    DataplaneMetrics dataplane = new DataplaneMetrics();
    dataplane.snapshotApplied(1);
    dataplane.route("shop.example", "shop/web:80").completed(200, 1_000_000, 10, 20);
    dataplane.upstreamLatency("shop/web:80", 1_000_000);
    dataplane.upstreamFailure("shop/web:80", "connect");
    dataplane.endpointEjected("shop/web:80");
    dataplane.ejectedEndpoints("shop/web:80");
    dataplane.passthroughConnection("shop/tls:443", true);
    OperatorMetrics operator =
        new OperatorMetrics(() -> List.of(new OperatorMetrics.DataPlane("dp-1", 1)));
    operator.translated(1_000_000);
    Set<String> exposed = new TreeSet<>();
    try (ProcessMetrics jvm = ProcessMetrics.bindTo(dataplane.registry());
        ProcessMetrics operatorJvm = ProcessMetrics.bindTo(operator.registry())) {
      exposed.addAll(families(dataplane.scrape()));
      exposed.addAll(families(operator.scrape()));
    }
    Set<String> documented = DocumentedMetrics.in(REPO);

    assertThat(documented)
        .as("documented in docs/metrics.md")
        .containsAll(exposed.stream().filter(n -> n.startsWith("weir_")).toList());
    Set<String> missing = new TreeSet<>(documented);
    missing.removeAll(exposed);
    missing.removeAll(NEEDS_DATA);
    assertThat(missing).as("documented but not exposed").isEmpty();
  }

  /** Family names, without the {@code _max} gauge each timer adds beside its histogram. */
  private static Set<String> families(String exposition) {
    Set<String> names = new TreeSet<>();
    Matcher m = FAMILY.matcher(exposition);
    while (m.find()) {
      String name = m.group(1);
      if (!(name.endsWith("_max")
          && exposition.contains("# TYPE " + name.replaceAll("_max$", " ")))) {
        names.add(name);
      }
    }
    return names;
  }
}
