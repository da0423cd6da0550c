package dev.weir.operator.annotations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.RetryCondition;
import dev.weir.contract.snapshot.RetryPolicy;
import dev.weir.contract.snapshot.Timeouts;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathAnnotationsTest {
  private static final String NGINX = AnnotationNames.NGINX_PREFIX;

  @ParameterizedTest(name = "ssl-redirect={0} force={1} tls={2} default={3} -> {4}")
  @CsvSource({
    // ssl-redirect unset follows the controller's default, and needs a certificate
    ", false, true, true, true",
    ", false, true, false, false",
    ", false, false, true, false",
    "true, false, true, false, true",
    "false, false, true, true, false",
    "true, false, false, true, false",
    // force-ssl-redirect redirects without a certificate and whatever ssl-redirect says
    ", true, false, false, true",
    "false, true, false, true, true",
    "false, true, true, true, true"
  })
  void redirectsToHttpsAsIngressNginxDecides(
      String sslRedirect, boolean force, boolean hostHasTls, boolean byDefault, boolean redirects) {
    Map<String, String> annotations =
        sslRedirect == null
            ? Map.of(NGINX + "force-ssl-redirect", String.valueOf(force))
            : Map.of(
                NGINX + "force-ssl-redirect",
                String.valueOf(force),
                NGINX + "ssl-redirect",
                sslRedirect);
    PathAnnotations path = IngressAnnotations.read(annotations, "shop").path();
    assertThat(path.redirectsToHttps(hostHasTls, byDefault)).isEqualTo(redirects);
  }

  @Test
  void timeoutsReplaceOnlyWhatIsSetAndAreAbsentWhenNoneIs() {
    Timeouts base = new Timeouts(2_000, 30_000, 40_000L);
    assertThat(PathAnnotations.NONE.timeouts(base)).isEmpty();
    PathAnnotations read =
        IngressAnnotations.read(Map.of(NGINX + "proxy-read-timeout", "3600"), "shop").path();
    assertThat(read.timeouts(base)).contains(new Timeouts(2_000, 3_600_000, 40_000L));
    PathAnnotations all =
        IngressAnnotations.read(
                Map.of(
                    NGINX + "proxy-connect-timeout", "1",
                    NGINX + "proxy-read-timeout", "2",
                    NGINX + "proxy-send-timeout", "3"),
                "shop")
            .path();
    assertThat(all.timeouts(Timeouts.DEFAULTS))
        .isEqualTo(Optional.of(new Timeouts(1_000, 2_000, 3_000L)));
  }

  @Test
  void retryPolicyTakesNginxsDefaultForWhatIsNotSet() {
    assertThat(IngressAnnotations.read(Map.of(), "ns").path().retry()).isEmpty();
    assertThat(
            IngressAnnotations.read(Map.of(NGINX + "proxy-next-upstream-timeout", "3"), "ns")
                .path()
                .retry())
        .contains(new RetryPolicy(List.of(RetryCondition.ERROR, RetryCondition.TIMEOUT), 3_000L));
    assertThat(
            IngressAnnotations.read(Map.of(NGINX + "proxy-next-upstream", "off"), "ns")
                .path()
                .retry())
        .contains(RetryPolicy.OFF);
  }
}
