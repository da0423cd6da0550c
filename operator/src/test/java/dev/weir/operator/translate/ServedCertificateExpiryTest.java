package dev.weir.operator.translate;

import static dev.weir.operator.translate.Fixtures.OUR_CLASS;
import static dev.weir.operator.translate.Fixtures.ingress;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.operator.metrics.OperatorMetrics;
import dev.weir.operator.state.InMemoryClusterState;
import dev.weir.operator.status.ExpiryWarnings;
import dev.weir.operator.testing.SettableClock;
import io.netty.pkitesting.X509Bundle;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The expiry of every served certificate, from a translation: the metric of the time left per
 * Secret, and the warning diagnostics (Events) some days before it, on an injected clock.
 */
class ServedCertificateExpiryTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant EXPIRY = NOW.plus(Duration.ofDays(20));
  private static final X509Bundle SHOP =
      TestCertificates.ec("shop.example.com", NOW.minus(Duration.ofDays(1)), EXPIRY);

  private static Translation translation() {
    return new IngressTranslator()
        .translate(
            InMemoryClusterState.of(
                Fixtures.objects(
                    OUR_CLASS,
                    TestCertificates.secret("shop", "shop-tls", SHOP),
                    ingress(
                        "shop",
                        "web",
                        null,
                        """
                        tls: [{hosts: [shop.example.com], secretName: shop-tls}]
                        rules:
                        - host: shop.example.com
                          http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
                        """),
                    // Not ours: no warning, though it names the same Secret.
                    ingress(
                        "shop",
                        "other",
                        null,
                        "ingressClassName: nginx\n"
                            + "tls: [{hosts: [shop.example.com], secretName: shop-tls}]\n"))),
            TranslateOptions.defaults(),
            LastGoodCertificates.empty(),
            NOW);
  }

  @Test
  void ingressesUsingACertificateAreWarnedOnlyOnceItExpiresWithinThePeriod() {
    Translation t = translation();
    SettableClock clock = new SettableClock(NOW);
    ExpiryWarnings warnings = new ExpiryWarnings(clock, Duration.ofDays(14));

    assertThat(warnings.of(t)).as("20 days left").isEmpty();

    clock.advance(Duration.ofDays(7));
    List<Diagnostic> found = warnings.of(t);
    assertThat(found).extracting(d -> d.object().toString()).containsExactly("Ingress shop/web");
    assertThat(found.get(0).reason()).isEqualTo(Reason.CERTIFICATE_EXPIRING);
    assertThat(found.get(0).message())
        .isEqualTo(
            "the certificate served from Secret shop/shop-tls expires at 2026-01-21T00:00:00Z,"
                + " within 14 days (--certificate-expiry-warning)");

    clock.advance(Duration.ofDays(1));
    assertThat(warnings.of(t)).as("the same warning, the same Event").isEqualTo(found);
  }

  @Test
  void theTimeUntilEachServedCertificateExpiresIsAMetricPerSecret() {
    Translation t = translation();
    SettableClock clock = new SettableClock(NOW);
    OperatorMetrics metrics = new OperatorMetrics(List::of);

    assertThat(metrics.scrape()).doesNotContain("weir_operator_certificate_expiry_seconds{");
    metrics.certificateExpiries(() -> t, clock);
    assertThat(metrics.scrape())
        .contains(
            "weir_operator_certificate_expiry_seconds{namespace=\"shop\",secret=\"shop-tls\"} "
                + (double) Duration.ofDays(20).toSeconds());

    clock.advance(Duration.ofDays(19));
    assertThat(metrics.scrape())
        .contains(
            "weir_operator_certificate_expiry_seconds{namespace=\"shop\",secret=\"shop-tls\"} "
                + (double) Duration.ofDays(1).toSeconds());
  }
}
