package dev.weir.operator.translate;

import static dev.weir.operator.translate.Fixtures.OTHER_CLASS;
import static dev.weir.operator.translate.Fixtures.WEB_SERVICE;
import static dev.weir.operator.translate.Fixtures.annotated;
import static dev.weir.operator.translate.Fixtures.ingress;
import static dev.weir.operator.translate.Fixtures.slice;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.RetryCondition;
import dev.weir.contract.snapshot.RetryPolicy;
import dev.weir.contract.snapshot.Route;
import dev.weir.operator.nginx.NginxConfigMap;
import dev.weir.operator.state.InMemoryClusterState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * ingress-nginx's ConfigMap as global defaults under each Ingress's annotations, and the cutover
 * options that serve its existing {@code nginx} class.
 */
class NginxDefaultsTranslationTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final String SLICE =
      slice(
          "web-a",
          """
      addressType: IPv4
      endpoints:
      - addresses: [10.0.0.1]
        conditions: {ready: true}
      ports:
      - {name: http, port: 8080}
      """);
  private static final String PATH =
      "rules:\n- host: shop.example.com\n  http:\n    paths:\n    - {path: /, pathType: Prefix,"
          + " backend: {service: {name: web, port: {number: 80}}}}\n";

  private static Translation translate(TranslateOptions options, String... yaml) {
    return new IngressTranslator()
        .translate(
            InMemoryClusterState.of(Fixtures.objects(yaml)),
            options,
            LastGoodCertificates.empty(),
            NOW);
  }

  @Test
  void configMapKeysAreDefaultsUnderTheIngresssOwnAnnotations() {
    NginxConfigMap nginx =
        NginxConfigMap.read(
            Map.of(
                "proxy-body-size", "1m",
                "proxy-read-timeout", "120",
                "proxy-next-upstream-tries", "3",
                "disable-access-log", "true"));
    TranslateOptions options = nginx.applyTo(TranslateOptions.defaults());
    Translation t =
        translate(
            options,
            Fixtures.OUR_CLASS,
            WEB_SERVICE,
            SLICE,
            ingress("shop", "plain", null, PATH),
            annotated(
                ingress("shop", "own", null, PATH.replace("shop.example.com", "api.example.com")),
                "nginx.ingress.kubernetes.io/proxy-body-size",
                "8m"));
    assertThat(Fixtures.settings(t.snapshot()))
        .containsExactlyInAnyOrder(
            "api.example.com Prefix /: body=8388608, timeouts=5000/120000/60000, tries=3, no"
                + " access log",
            "shop.example.com Prefix /: body=1048576, timeouts=5000/120000/60000, tries=3, no"
                + " access log");
    assertThat(t.diagnostics()).isEmpty();
  }

  @Test
  void aDefaultWithoutEffectOnAnIngressIsNotThatIngresssProblem() {
    TranslateOptions options =
        NginxConfigMap.read(Map.of("proxy-body-size", "1m")).applyTo(TranslateOptions.defaults());
    Translation t =
        translate(
            options,
            Fixtures.OUR_CLASS,
            WEB_SERVICE,
            SLICE,
            annotated(
                ingress("shop", "tls", null, PATH),
                "nginx.ingress.kubernetes.io/ssl-passthrough",
                "true"));
    assertThat(t.diagnostics()).isEmpty();
  }

  @Test
  void theConfigMapsHttpsKeysWinOverTheCommandLine() {
    NginxConfigMap nginx =
        NginxConfigMap.read(Map.of("ssl-redirect", "false", "hsts-max-age", "600"));
    HttpsDefaults merged = nginx.httpsDefaults(HttpsDefaults.DEFAULTS);
    assertThat(merged.sslRedirect()).isFalse();
    assertThat(merged.hsts()).get().extracting(h -> h.maxAgeSeconds()).isEqualTo(600L);
    assertThat(NginxConfigMap.read(Map.of("hsts", "false")).httpsDefaults(HttpsDefaults.DEFAULTS))
        .isEqualTo(new HttpsDefaults(true, Optional.empty()));
  }

  @Test
  void theNginxClassIsServedByControllerNameOrByClassName() {
    String nginxIngress = ingress("shop", "web", null, "ingressClassName: nginx\n" + PATH);
    assertThat(
            translate(TranslateOptions.defaults(), OTHER_CLASS, WEB_SERVICE, SLICE, nginxIngress)
                .ingresses())
        .isEmpty();
    TranslateOptions byController =
        new TranslateOptions(
            "k8s.io/ingress-nginx", "nginx", false, false, TranslateOptions.defaults().settings());
    assertThat(translate(byController, OTHER_CLASS, WEB_SERVICE, SLICE, nginxIngress).ingresses())
        .hasSize(1);
    TranslateOptions byName =
        new TranslateOptions(
                TranslateOptions.CONTROLLER_NAME,
                "nginx",
                false,
                false,
                TranslateOptions.defaults().settings())
            .withIngressClassByName(true);
    assertThat(translate(byName, OTHER_CLASS, WEB_SERVICE, SLICE, nginxIngress).ingresses())
        .hasSize(1);
    // The class name alone matches the legacy annotation only, as before.
    TranslateOptions nameOnly =
        new TranslateOptions(
            TranslateOptions.CONTROLLER_NAME,
            "nginx",
            false,
            false,
            TranslateOptions.defaults().settings());
    assertThat(translate(nameOnly, OTHER_CLASS, WEB_SERVICE, SLICE, nginxIngress).ingresses())
        .isEmpty();
  }

  @Test
  void retriesComeFromTheAnnotationThenTheConfigMapThenTheOptionsKeyByKey() {
    RetryDefaults fromOptions =
        new RetryDefaults(
            new RetryPolicy(List.of(RetryCondition.ERROR, RetryCondition.HTTP_502), 4_000L), 5);
    String plain = ingress("shop", "plain", null, PATH);
    String own =
        annotated(
            ingress("shop", "own", null, PATH.replace("shop.example.com", "api.example.com")),
            "nginx.ingress.kubernetes.io/proxy-next-upstream-timeout",
            "1");

    Translation optionsOnly =
        translate(
            TranslateOptions.defaults().withRetry(fromOptions),
            Fixtures.OUR_CLASS,
            WEB_SERVICE,
            SLICE,
            plain,
            own);
    Backend backend = optionsOnly.snapshot().backends().get(0);
    assertThat(backend.retry()).isEqualTo(fromOptions.policy());
    assertThat(backend.connectRetries()).isEqualTo(4);
    assertThat(routeOf(optionsOnly, "shop.example.com").settings().retry())
        .as("nothing written: the backend's, the options'")
        .isNull();
    assertThat(routeOf(optionsOnly, "api.example.com").settings().retry())
        .as("the annotation's timeout with the options' conditions")
        .isEqualTo(new RetryPolicy(fromOptions.policy().on(), 1_000L));

    TranslateOptions withConfigMap =
        NginxConfigMap.read(
                Map.of("proxy-next-upstream", "error timeout", "proxy-next-upstream-tries", "2"))
            .applyTo(TranslateOptions.defaults().withRetry(fromOptions));
    Translation t = translate(withConfigMap, Fixtures.OUR_CLASS, WEB_SERVICE, SLICE, plain, own);
    Route shop = routeOf(t, "shop.example.com");
    assertThat(shop.settings().retry())
        .as("the ConfigMap's conditions with the options' budget")
        .isEqualTo(new RetryPolicy(List.of(RetryCondition.ERROR, RetryCondition.TIMEOUT), 4_000L));
    assertThat(shop.settings().upstreamTries()).isEqualTo(2);
    assertThat(routeOf(t, "api.example.com").settings().retry())
        .isEqualTo(new RetryPolicy(List.of(RetryCondition.ERROR, RetryCondition.TIMEOUT), 1_000L));
    assertThat(t.snapshot().backends().get(0).connectRetries())
        .as("still the options' for whatever uses the backend without a route's tries")
        .isEqualTo(4);
    assertThat(t.diagnostics()).isEmpty();
  }

  @Test
  void defaultRetryOptionsLeaveBackendsAsTheyWere() {
    Translation t =
        translate(
            TranslateOptions.defaults(),
            Fixtures.OUR_CLASS,
            WEB_SERVICE,
            SLICE,
            ingress("shop", "plain", null, PATH));
    assertThat(t.snapshot().backends().get(0).retry()).isEqualTo(RetryPolicy.DEFAULT);
    assertThat(t.snapshot().backends().get(0).connectRetries())
        .isEqualTo(Backend.DEFAULT_CONNECT_RETRIES);
    Backend eachOnce =
        translate(
                TranslateOptions.defaults().withRetry(new RetryDefaults(RetryPolicy.OFF, 0)),
                Fixtures.OUR_CLASS,
                WEB_SERVICE,
                SLICE,
                ingress("shop", "plain", null, PATH))
            .snapshot()
            .backends()
            .get(0);
    assertThat(eachOnce.retry()).isEqualTo(RetryPolicy.OFF);
    assertThat(eachOnce.connectRetries()).isEqualTo(Integer.MAX_VALUE - 1);
  }

  private static Route routeOf(Translation t, String host) {
    return t.snapshot().virtualHosts().stream()
        .filter(v -> v.host().equals(host))
        .findFirst()
        .orElseThrow()
        .routes()
        .get(0);
  }
}
