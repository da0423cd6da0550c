package dev.weir.operator.nginx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.weir.operator.nginx.NginxConfigMap.Key;
import dev.weir.operator.nginx.NginxConfigMap.KeyStatus;
import dev.weir.operator.translate.TranslateOptions;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class NginxConfigMapTest {
  @Test
  void everyKeyIsReadOrReported() {
    Map<String, String> data = new TreeMap<>();
    data.put("proxy-connect-timeout", "10");
    data.put("proxy-read-timeout", "5s");
    data.put("proxy-body-size", "20m");
    data.put("hsts", "true");
    data.put("hsts-max-age", "600");
    data.put("hsts-preload", "yes");
    data.put("ssl-redirect", "false");
    data.put("use-forwarded-headers", "true");
    data.put("allow-snippet-annotations", "false");
    data.put("custom-http-errors", "404, 503");
    data.put("worker-processes", "4");
    data.put("limit-req-status-code", "429");
    NginxConfigMap read = NginxConfigMap.read(data);

    assertThat(read.annotationDefaults())
        .containsOnly(
            Map.entry("nginx.ingress.kubernetes.io/proxy-connect-timeout", "10"),
            Map.entry("nginx.ingress.kubernetes.io/proxy-body-size", "20m"),
            Map.entry("nginx.ingress.kubernetes.io/custom-http-errors", "404,503"),
            Map.entry("weir.dev/limit-req-status-code", "429"));
    assertThat(read.sslRedirect()).contains(false);
    assertThat(read.hstsMaxAge()).isEqualTo(OptionalLong.of(600));
    assertThat(read.hstsPreload()).isEmpty();
    assertThat(read.customHttpErrors()).containsExactly(404, 503);
    assertThat(read.keys())
        .extracting(Key::key, Key::status)
        .containsExactly(
            tuple("allow-snippet-annotations", KeyStatus.IGNORED),
            tuple("custom-http-errors", KeyStatus.APPLIED),
            tuple("hsts", KeyStatus.APPLIED),
            tuple("hsts-max-age", KeyStatus.APPLIED),
            tuple("hsts-preload", KeyStatus.INVALID),
            tuple("limit-req-status-code", KeyStatus.APPLIED),
            tuple("proxy-body-size", KeyStatus.APPLIED),
            tuple("proxy-connect-timeout", KeyStatus.APPLIED),
            tuple("proxy-read-timeout", KeyStatus.INVALID),
            tuple("ssl-redirect", KeyStatus.APPLIED),
            tuple("use-forwarded-headers", KeyStatus.UNSUPPORTED),
            tuple("worker-processes", KeyStatus.UNSUPPORTED));
    assertThat(NginxConfigMap.read(Map.of("ssl-redirect", "true")).keys())
        .as("a key left unset whose ingress-nginx default Weir does not share")
        .extracting(Key::key, Key::status)
        .contains(tuple("proxy-body-size", KeyStatus.DIFFERENT_DEFAULT));
    assertThat(read.keys())
        .filteredOn(k -> k.key().equals("proxy-read-timeout"))
        .extracting(Key::note)
        .containsExactly("\"5s\" is not an integer; the default applies");
  }

  @Test
  void globalAllowedResponseHeadersAreAddedToTheCommandLinesAsIngressNginxSplitsThem() {
    NginxConfigMap read =
        NginxConfigMap.read(
            Map.of("global-allowed-response-headers", " X-Frame-Options, Cache-Control,,X Bad"));

    assertThat(read.allowedResponseHeaders()).containsExactly("X-Frame-Options", "Cache-Control");
    assertThat(read.keys())
        .extracting(Key::key, Key::status, Key::note)
        .containsExactly(
            tuple(
                "global-allowed-response-headers",
                KeyStatus.INVALID,
                "\"X Bad\" is not a header name; skipped, the others apply"),
            tuple(
                "proxy-body-size",
                KeyStatus.DIFFERENT_DEFAULT,
                "not set: " + NginxConfigMap.DIFFERENT_DEFAULTS.get("proxy-body-size")));
    assertThat(
            read.applyTo(
                    TranslateOptions.defaults()
                        .withAllowedResponseHeaders(List.of("X-Frame-Options", "X-Served-By")))
                .allowedResponseHeaders())
        .containsExactly("X-Frame-Options", "X-Served-By", "Cache-Control");
    assertThat(NginxConfigMap.NONE.applyTo(TranslateOptions.defaults()).allowedResponseHeaders())
        .as("ingress-nginx's default: no header may be set")
        .isEmpty();
  }

  @Test
  void preserveTrailingSlashAndServiceUpstreamAreAnnotationDefaults() {
    NginxConfigMap read =
        NginxConfigMap.read(Map.of("preserve-trailing-slash", "true", "service-upstream", "maybe"));
    assertThat(read.annotationDefaults())
        .containsOnly(Map.entry("nginx.ingress.kubernetes.io/preserve-trailing-slash", "true"));
    assertThat(read.keys())
        .extracting(Key::key, Key::status)
        .contains(
            tuple("preserve-trailing-slash", KeyStatus.APPLIED),
            tuple("service-upstream", KeyStatus.INVALID));
  }

  @Test
  void withoutAConfigMapNothingChanges() {
    assertThat(NginxConfigMap.read(null).annotationDefaults()).isEmpty();
    assertThat(NginxConfigMap.read(Map.of()).notApplied()).isEmpty();
  }
}
