package dev.weir.operator.translate;

import static dev.weir.operator.translate.Fixtures.OTHER_CLASS;
import static dev.weir.operator.translate.Fixtures.WEB_SERVICE;
import static dev.weir.operator.translate.Fixtures.annotated;
import static dev.weir.operator.translate.Fixtures.ingress;
import static dev.weir.operator.translate.Fixtures.slice;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.operator.nginx.NginxConfigMap;
import dev.weir.operator.state.InMemoryClusterState;
import java.time.Instant;
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
}
