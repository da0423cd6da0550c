package dev.weir.operator.translate;

import static dev.weir.operator.translate.Fixtures.OUR_CLASS;
import static dev.weir.operator.translate.Fixtures.ingress;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.operator.state.InMemoryClusterState;
import io.netty.pkitesting.X509Bundle;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Checked Secrets passed from one translation to the next: faster, never different. */
class CheckedSecretsTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant LATER = NOW.plus(Duration.ofDays(90));
  private static final X509Bundle SHOP =
      TestCertificates.ec("shop.example.com", NOW.minus(Duration.ofDays(1)), LATER);
  private static final X509Bundle BLOG =
      TestCertificates.ec("blog.example.com", NOW.minus(Duration.ofDays(1)), LATER);

  private static final String SERVICE =
      """
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: shop}
      spec: {ports: [{name: http, port: 80}]}
      """;
  private static final String INGRESS =
      ingress(
          "shop",
          "web",
          null,
          """
      tls:
      - {hosts: [shop.example.com], secretName: shop-tls}
      - {hosts: [blog.example.com], secretName: blog-tls}
      rules:
      - host: shop.example.com
        http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
      - host: blog.example.com
        http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
      """);

  private final IngressTranslator translator = new IngressTranslator();

  private Translation translate(Translation previous, Instant now, String... yaml) {
    return translator.translate(
        InMemoryClusterState.of(Fixtures.objects(yaml)),
        TranslateOptions.defaults(),
        previous == null ? LastGoodCertificates.empty() : previous.lastGoodCertificates(),
        previous == null ? CheckedSecrets.empty() : previous.checkedSecrets(),
        now);
  }

  @Test
  void unchangedSecretsAreNotCheckedAgainAndTheTranslationIsTheSame() {
    String[] objects = {
      OUR_CLASS,
      SERVICE,
      TestCertificates.secret("shop", "shop-tls", SHOP),
      TestCertificates.secret("shop", "blog-tls", BLOG),
      INGRESS
    };
    Translation first = translate(null, NOW, objects);
    Translation second = translate(first, NOW.plusSeconds(1), objects);

    assertThat(second.snapshot()).isEqualTo(first.snapshot());
    assertThat(second.diagnostics()).isEqualTo(first.diagnostics()).isEmpty();
    // The very certificate objects of the first translation: no decoding, no check.
    for (int i = 0; i < 2; i++) {
      assertThat(second.snapshot().certificates().get(i))
          .isSameAs(first.snapshot().certificates().get(i));
    }
    assertThat(second.checkedSecrets().size()).isEqualTo(2);
  }

  @Test
  void aChangedSecretIsCheckedAgain() {
    Translation first =
        translate(
            null,
            NOW,
            OUR_CLASS,
            SERVICE,
            TestCertificates.secret("shop", "shop-tls", SHOP),
            TestCertificates.secret("shop", "blog-tls", BLOG),
            INGRESS);
    // blog-tls now pairs blog's certificate with shop's key.
    Translation second =
        translate(
            first,
            NOW,
            OUR_CLASS,
            SERVICE,
            TestCertificates.secret("shop", "shop-tls", SHOP),
            TestCertificates.secret(
                "shop", "blog-tls", BLOG.getCertificatePEM(), SHOP.getPrivateKeyPEM()),
            INGRESS);

    assertThat(second.diagnostics())
        .extracting(Diagnostic::reason)
        .containsExactly(Reason.KEY_MISMATCH);
  }

  @Test
  void aCheckedCertificateThatHasSinceExpiredIsRefused() {
    String[] objects = {
      OUR_CLASS,
      SERVICE,
      TestCertificates.secret("shop", "shop-tls", SHOP),
      TestCertificates.secret("shop", "blog-tls", BLOG),
      INGRESS
    };
    Translation first = translate(null, NOW, objects);
    Translation expired = translate(first, LATER.plusSeconds(1), objects);

    assertThat(expired.diagnostics())
        .extracting(Diagnostic::reason)
        .containsExactly(Reason.CERTIFICATE_EXPIRED, Reason.CERTIFICATE_EXPIRED);
  }

  @Test
  void secretsNoLongerUsedAreEvicted() {
    Translation first =
        translate(
            null,
            NOW,
            OUR_CLASS,
            SERVICE,
            TestCertificates.secret("shop", "shop-tls", SHOP),
            TestCertificates.secret("shop", "blog-tls", BLOG),
            INGRESS);
    Translation second =
        translate(
            first,
            NOW,
            OUR_CLASS,
            SERVICE,
            TestCertificates.secret("shop", "shop-tls", SHOP),
            INGRESS);

    assertThat(first.checkedSecrets().size()).isEqualTo(2);
    assertThat(second.checkedSecrets().size()).isEqualTo(1);
  }
}
