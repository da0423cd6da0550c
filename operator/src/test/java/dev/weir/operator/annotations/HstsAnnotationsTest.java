package dev.weir.operator.annotations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Hsts;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HstsAnnotationsTest {
  private static final Hsts CONTROLLER = new Hsts(600, false, true);

  @ParameterizedTest(name = "hsts={0} max-age={1} sub={2} preload={3} controller={4} -> {5}")
  @CsvSource({
    // nothing set: the controller's HSTS, or none
    ",,,, on, max-age=600; preload",
    ",,,, off, -",
    // weir.dev/hsts turns it off, or on with ingress-nginx's defaults when the controller has none
    "false,,,, on, -",
    "true,,,, off, max-age=31536000; includeSubDomains",
    "true, 60,,, off, max-age=60; includeSubDomains",
    // each value overrides the controller's; without weir.dev/hsts they only shape its header
    ", 0,,, on, max-age=0; preload",
    ",, true, false, on, max-age=600; includeSubDomains",
    ", 60, true, true, off, -"
  })
  void aHostsAnnotationsOverrideTheControllersHsts(
      String enabled,
      String maxAge,
      String includeSubDomains,
      String preload,
      String controller,
      String header) {
    Map<String, String> annotations = new HashMap<>();
    put(annotations, "hsts", enabled);
    put(annotations, "hsts-max-age", maxAge);
    put(annotations, "hsts-include-subdomains", includeSubDomains);
    put(annotations, "hsts-preload", preload);
    IngressAnnotations read = IngressAnnotations.read(annotations, "shop");
    assertThat(read.problems()).isEmpty();
    Optional<Hsts> hsts =
        read.host()
            .hsts()
            .over(controller.equals("on") ? Optional.of(CONTROLLER) : Optional.empty());
    assertThat(hsts.map(Hsts::headerValue).orElse("-")).isEqualTo(header);
  }

  private static void put(Map<String, String> annotations, String suffix, String value) {
    if (value != null) {
      annotations.put(AnnotationNames.WEIR_PREFIX + suffix, value);
    }
  }
}
