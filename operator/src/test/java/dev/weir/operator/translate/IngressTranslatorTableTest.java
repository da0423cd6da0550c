package dev.weir.operator.translate;

import static dev.weir.operator.translate.Fixtures.OTHER_CLASS;
import static dev.weir.operator.translate.Fixtures.OUR_CLASS;
import static dev.weir.operator.translate.Fixtures.WEB_SERVICE;
import static dev.weir.operator.translate.Fixtures.annotated;
import static dev.weir.operator.translate.Fixtures.configMap;
import static dev.weir.operator.translate.Fixtures.ingress;
import static dev.weir.operator.translate.Fixtures.slice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.weir.contract.snapshot.SecretValue;
import dev.weir.contract.snapshot.SnapshotValidator;
import dev.weir.operator.state.InMemoryClusterState;
import io.netty.pkitesting.X509Bundle;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Ingress semantics, one row per rule: input objects (YAML), expected routes, backends, diagnostics
 * and, for TLS Secrets that yield no certificate, what each host is served. Certificates that load
 * have their own tests (they need generated key pairs).
 */
class IngressTranslatorTableTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final TranslateOptions DEFAULTS = TranslateOptions.defaults();
  private static final TranslateOptions ALLOW_FRAME_AND_CACHE =
      DEFAULTS.withAllowedResponseHeaders(List.of("X-Frame-Options", "Cache-Control"));

  /** A slice of shop/web with one ready pod per port. */
  private static final String WEB_SLICE =
      slice(
          "web-a",
          """
      addressType: IPv4
      endpoints:
      - addresses: [10.0.0.1]
        conditions: {ready: true}
      ports:
      - {name: http, port: 8080}
      - {port: 9090}
      """);

  /** shop/web with a TLS entry for its host (Secret shop-tls, which no case creates). */
  private static final String TLS_INGRESS =
      ingress(
          "shop",
          "web",
          null,
          "tls: [{hosts: [shop.example.com], secretName: shop-tls}]\n"
              + """
              rules:
              - host: shop.example.com
                http:
                  paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}
              """);

  /** A valid certificate for shop.example.com, and its id in a snapshot. */
  private static final X509Bundle SHOP =
      TestCertificates.ec(
          "shop.example.com", NOW.minusSeconds(86_400), NOW.plusSeconds(86_400 * 30));

  private static final String SHOP_ID =
      CertificateResolver.id(SHOP.getCertificatePEM(), new SecretValue(SHOP.getPrivateKeyPEM()));

  /** A certificate for shop.example.com, m.shop.example.com and www.shop.example.com. */
  private static final X509Bundle SHOP_AND_MORE =
      TestCertificates.ecFor(
          NOW.minusSeconds(86_400),
          NOW.plusSeconds(86_400 * 30),
          "shop.example.com",
          "m.shop.example.com",
          "www.shop.example.com");

  private static final String SHOP_AND_MORE_ID =
      CertificateResolver.id(
          SHOP_AND_MORE.getCertificatePEM(), new SecretValue(SHOP_AND_MORE.getPrivateKeyPEM()));

  private static final X509Bundle CLIENT =
      TestCertificates.ec("client.weir.test", NOW.minusSeconds(86_400), NOW.plusSeconds(86_400));

  /** Any certificate will do as a CA bundle the operator passes on. */
  private static final String CA_PEM =
      TestCertificates.ec("ca.weir.test", NOW.minusSeconds(86_400), NOW.plusSeconds(86_400))
          .getCertificatePEM();

  /** shop/errors, an error-page Service whose first port is 8080, with one ready pod. */
  private static final String ERRORS_SERVICE =
      """
      apiVersion: v1
      kind: Service
      metadata: {name: errors, namespace: shop}
      spec:
        ports:
        - {name: pages, port: 8080, targetPort: 8081}
        - {name: other, port: 9000}
      """;

  private static final String ERRORS_SLICE =
      """
      apiVersion: discovery.k8s.io/v1
      kind: EndpointSlice
      metadata:
        name: errors-a
        namespace: shop
        labels: {kubernetes.io/service-name: errors}
      addressType: IPv4
      endpoints:
      - addresses: [10.0.0.9]
      ports:
      - {name: pages, port: 8081}
      - {name: other, port: 9001}
      """;

  // The digests of backend variant ids: fixed by the settings alone (see BackendSettings#id).
  private static final String HTTPS_DIGEST = "b6b2e23c";
  private static final String VERIFIED_DIGEST = "14f8320f";
  private static final String MISSING_DIGEST = "bcefdb0c";
  private static final String EWMA_DIGEST = "cf43e07e";
  private static final String CANARY_DIGEST = "759e2892";

  private static final String SIMPLE_RULE =
      """
      rules:
      - host: shop.example.com
        http:
          paths:
          - {path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}
      """;

  /**
   * @param backends null when the case does not look at backends
   * @param certificates per virtual host, then the default certificate ({@link
   *     Fixtures#certificates}); null when the case does not look at them
   * @param settings what annotations set ({@link Fixtures#settings}); null when the case does not
   *     look at them
   */
  record Case(
      String name,
      List<String> yaml,
      TranslateOptions options,
      List<String> routes,
      List<String> backends,
      List<String> diagnostics,
      List<String> certificates,
      List<String> settings) {
    Case(
        String name,
        List<String> yaml,
        TranslateOptions options,
        List<String> routes,
        List<String> backends,
        List<String> diagnostics,
        List<String> certificates) {
      this(name, yaml, options, routes, backends, diagnostics, certificates, null);
    }

    /** A case about what annotations set ({@link Fixtures#settings}). */
    static Case annotations(
        String name,
        List<String> yaml,
        TranslateOptions options,
        List<String> routes,
        List<String> backends,
        List<String> diagnostics,
        List<String> settings) {
      return new Case(name, yaml, options, routes, backends, diagnostics, null, settings);
    }

    Case(
        String name,
        List<String> yaml,
        TranslateOptions options,
        List<String> routes,
        List<String> backends,
        List<String> diagnostics) {
      this(name, yaml, options, routes, backends, diagnostics, null);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        // IngressClass selection
        new Case(
            "an Ingress naming our IngressClass is ours",
            List.of(OUR_CLASS, WEB_SERVICE, WEB_SLICE, ingress("shop", "web", null, SIMPLE_RULE)),
            DEFAULTS,
            List.of("shop.example.com Prefix / -> shop/web:http"),
            List.of("shop/web:http 10.0.0.1:8080"),
            List.of()),
        new Case(
            "an Ingress of another controller's class is ignored without diagnostics",
            List.of(
                OUR_CLASS,
                OTHER_CLASS,
                ingress("shop", "web", null, "ingressClassName: nginx\n" + SIMPLE_RULE)),
            DEFAULTS,
            List.of(),
            List.of(),
            List.of()),
        new Case(
            "an Ingress naming a class that does not exist is ignored",
            List.of(
                OUR_CLASS,
                ingress("shop", "web", null, "ingressClassName: missing\n" + SIMPLE_RULE)),
            DEFAULTS,
            List.of(),
            List.of(),
            List.of()),
        new Case(
            "an Ingress without a class is not ours by default",
            List.of(
                OUR_CLASS, WEB_SERVICE, withoutClass(ingress("shop", "web", null, SIMPLE_RULE))),
            DEFAULTS,
            List.of(),
            List.of(),
            List.of()),
        new Case(
            "an Ingress without a class is ours when our IngressClass is the default",
            List.of(
                OUR_CLASS.replace(
                    "metadata: {name: weir}",
                    """
                metadata:
                  name: weir
                  annotations: {ingressclass.kubernetes.io/is-default-class: "true"}"""),
                WEB_SERVICE,
                WEB_SLICE,
                withoutClass(ingress("shop", "web", null, SIMPLE_RULE))),
            DEFAULTS,
            List.of("shop.example.com Prefix / -> shop/web:http"),
            null,
            List.of()),
        new Case(
            "another controller's default class does not make class-less Ingresses ours",
            List.of(
                OUR_CLASS,
                OTHER_CLASS.replace(
                    "metadata: {name: nginx}",
                    """
                metadata:
                  name: nginx
                  annotations: {ingressclass.kubernetes.io/is-default-class: "true"}"""),
                WEB_SERVICE,
                withoutClass(ingress("shop", "web", null, SIMPLE_RULE))),
            DEFAULTS,
            List.of(),
            List.of(),
            List.of()),
        new Case(
            "watchIngressWithoutClass takes Ingresses without a class",
            List.of(
                WEB_SERVICE, WEB_SLICE, withoutClass(ingress("shop", "web", null, SIMPLE_RULE))),
            DEFAULTS.withWatchIngressWithoutClass(true),
            List.of("shop.example.com Prefix / -> shop/web:http"),
            null,
            List.of()),
        new Case(
            "watchIngressWithoutClass does not take an Ingress naming another class",
            List.of(
                OTHER_CLASS,
                WEB_SERVICE,
                ingress("shop", "web", null, "ingressClassName: nginx\n" + SIMPLE_RULE)),
            DEFAULTS.withWatchIngressWithoutClass(true),
            List.of(),
            List.of(),
            List.of()),
        new Case(
            "the legacy class annotation naming our IngressClass selects us",
            List.of(
                OUR_CLASS.replace("name: weir", "name: edge"),
                WEB_SERVICE,
                WEB_SLICE,
                legacyClass(ingress("shop", "web", null, SIMPLE_RULE), "edge")),
            DEFAULTS,
            List.of("shop.example.com Prefix / -> shop/web:http"),
            null,
            List.of()),
        new Case(
            "the legacy class annotation with our class name needs no IngressClass object",
            List.of(
                WEB_SERVICE,
                WEB_SLICE,
                legacyClass(ingress("shop", "web", null, SIMPLE_RULE), "weir")),
            DEFAULTS,
            List.of("shop.example.com Prefix / -> shop/web:http"),
            null,
            List.of()),
        new Case(
            "the legacy class annotation naming another class is ignored",
            List.of(
                OUR_CLASS,
                OTHER_CLASS,
                WEB_SERVICE,
                legacyClass(ingress("shop", "web", null, SIMPLE_RULE), "nginx")),
            DEFAULTS.withWatchIngressWithoutClass(true),
            List.of(),
            List.of(),
            List.of()),

        // Hosts
        new Case(
            "hosts are lower-cased, wildcards kept, a rule without host is '*'",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                ingress(
                    "shop",
                    "web",
                    null,
                    """
                rules:
                - host: Shop.Example.COM
                  http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
                - host: "*.example.com"
                  http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
                - http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
                """)),
            DEFAULTS,
            List.of(
                "* Prefix / -> shop/web:80",
                "*.example.com Prefix / -> shop/web:80",
                "shop.example.com Prefix / -> shop/web:80"),
            List.of("shop/web:80 10.0.0.1:8080"),
            List.of()),
        new Case(
            "invalid hosts are diagnosed and their rules skipped; other rules stay",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                ingress(
                    "shop",
                    "web",
                    null,
                    """
                rules:
                - host: "under_score.example.com"
                  http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
                - host: "a.*.example.com"
                  http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
                - host: "10.1.2.3"
                  http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
                - host: ok.example.com
                  http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
                """)),
            DEFAULTS,
            List.of("ok.example.com Prefix / -> shop/web:80"),
            null,
            List.of(
                "Ingress shop/web InvalidHost",
                "Ingress shop/web InvalidHost",
                "Ingress shop/web InvalidHost")),
        new Case(
            "a rule with a host and no paths still claims its host",
            List.of(OUR_CLASS, ingress("shop", "web", null, "rules: [{host: quiet.example.com}]")),
            DEFAULTS,
            List.of("quiet.example.com (no routes)"),
            List.of(),
            List.of()),

        // Paths
        new Case(
            "Exact and Prefix are kept, ImplementationSpecific is Prefix, Prefix loses trailing slashes",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                ingress(
                    "shop",
                    "web",
                    null,
                    """
                rules:
                - host: shop.example.com
                  http:
                    paths:
                    - {path: /exact, pathType: Exact, backend: {service: {name: web, port: {number: 80}}}}
                    - {path: /exact/, pathType: Exact, backend: {service: {name: web, port: {number: 80}}}}
                    - {path: /prefix/, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
                    - {path: /impl, pathType: ImplementationSpecific, backend: {service: {name: web, port: {number: 80}}}}
                    - {pathType: ImplementationSpecific, backend: {service: {name: web, port: {number: 80}}}}
                """)),
            DEFAULTS,
            List.of(
                "shop.example.com Prefix / -> shop/web:80",
                "shop.example.com Exact /exact -> shop/web:80",
                "shop.example.com Exact /exact/ -> shop/web:80",
                "shop.example.com Prefix /impl -> shop/web:80",
                "shop.example.com Prefix /prefix -> shop/web:80"),
            null,
            List.of()),
        new Case(
            "regular expressions, dot segments, encoded slashes and relative paths are invalid",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                ingress(
                    "shop",
                    "web",
                    null,
                    """
                rules:
                - host: shop.example.com
                  http:
                    paths:
                    - {path: "/api(/|$)(.*)", pathType: ImplementationSpecific, backend: {service: {name: web, port: {number: 80}}}}
                    - {path: /a/../b, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
                    - {path: /a%2Fb, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
                    - {path: relative, pathType: Exact, backend: {service: {name: web, port: {number: 80}}}}
                    - {path: /x, pathType: Regex, backend: {service: {name: web, port: {number: 80}}}}
                    - {path: /ok, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
                """)),
            DEFAULTS,
            List.of("shop.example.com Prefix /ok -> shop/web:80"),
            null,
            List.of(
                "Ingress shop/web InvalidPath",
                "Ingress shop/web InvalidPath",
                "Ingress shop/web InvalidPath",
                "Ingress shop/web InvalidPath",
                "Ingress shop/web InvalidPath")),
        new Case(
            "ImplementationSpecific paths that look like regular expressions are prefixes, with"
                + " one diagnostic for the Ingress",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                ingress(
                    "shop",
                    "web",
                    null,
                    """
                rules:
                - host: shop.example.com
                  http:
                    paths:
                    - {path: /api/.*, pathType: ImplementationSpecific, backend: {service: {name: web, port: {number: 80}}}}
                    - {path: "/files/(.+)", pathType: ImplementationSpecific, backend: {service: {name: web, port: {number: 80}}}}
                    - {path: /v1/*, backend: {service: {name: web, port: {number: 80}}}}
                    - {path: /c++/a.b, pathType: ImplementationSpecific, backend: {service: {name: web, port: {number: 80}}}}
                - host: blog.example.com
                  http:
                    paths:
                    - {path: /end$, pathType: ImplementationSpecific, backend: {service: {name: web, port: {number: 80}}}}
                """)),
            DEFAULTS,
            List.of(
                "blog.example.com Prefix /end$ -> shop/web:80",
                "shop.example.com Prefix /api/.* -> shop/web:80",
                "shop.example.com Prefix /c++/a.b -> shop/web:80",
                "shop.example.com Prefix /files/(.+) -> shop/web:80",
                "shop.example.com Prefix /v1/* -> shop/web:80"),
            null,
            List.of("Ingress shop/web ImplementationSpecificRegex")),
        new Case(
            "regex-looking Prefix and Exact paths are literal as the Ingress specification says:"
                + " no diagnostic",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                ingress(
                    "shop",
                    "web",
                    null,
                    """
                rules:
                - host: shop.example.com
                  http:
                    paths:
                    - {path: /api/.*, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
                    - {path: /v1/*, pathType: Exact, backend: {service: {name: web, port: {number: 80}}}}
                """)),
            DEFAULTS,
            List.of(
                "shop.example.com Prefix /api/.* -> shop/web:80",
                "shop.example.com Exact /v1/* -> shop/web:80"),
            null,
            List.of()),
        Case.annotations(
            "custom-http-errors with default-backend: the error Service on its first port, a"
                + " backend of its own without a port in its id",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                ERRORS_SERVICE,
                ERRORS_SLICE,
                annotated(
                    ingress(
                        "shop",
                        "web",
                        null,
                        path("shop.example.com", "/", "Prefix", "web", "http")),
                    "nginx.ingress.kubernetes.io/custom-http-errors",
                    "404, 503",
                    "nginx.ingress.kubernetes.io/default-backend",
                    "errors")),
            DEFAULTS,
            List.of("shop.example.com Prefix / -> shop/web:http"),
            List.of("shop/errors 10.0.0.9:8081", "shop/web:http 10.0.0.1:8080"),
            List.of(),
            List.of("shop.example.com Prefix /: errors [404, 503] -> shop/errors for web:http")),
        Case.annotations(
            "upstream-vhost, proxy-redirect and proxy-cookie rewrites reach the path's settings;"
                + " a redirect without its to, and off, change nothing",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                annotated(
                    ingress("shop", "web", null, path("a.example.com", "/", "Prefix", "web", "80")),
                    "nginx.ingress.kubernetes.io/upstream-vhost",
                    "internal.svc",
                    "nginx.ingress.kubernetes.io/proxy-redirect-from",
                    "http://internal.svc/",
                    "nginx.ingress.kubernetes.io/proxy-redirect-to",
                    "https://a.example.com/",
                    "nginx.ingress.kubernetes.io/proxy-cookie-domain",
                    "internal.svc a.example.com",
                    "nginx.ingress.kubernetes.io/proxy-cookie-path",
                    "/one/ /"),
                annotated(
                    ingress(
                        "shop", "half", null, path("b.example.com", "/", "Prefix", "web", "80")),
                    "nginx.ingress.kubernetes.io/proxy-redirect-from",
                    "http://internal.svc/",
                    "nginx.ingress.kubernetes.io/proxy-cookie-domain",
                    "off")),
            DEFAULTS,
            List.of(
                "a.example.com Prefix / -> shop/web:80", "b.example.com Prefix / -> shop/web:80"),
            List.of("shop/web:80 10.0.0.1:8080"),
            List.of(),
            List.of(
                "a.example.com Prefix /: proxy host=internal.svc set={}"
                    + " redirect=HeaderRewrite[from=http://internal.svc/, to=https://a.example.com/]"
                    + " cookieDomain=HeaderRewrite[from=internal.svc, to=a.example.com]"
                    + " cookiePath=HeaderRewrite[from=/one/, to=/]")),
        Case.annotations(
            "custom-headers: the ConfigMap's keys set on the responses of the Ingress's paths,"
                + " with its other proxy headers; a ConfigMap of another namespace is read",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                configMap(
                    "shop", "headers", "X-Frame-Options", "DENY", "Cache-Control", "no-store"),
                configMap("common", "frame", "X-Frame-Options", "SAMEORIGIN"),
                annotated(
                    ingress("shop", "web", null, path("a.example.com", "/", "Prefix", "web", "80")),
                    "nginx.ingress.kubernetes.io/custom-headers",
                    "shop/headers",
                    "nginx.ingress.kubernetes.io/upstream-vhost",
                    "internal.svc"),
                annotated(
                    ingress(
                        "shop", "other", null, path("b.example.com", "/", "Prefix", "web", "80")),
                    "nginx.ingress.kubernetes.io/custom-headers",
                    "common/frame")),
            ALLOW_FRAME_AND_CACHE,
            List.of(
                "a.example.com Prefix / -> shop/web:80", "b.example.com Prefix / -> shop/web:80"),
            List.of("shop/web:80 10.0.0.1:8080"),
            List.of(),
            List.of(
                "a.example.com Prefix /: proxy host=internal.svc"
                    + " set={Cache-Control=no-store, X-Frame-Options=DENY} redirect=null"
                    + " cookieDomain=null cookiePath=null",
                "b.example.com Prefix /: proxy host=null set={X-Frame-Options=SAMEORIGIN}"
                    + " redirect=null cookieDomain=null cookiePath=null")),
        Case.annotations(
            "custom-headers denies the Ingress's paths (503) for a missing ConfigMap, an invalid"
                + " header name or value, a header global-allowed-response-headers does not list,"
                + " and a value that names no ConfigMap; other Ingresses keep working",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                configMap("shop", "bad-name", "X Frame", "DENY"),
                configMap("shop", "bad-value", "X-Frame-Options", "caf\u00e9"),
                configMap("shop", "not-allowed", "X-Frame-Options", "DENY", "Set-Cookie", "a=b"),
                configMap("shop", "empty"),
                annotated(
                    ingress(
                        "shop", "missing", null, path("a.example.com", "/", "Prefix", "web", "80")),
                    "nginx.ingress.kubernetes.io/custom-headers",
                    "shop/absent"),
                annotated(
                    ingress(
                        "shop", "name", null, path("b.example.com", "/", "Prefix", "web", "80")),
                    "nginx.ingress.kubernetes.io/custom-headers",
                    "shop/bad-name"),
                annotated(
                    ingress(
                        "shop", "value", null, path("c.example.com", "/", "Prefix", "web", "80")),
                    "nginx.ingress.kubernetes.io/custom-headers",
                    "bad-value"),
                annotated(
                    ingress(
                        "shop", "allowed", null, path("d.example.com", "/", "Prefix", "web", "80")),
                    "nginx.ingress.kubernetes.io/custom-headers",
                    "shop/not-allowed"),
                annotated(
                    ingress(
                        "shop", "invalid", null, path("e.example.com", "/", "Prefix", "web", "80")),
                    "nginx.ingress.kubernetes.io/custom-headers",
                    "Shop/Headers"),
                annotated(
                    ingress(
                        "shop", "empty", null, path("f.example.com", "/", "Prefix", "web", "80")),
                    "nginx.ingress.kubernetes.io/custom-headers",
                    "shop/empty"),
                ingress("shop", "plain", null, path("g.example.com", "/", "Prefix", "web", "80"))),
            ALLOW_FRAME_AND_CACHE,
            List.of(
                "a.example.com Prefix / -> shop/web:80",
                "b.example.com Prefix / -> shop/web:80",
                "c.example.com Prefix / -> shop/web:80",
                "d.example.com Prefix / -> shop/web:80",
                "e.example.com Prefix / -> shop/web:80",
                "f.example.com Prefix / -> shop/web:80",
                "g.example.com Prefix / -> shop/web:80"),
            List.of("shop/web:80 10.0.0.1:8080"),
            List.of(
                "Ingress shop/allowed InvalidCustomHeaders",
                "Ingress shop/invalid InvalidAnnotation",
                "Ingress shop/missing ConfigMapNotFound",
                "Ingress shop/name InvalidCustomHeaders",
                "Ingress shop/value InvalidCustomHeaders"),
            List.of(
                "a.example.com Prefix /: proxy headers unavailable",
                "b.example.com Prefix /: proxy headers unavailable",
                "c.example.com Prefix /: proxy headers unavailable",
                "d.example.com Prefix /: proxy headers unavailable",
                "e.example.com Prefix /: proxy headers unavailable")),
        Case.annotations(
            "custom-headers without an allow-list (ingress-nginx's default): every header is"
                + " refused",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                configMap("shop", "headers", "X-Frame-Options", "DENY"),
                annotated(
                    ingress("shop", "web", null, path("a.example.com", "/", "Prefix", "web", "80")),
                    "nginx.ingress.kubernetes.io/custom-headers",
                    "shop/headers")),
            DEFAULTS,
            List.of("a.example.com Prefix / -> shop/web:80"),
            List.of("shop/web:80 10.0.0.1:8080"),
            List.of("Ingress shop/web InvalidCustomHeaders"),
            List.of("a.example.com Prefix /: proxy headers unavailable")),
        Case.annotations(
            "custom-http-errors alone go to the default backend; default-backend alone is the"
                + " fallback for a Service without endpoints",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                annotated(
                    ingress(
                        "shop", "codes", null, path("a.example.com", "/", "Prefix", "web", "80")),
                    "nginx.ingress.kubernetes.io/custom-http-errors",
                    "500"),
                annotated(
                    ingress(
                        "shop",
                        "fallback",
                        null,
                        path("b.example.com", "/", "Prefix", "web", "9000")),
                    "weir.dev/default-backend",
                    "missing")),
            DEFAULTS,
            List.of(
                "a.example.com Prefix / -> shop/web:80", "b.example.com Prefix / -> shop/web:9000"),
            List.of("shop/missing", "shop/web:80 10.0.0.1:8080", "shop/web:9000 10.0.0.1:9090"),
            List.of("Ingress shop/fallback ServiceNotFound"),
            List.of(
                "a.example.com Prefix /: errors [500] -> default backend for web:80",
                "b.example.com Prefix /: errors [] -> shop/missing for web:9000")),
        Case.annotations(
            "with use-regex an ImplementationSpecific path is a regex, taken as written",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                annotated(
                    ingress(
                        "shop",
                        "web",
                        null,
                        path(
                            "shop.example.com", "/api/.*/", "ImplementationSpecific", "web", "80")),
                    "nginx.ingress.kubernetes.io/use-regex",
                    "true")),
            DEFAULTS,
            List.of("shop.example.com Prefix /api/.*/ -> shop/web:80"),
            null,
            List.of(),
            List.of("shop.example.com Prefix /api/.*/: regex")),
        Case.annotations(
            "use-regex or rewrite-target on one Ingress makes every path of the host a regex,"
                + " across Ingresses, as ingress-nginx's enforceRegexModifier",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                ingress(
                    "shop",
                    "plain",
                    "2025-01-01T00:00:00Z",
                    path("shop.example.com", "/v1.0", "Exact", "web", "80")),
                annotated(
                    ingress(
                        "shop",
                        "rewriting",
                        "2025-01-02T00:00:00Z",
                        path(
                            "shop.example.com",
                            "/something(/|$)(.*)",
                            "ImplementationSpecific",
                            "web",
                            "80")),
                    "nginx.ingress.kubernetes.io/rewrite-target",
                    "/$2",
                    "nginx.ingress.kubernetes.io/x-forwarded-prefix",
                    "/something"),
                ingress(
                    "shop",
                    "other-host",
                    "2025-01-03T00:00:00Z",
                    path("blog.example.com", "/v1.0", "Prefix", "web", "80"))),
            DEFAULTS,
            List.of(
                "blog.example.com Prefix /v1.0 -> shop/web:80",
                "shop.example.com Prefix /something(/|$)(.*) -> shop/web:80",
                "shop.example.com Exact /v1.0 -> shop/web:80"),
            null,
            List.of(),
            List.of(
                "shop.example.com Prefix /something(/|$)(.*): regex, rewrite /$2"
                    + " prefix=/something",
                "shop.example.com Exact /v1.0: regex")),
        Case.annotations(
            "a rewrite-target equal to the path rewrites nothing and makes no regex host",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                annotated(
                    ingress(
                        "shop",
                        "web",
                        null,
                        path("shop.example.com", "/app", "Prefix", "web", "80")),
                    "nginx.ingress.kubernetes.io/rewrite-target",
                    "/app")),
            DEFAULTS,
            List.of("shop.example.com Prefix /app -> shop/web:80"),
            null,
            List.of(),
            List.of()),
        Case.annotations(
            "a regex path RE2 cannot match in linear time is refused; a literal path that is no"
                + " regex on a regex host too",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                annotated(
                    ingress(
                        "shop",
                        "backref",
                        "2025-01-01T00:00:00Z",
                        path("shop.example.com", "/(a)\\1", "ImplementationSpecific", "web", "80")),
                    "nginx.ingress.kubernetes.io/use-regex",
                    "true"),
                annotated(
                    ingress(
                        "shop",
                        "regex",
                        "2025-01-02T00:00:00Z",
                        path(
                            "shop.example.com", "/ok/(.*)", "ImplementationSpecific", "web", "80")),
                    "nginx.ingress.kubernetes.io/use-regex",
                    "true"),
                ingress(
                    "shop",
                    "literal",
                    "2025-01-03T00:00:00Z",
                    path("shop.example.com", "/a(b", "Prefix", "web", "80"))),
            DEFAULTS,
            List.of("shop.example.com Prefix /ok/(.*) -> shop/web:80"),
            null,
            List.of("Ingress shop/backref InvalidPath", "Ingress shop/literal InvalidPath"),
            List.of("shop.example.com Prefix /ok/(.*): regex")),
        Case.annotations(
            "redirects and app-root become route settings; temporal-redirect wins",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                annotated(
                    ingress("shop", "web", null, SIMPLE_RULE),
                    "nginx.ingress.kubernetes.io/permanent-redirect",
                    "https://new.example.com",
                    "nginx.ingress.kubernetes.io/temporal-redirect",
                    "https://maintenance.example.com",
                    "nginx.ingress.kubernetes.io/app-root",
                    "/app1")),
            DEFAULTS,
            List.of("shop.example.com Prefix / -> shop/web:http"),
            null,
            List.of("Ingress shop/web IgnoredAnnotation"),
            List.of(
                "shop.example.com Prefix /: app-root /app1, 302"
                    + " https://maintenance.example.com")),
        new Case(
            "an invalid regex-looking path is reported as invalid only",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                ingress(
                    "shop",
                    "web",
                    null,
                    path(
                        "shop.example.com",
                        "\"/api/[0-9]+\"",
                        "ImplementationSpecific",
                        "web",
                        "80"))),
            DEFAULTS,
            List.of("shop.example.com (no routes)"),
            null,
            List.of("Ingress shop/web InvalidPath")),

        // Merging and conflicts
        new Case(
            "several Ingresses contribute paths to one host",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                ingress("shop", "a", null, path("shop.example.com", "/a", "Prefix", "web", "80")),
                ingress("shop", "b", null, path("shop.example.com", "/b", "Exact", "web", "http"))),
            DEFAULTS,
            List.of(
                "shop.example.com Prefix /a -> shop/web:80",
                "shop.example.com Exact /b -> shop/web:http"),
            List.of("shop/web:80 10.0.0.1:8080", "shop/web:http 10.0.0.1:8080"),
            List.of()),
        new Case(
            "the same host, path and type in two Ingresses: the oldest wins",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                ingress(
                    "shop",
                    "young",
                    "2025-06-01T00:00:00Z",
                    path("shop.example.com", "/", "Prefix", "web", "http")),
                ingress(
                    "shop",
                    "old",
                    "2025-01-01T00:00:00Z",
                    path("shop.example.com", "/", "Prefix", "web", "80"))),
            DEFAULTS,
            List.of("shop.example.com Prefix / -> shop/web:80"),
            List.of("shop/web:80 10.0.0.1:8080"),
            List.of("Ingress shop/young ConflictingPath")),
        new Case(
            "equal ages: namespace, then name decides",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                ingress(
                    "shop",
                    "b",
                    "2025-01-01T00:00:00Z",
                    path("shop.example.com", "/", "Prefix", "web", "http")),
                ingress(
                    "shop",
                    "a",
                    "2025-01-01T00:00:00Z",
                    path("shop.example.com", "/", "Prefix", "web", "80"))),
            DEFAULTS,
            List.of("shop.example.com Prefix / -> shop/web:80"),
            null,
            List.of("Ingress shop/b ConflictingPath")),
        new Case(
            "Exact and Prefix on the same path do not conflict; /x and /x/ Prefix do",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                ingress(
                    "shop",
                    "a",
                    "2025-01-01T00:00:00Z",
                    path("shop.example.com", "/x", "Prefix", "web", "80")),
                ingress(
                    "shop",
                    "b",
                    "2025-02-01T00:00:00Z",
                    path("shop.example.com", "/x", "Exact", "web", "http")),
                ingress(
                    "shop",
                    "c",
                    "2025-03-01T00:00:00Z",
                    path("shop.example.com", "/x/", "Prefix", "web", "http"))),
            DEFAULTS,
            List.of(
                "shop.example.com Exact /x -> shop/web:http",
                "shop.example.com Prefix /x -> shop/web:80"),
            null,
            List.of("Ingress shop/c ConflictingPath")),
        new Case(
            "spec.defaultBackend becomes the default backend; the oldest wins",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                ingress(
                    "shop",
                    "young",
                    "2025-06-01T00:00:00Z",
                    "defaultBackend: {service: {name: web, port: {number: 9000}}}"),
                ingress(
                    "shop",
                    "old",
                    "2025-01-01T00:00:00Z",
                    "defaultBackend: {service: {name: web, port: {name: http}}}")),
            DEFAULTS,
            List.of("default -> shop/web:http"),
            List.of("shop/web:http 10.0.0.1:8080"),
            List.of("Ingress shop/young ConflictingDefaultBackend")),

        // Backends and endpoints
        new Case(
            "a numbered port without a name maps to the slice port without a name",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                ingress(
                    "shop", "web", null, path("shop.example.com", "/", "Prefix", "web", "9000"))),
            DEFAULTS,
            null,
            List.of("shop/web:9000 10.0.0.1:9090"),
            List.of()),
        new Case(
            "endpoints come from every slice of the Service, each listed once",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                slice(
                    "web-b",
                    """
                addressType: IPv4
                endpoints:
                - addresses: [10.0.0.2, 10.0.0.1]
                ports: [{name: http, port: 8080}]
                """),
                slice(
                        "other",
                        """
                addressType: IPv4
                endpoints: [{addresses: [10.9.9.9]}]
                ports: [{name: http, port: 8080}]
                """)
                    .replace("kubernetes.io/service-name: web", "kubernetes.io/service-name: api"),
                ingress(
                    "shop", "web", null, path("shop.example.com", "/", "Prefix", "web", "http"))),
            DEFAULTS,
            null,
            List.of("shop/web:http 10.0.0.1:8080,10.0.0.2:8080"),
            List.of()),
        new Case(
            "only ready endpoints while any is ready; not-ready ones never",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                slice(
                    "web-a",
                    """
                addressType: IPv4
                endpoints:
                - {addresses: [10.0.0.1], conditions: {ready: true}}
                - {addresses: [10.0.0.2], conditions: {ready: false, serving: true, terminating: true}}
                - {addresses: [10.0.0.3], conditions: {ready: false, serving: false}}
                ports: [{name: http, port: 8080}]
                """),
                ingress(
                    "shop", "web", null, path("shop.example.com", "/", "Prefix", "web", "http"))),
            DEFAULTS,
            null,
            List.of("shop/web:http 10.0.0.1:8080"),
            List.of()),
        new Case(
            "serving-but-terminating endpoints when none is ready",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                slice(
                    "web-a",
                    """
                addressType: IPv4
                endpoints:
                - {addresses: [10.0.0.2], conditions: {ready: false, serving: true, terminating: true}}
                - {addresses: [10.0.0.3], conditions: {ready: false, serving: false, terminating: true}}
                ports: [{name: http, port: 8080}]
                """),
                ingress(
                    "shop", "web", null, path("shop.example.com", "/", "Prefix", "web", "http"))),
            DEFAULTS,
            null,
            List.of("shop/web:http 10.0.0.2:8080/TERMINATING"),
            List.of()),
        new Case(
            "a missing Service keeps the route on an empty backend (503, not a shorter prefix)",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                ingress(
                    "shop",
                    "web",
                    null,
                    """
                rules:
                - host: shop.example.com
                  http:
                    paths:
                    - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
                    - {path: /admin, pathType: Prefix, backend: {service: {name: admin, port: {number: 80}}}}
                """)),
            DEFAULTS,
            List.of(
                "shop.example.com Prefix / -> shop/web:80",
                "shop.example.com Prefix /admin -> shop/admin:80"),
            List.of("shop/admin:80", "shop/web:80 10.0.0.1:8080"),
            List.of("Ingress shop/web ServiceNotFound")),
        new Case(
            "a Service port that does not exist, by number or by name",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                ingress("shop", "a", null, path("shop.example.com", "/a", "Prefix", "web", "81")),
                ingress(
                    "shop", "b", null, path("shop.example.com", "/b", "Prefix", "web", "https"))),
            DEFAULTS,
            null,
            List.of("shop/web:81", "shop/web:https"),
            List.of("Ingress shop/a ServicePortNotFound", "Ingress shop/b ServicePortNotFound")),
        new Case(
            "ExternalName Services and resource backends are unsupported",
            List.of(
                OUR_CLASS,
                """
                apiVersion: v1
                kind: Service
                metadata: {name: ext, namespace: shop}
                spec: {type: ExternalName, externalName: example.org}
                """,
                ingress(
                    "shop",
                    "web",
                    null,
                    """
                rules:
                - host: shop.example.com
                  http:
                    paths:
                    - {path: /ext, pathType: Prefix, backend: {service: {name: ext, port: {number: 80}}}}
                    - path: /bucket
                      pathType: Prefix
                      backend: {resource: {apiGroup: k8s.example.com, kind: StorageBucket, name: assets}}
                """)),
            DEFAULTS,
            null,
            List.of("shop/StorageBucket/assets", "shop/ext:80"),
            List.of("Ingress shop/web UnsupportedBackend", "Ingress shop/web UnsupportedBackend")),
        new Case(
            "loopback and link-local endpoints are refused in a cluster",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                slice(
                    "web-a",
                    """
                addressType: IPv4
                endpoints: [{addresses: [127.0.0.1, 169.254.169.254, 10.0.0.1]}]
                ports: [{name: http, port: 8080}]
                """),
                ingress(
                    "shop", "web", null, path("shop.example.com", "/", "Prefix", "web", "http"))),
            DEFAULTS,
            null,
            List.of("shop/web:http 10.0.0.1:8080"),
            List.of(
                "EndpointSlice shop/web-a ForbiddenEndpointAddress",
                "EndpointSlice shop/web-a ForbiddenEndpointAddress")),
        new Case(
            "host-name endpoints (FQDN slices) are skipped: no data plane resolves names",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                slice(
                    "web-a",
                    """
                addressType: FQDN
                endpoints: [{addresses: [pod.example.internal]}]
                ports: [{name: http, port: 8080}]
                """),
                slice(
                    "web-b",
                    """
                addressType: IPv6
                endpoints: [{addresses: ["fd00::1"]}]
                ports: [{name: http, port: 8080}]
                """),
                ingress(
                    "shop", "web", null, path("shop.example.com", "/", "Prefix", "web", "http"))),
            DEFAULTS,
            null,
            List.of("shop/web:http fd00::1:8080"),
            List.of("EndpointSlice shop/web-a UnsupportedEndpointAddress")),
        new Case(
            "loopback endpoints are accepted when local endpoints are allowed (standalone)",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                slice(
                    "web-a",
                    """
                addressType: IPv4
                endpoints: [{addresses: [127.0.0.1]}]
                ports: [{name: http, port: 8080}]
                """),
                ingress(
                    "shop", "web", null, path("shop.example.com", "/", "Prefix", "web", "http"))),
            DEFAULTS.withAllowLocalEndpoints(true),
            null,
            List.of("shop/web:http 127.0.0.1:8080"),
            List.of()),

        // TLS Secrets that give no certificate (certificates that load have their own tests)
        new Case(
            "a missing Secret makes its hosts retain the certificate data planes serve",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                ingress(
                    "shop",
                    "web",
                    null,
                    "tls: [{hosts: [shop.example.com], secretName: shop-tls}]\n" + SIMPLE_RULE)),
            DEFAULTS,
            null,
            null,
            List.of("Ingress shop/web SecretNotFound"),
            List.of("shop.example.com (retain)", "default certificate (none)")),
        new Case(
            "an invalid Secret without a last good certificate makes its hosts retain",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                TestCertificates.secret("shop", "shop-tls", "not a certificate", "not a key"),
                ingress(
                    "shop",
                    "web",
                    null,
                    "tls: [{hosts: [shop.example.com], secretName: shop-tls}]\n" + SIMPLE_RULE)),
            DEFAULTS,
            null,
            null,
            List.of("Ingress shop/web InvalidCertificate"),
            List.of("shop.example.com (retain)", "default certificate (none)")),
        // cert-manager Certificates writing an Ingress's TLS Secret
        new Case(
            "a Certificate that is not Ready is diagnosed; its Secret's valid certificate is served",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                TestCertificates.secret("shop", "shop-tls", SHOP),
                Fixtures.certificate(
                    "shop", "shop-cert", "shop-tls", "False", "Failed", "order failed"),
                TLS_INGRESS),
            DEFAULTS,
            null,
            null,
            List.of("Ingress shop/web CertificateNotReady"),
            List.of("shop.example.com " + SHOP_ID, "default certificate (none)")),
        new Case(
            "a Ready Certificate adds nothing",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                TestCertificates.secret("shop", "shop-tls", SHOP),
                Fixtures.certificate(
                    "shop", "shop-cert", "shop-tls", "True", "Ready", "up to date"),
                TLS_INGRESS),
            DEFAULTS,
            null,
            null,
            List.of(),
            List.of("shop.example.com " + SHOP_ID, "default certificate (none)")),
        new Case(
            "a Certificate being issued into a missing Secret: both diagnosed, its hosts retain",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                Fixtures.certificate(
                    "shop", "shop-cert", "shop-tls", "False", "DoesNotExist", "Issuing"),
                TLS_INGRESS),
            DEFAULTS,
            null,
            null,
            List.of("Ingress shop/web SecretNotFound", "Ingress shop/web CertificateNotReady"),
            List.of("shop.example.com (retain)", "default certificate (none)")),
        new Case(
            "a Certificate without any status is not Ready yet",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                TestCertificates.secret("shop", "shop-tls", SHOP),
                Fixtures.certificate("shop", "shop-cert", "shop-tls", null, null, null),
                TLS_INGRESS),
            DEFAULTS,
            null,
            null,
            List.of("Ingress shop/web CertificateNotReady"),
            List.of("shop.example.com " + SHOP_ID, "default certificate (none)")),
        new Case(
            "a Certificate of another namespace does not write the Ingress's Secret",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                TestCertificates.secret("shop", "shop-tls", SHOP),
                Fixtures.certificate(
                    "other", "shop-cert", "shop-tls", "False", "Failed", "order failed"),
                TLS_INGRESS),
            DEFAULTS,
            null,
            null,
            List.of(),
            List.of("shop.example.com " + SHOP_ID, "default certificate (none)")),
        new Case(
            "a control-channel Secret is never served, even when valid",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                TestCertificates.secret(
                        "shop",
                        "control-tls",
                        TestCertificates.ec(
                            "shop.example.com",
                            NOW.minusSeconds(86_400),
                            NOW.plusSeconds(86_400 * 30)))
                    .replace(
                        "metadata: {name: control-tls, namespace: shop}",
                        "metadata: {name: control-tls, namespace: shop, labels: "
                            + "{weir.dev/control-channel: \"true\"}}"),
                ingress(
                    "shop",
                    "web",
                    null,
                    "tls: [{hosts: [shop.example.com], secretName: control-tls}]\n" + SIMPLE_RULE)),
            DEFAULTS,
            null,
            null,
            List.of("Ingress shop/web ForbiddenSecret"),
            List.of("shop.example.com (default)", "default certificate (none)")),
        new Case(
            "a refused Secret reference gives the default certificate, not retain",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                ingress(
                    "shop",
                    "web",
                    null,
                    "tls: [{hosts: [shop.example.com], secretName: other/shop-tls}]\n"
                        + SIMPLE_RULE)),
            DEFAULTS,
            null,
            null,
            List.of("Ingress shop/web CrossNamespaceSecret"),
            List.of("shop.example.com (default)", "default certificate (none)")),
        new Case(
            "a missing Secret for the default certificate or host '*' cannot retain",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                ingress(
                    "shop",
                    "web",
                    null,
                    """
                tls:
                - {secretName: default-tls}
                - {hosts: ["*"], secretName: any-tls}
                rules:
                - http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
                """)),
            DEFAULTS,
            null,
            null,
            List.of("Ingress shop/web SecretNotFound", "Ingress shop/web SecretNotFound"),
            List.of("* (default)", "default certificate (none)")),

        // Annotations
        Case.annotations(
            "path annotations become the settings of the Ingress's routes",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                annotated(
                    ingress("shop", "web", null, SIMPLE_RULE),
                    "nginx.ingress.kubernetes.io/affinity",
                    "cookie",
                    "nginx.ingress.kubernetes.io/session-cookie-name",
                    "route",
                    "nginx.ingress.kubernetes.io/proxy-body-size",
                    "8m",
                    "nginx.ingress.kubernetes.io/proxy-read-timeout",
                    "30",
                    "weir.dev/proxy-next-upstream-tries",
                    "3")),
            DEFAULTS,
            List.of("shop.example.com Prefix / -> shop/web:http"),
            List.of("shop/web:http 10.0.0.1:8080"),
            List.of(),
            List.of(
                "shop.example.com Prefix /: affinity BALANCED route path=/, body=8388608,"
                    + " timeouts=5000/30000/60000, tries=3")),
        Case.annotations(
            "enable-access-log false leaves out the paths of its Ingress only, under either prefix",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                annotated(
                    ingress(
                        "shop",
                        "quiet",
                        "2025-01-01T00:00:00Z",
                        path("shop.example.com", "/health", "Prefix", "web", "http")),
                    "nginx.ingress.kubernetes.io/enable-access-log",
                    "false"),
                annotated(
                    ingress(
                        "shop",
                        "weir-quiet",
                        "2025-01-02T00:00:00Z",
                        path("shop.example.com", "/metrics", "Exact", "web", "http")),
                    "nginx.ingress.kubernetes.io/enable-access-log",
                    "true",
                    "weir.dev/enable-access-log",
                    "false"),
                annotated(
                    ingress(
                        "shop",
                        "loud",
                        "2025-01-03T00:00:00Z",
                        path("shop.example.com", "/", "Prefix", "web", "http")),
                    "nginx.ingress.kubernetes.io/enable-access-log",
                    "true")),
            DEFAULTS,
            List.of(
                "shop.example.com Prefix / -> shop/web:http",
                "shop.example.com Prefix /health -> shop/web:http",
                "shop.example.com Exact /metrics -> shop/web:http"),
            null,
            List.of(),
            List.of(
                "shop.example.com Prefix /health: no access log",
                "shop.example.com Exact /metrics: no access log")),
        Case.annotations(
            "a host with TLS redirects plain HTTP and sends HSTS, by the controller's defaults",
            List.of(OUR_CLASS, WEB_SERVICE, WEB_SLICE, TLS_INGRESS),
            DEFAULTS,
            List.of("shop.example.com Prefix / -> shop/web:http"),
            null,
            List.of("Ingress shop/web SecretNotFound"),
            List.of(
                "shop.example.com hsts max-age=31536000; includeSubDomains",
                "shop.example.com Prefix /: redirect")),
        Case.annotations(
            "the controller's options can turn redirects and HSTS off",
            List.of(OUR_CLASS, WEB_SERVICE, WEB_SLICE, TLS_INGRESS),
            DEFAULTS.withHttps(new HttpsDefaults(false, Optional.empty())),
            List.of("shop.example.com Prefix / -> shop/web:http"),
            null,
            List.of("Ingress shop/web SecretNotFound"),
            List.of()),
        Case.annotations(
            "ssl-redirect false keeps plain HTTP; force-ssl-redirect redirects a host without TLS;"
                + " weir.dev/hsts annotations shape the header",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                annotated(
                    TLS_INGRESS,
                    "nginx.ingress.kubernetes.io/ssl-redirect",
                    "false",
                    "weir.dev/hsts-max-age",
                    "600",
                    "weir.dev/hsts-preload",
                    "true"),
                annotated(
                    ingress(
                        "shop",
                        "plain",
                        null,
                        path("plain.example.com", "/", "Prefix", "web", "http")),
                    "nginx.ingress.kubernetes.io/force-ssl-redirect",
                    "true")),
            DEFAULTS,
            List.of(
                "plain.example.com Prefix / -> shop/web:http",
                "shop.example.com Prefix / -> shop/web:http"),
            null,
            List.of("Ingress shop/web SecretNotFound"),
            List.of(
                "plain.example.com Prefix /: redirect",
                "shop.example.com hsts max-age=600; includeSubDomains; preload")),
        Case.annotations(
            "preserve-trailing-slash keeps the trailing slash the HTTPS redirect drops by default",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                annotated(
                    TLS_INGRESS, "nginx.ingress.kubernetes.io/preserve-trailing-slash", "true"),
                annotated(
                    ingress(
                        "shop",
                        "plain",
                        null,
                        path("plain.example.com", "/", "Prefix", "web", "http")),
                    "nginx.ingress.kubernetes.io/force-ssl-redirect",
                    "true")),
            DEFAULTS,
            List.of(
                "plain.example.com Prefix / -> shop/web:http",
                "shop.example.com Prefix / -> shop/web:http"),
            null,
            List.of("Ingress shop/web SecretNotFound"),
            List.of(
                "plain.example.com Prefix /: redirect",
                "shop.example.com hsts max-age=31536000; includeSubDomains",
                "shop.example.com Prefix /: redirect keeping /")),
        new Case(
            "server-alias serves the host's routes under each alias, with the host's certificate"
                + " where it covers the alias (then redirect and HSTS too), else the default one;"
                + " an alias that is a host, or that a host first by name asks for, is left out",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                TestCertificates.secret("shop", "shop-tls", SHOP_AND_MORE),
                annotated(
                    TLS_INGRESS,
                    "nginx.ingress.kubernetes.io/server-alias",
                    "m.shop.example.com, shop.test, other.example.com, both.test,"
                        + " shop.example.com"),
                annotated(
                    ingress(
                        "shop",
                        "other",
                        "2020-01-01T00:00:00Z",
                        path("other.example.com", "/other", "Prefix", "web", "http")),
                    "nginx.ingress.kubernetes.io/server-alias",
                    "both.test")),
            DEFAULTS,
            List.of(
                "both.test Prefix /other -> shop/web:http",
                "m.shop.example.com Prefix / -> shop/web:http",
                "other.example.com Prefix /other -> shop/web:http",
                "shop.example.com Prefix / -> shop/web:http",
                "shop.test Prefix / -> shop/web:http"),
            null,
            List.of("Ingress shop/web AliasIgnored", "Ingress shop/web AliasIgnored"),
            List.of(
                "both.test (default)",
                "m.shop.example.com " + SHOP_AND_MORE_ID,
                "other.example.com (default)",
                "shop.example.com " + SHOP_AND_MORE_ID,
                "shop.test (default)",
                "default certificate (none)"),
            List.of(
                "m.shop.example.com hsts max-age=31536000; includeSubDomains",
                "m.shop.example.com Prefix /: redirect",
                "shop.example.com hsts max-age=31536000; includeSubDomains",
                "shop.example.com Prefix /: redirect")),
        new Case(
            "from-to-www-redirect: www.<host> redirects to the host, a www. host's bare name to it,"
                + " with the certificate where it covers that name; none where the name is a host",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                TestCertificates.secret("shop", "shop-tls", SHOP_AND_MORE),
                annotated(TLS_INGRESS, "nginx.ingress.kubernetes.io/from-to-www-redirect", "true"),
                annotated(
                    ingress(
                        "shop", "www", null, path("www.shop.test", "/", "Prefix", "web", "http")),
                    "nginx.ingress.kubernetes.io/from-to-www-redirect",
                    "true"),
                annotated(
                    ingress("shop", "b", null, path("b.test", "/", "Prefix", "web", "http")),
                    "nginx.ingress.kubernetes.io/from-to-www-redirect",
                    "true"),
                ingress("shop", "wwwb", null, path("www.b.test", "/", "Prefix", "web", "http"))),
            DEFAULTS,
            List.of(
                "b.test Prefix / -> shop/web:http",
                "shop.example.com Prefix / -> shop/web:http",
                "shop.test redirects to www.shop.test 308",
                "www.b.test Prefix / -> shop/web:http",
                "www.shop.example.com redirects to shop.example.com 308",
                "www.shop.test Prefix / -> shop/web:http"),
            null,
            List.of("Ingress shop/b WwwRedirectIgnored"),
            List.of(
                "b.test (default)",
                "shop.example.com " + SHOP_AND_MORE_ID,
                "shop.test (default)",
                "www.b.test (default)",
                "www.shop.example.com " + SHOP_AND_MORE_ID,
                "www.shop.test (default)",
                "default certificate (none)"),
            null),
        new Case(
            "service-upstream: the Service's ClusterIP and port are the one endpoint; a headless"
                + " Service keeps its endpoints, reported",
            List.of(
                OUR_CLASS,
                WEB_SERVICE.replace("spec:\n", "spec:\n  clusterIP: 10.96.0.10\n"),
                WEB_SLICE,
                """
                apiVersion: v1
                kind: Service
                metadata: {name: db, namespace: shop}
                spec:
                  clusterIP: None
                  ports:
                  - {name: sql, port: 5432}
                """,
                annotated(
                    ingress("shop", "web", null, SIMPLE_RULE),
                    "nginx.ingress.kubernetes.io/service-upstream",
                    "true"),
                annotated(
                    ingress("shop", "db", null, path("db.example.com", "/", "Prefix", "db", "sql")),
                    "nginx.ingress.kubernetes.io/service-upstream",
                    "true")),
            DEFAULTS,
            null,
            List.of("shop/db:sql@svc-fa908b6b", "shop/web:http@svc-fa908b6b 10.96.0.10:80"),
            List.of("Ingress shop/db ServiceUpstreamIgnored")),
        Case.annotations(
            "CORS, source ranges, basic auth from a Secret and rate limits per path; a missing"
                + " password Secret or a bad range fails the Ingress's paths closed",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                TestCertificates.opaqueSecret(
                    "shop", "users", "auth", "alice:{SHA}x\nbob:$apr1$s$h\n"),
                annotated(
                    ingress(
                        "shop",
                        "guarded",
                        null,
                        path("shop.example.com", "/a", "Prefix", "web", "http")),
                    "nginx.ingress.kubernetes.io/enable-cors",
                    "true",
                    "nginx.ingress.kubernetes.io/cors-allow-origin",
                    "https://*.shop.example.com",
                    "nginx.ingress.kubernetes.io/whitelist-source-range",
                    "10.0.0.0/8",
                    "nginx.ingress.kubernetes.io/auth-type",
                    "basic",
                    "nginx.ingress.kubernetes.io/auth-secret",
                    "users",
                    "nginx.ingress.kubernetes.io/auth-realm",
                    "Shop",
                    "nginx.ingress.kubernetes.io/limit-rps",
                    "5"),
                annotated(
                    ingress(
                        "shop",
                        "nosecret",
                        null,
                        path("shop.example.com", "/b", "Prefix", "web", "http")),
                    "nginx.ingress.kubernetes.io/auth-type",
                    "basic",
                    "nginx.ingress.kubernetes.io/auth-secret",
                    "missing"),
                annotated(
                    ingress(
                        "shop",
                        "badrange",
                        null,
                        path("shop.example.com", "/c", "Prefix", "web", "http")),
                    "nginx.ingress.kubernetes.io/denylist-source-range",
                    "10.0.0.0/8,nope")),
            DEFAULTS,
            List.of(
                "shop.example.com Prefix /a -> shop/web:http",
                "shop.example.com Prefix /b -> shop/web:http",
                "shop.example.com Prefix /c -> shop/web:http"),
            null,
            List.of(
                "Ingress shop/badrange InvalidAnnotation", "Ingress shop/nosecret SecretNotFound"),
            List.of(
                "shop.example.com Prefix /a: cors [https://*.shop.example.com], access deny=null"
                    + " allow=[10.0.0.0/8] basic realm=Shop users=[alice, bob], limit"
                    + " zone=shop/guarded rps=5 rpm=null conn=null burst=5",
                "shop.example.com Prefix /b: access unavailable",
                "shop.example.com Prefix /c: access unavailable")),
        Case.annotations(
            "external auth per path with the Ingress's auth-url; an invalid auth-url fails that"
                + " Ingress's paths closed and names the Ingress, the host's other paths keep"
                + " working; auth-snippet is reported and never executed",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                annotated(
                    ingress(
                        "shop",
                        "guarded",
                        null,
                        path("shop.example.com", "/a", "Prefix", "web", "http")),
                    "nginx.ingress.kubernetes.io/auth-url",
                    "http://oauth2-proxy.auth.svc.cluster.local/oauth2/auth",
                    "nginx.ingress.kubernetes.io/auth-signin",
                    "https://$host/oauth2/start?rd=$escaped_request_uri",
                    "nginx.ingress.kubernetes.io/auth-response-headers",
                    "X-Auth-Request-User, X-Auth-Request-Email",
                    "nginx.ingress.kubernetes.io/auth-cache-key",
                    "$cookie__oauth2_proxy"),
                annotated(
                    ingress(
                        "shop",
                        "broken",
                        null,
                        path("shop.example.com", "/b", "Prefix", "web", "http")),
                    "nginx.ingress.kubernetes.io/auth-url",
                    "oauth2-proxy/oauth2/auth",
                    "nginx.ingress.kubernetes.io/auth-snippet",
                    "proxy_set_header X-Evil 1;"),
                ingress(
                    "shop", "open", null, path("shop.example.com", "/c", "Prefix", "web", "http"))),
            DEFAULTS,
            List.of(
                "shop.example.com Prefix /a -> shop/web:http",
                "shop.example.com Prefix /b -> shop/web:http",
                "shop.example.com Prefix /c -> shop/web:http"),
            null,
            List.of(
                "Ingress shop/broken InvalidAnnotation",
                "Ingress shop/broken UnsupportedAnnotation"),
            List.of(
                "shop.example.com Prefix /a: auth GET"
                    + " http://oauth2-proxy.auth.svc.cluster.local/oauth2/auth"
                    + " signin=https://$host/oauth2/start?rd=$escaped_request_uri"
                    + " headers=[X-Auth-Request-User, X-Auth-Request-Email]"
                    + " cache=$cookie__oauth2_proxy"
                    + " [AuthCacheValidity[statuses=[200, 202, 401], millis=300000]]",
                "shop.example.com Prefix /b: auth unavailable")),
        Case.annotations(
            "Ingresses of one host: each path's settings from its owner, host settings from the"
                + " oldest Ingress that sets them",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                TestCertificates.opaqueSecret("shop", "ca-one", "ca.crt", CA_PEM),
                TestCertificates.opaqueSecret("shop", "ca-two", "ca.crt", CA_PEM),
                annotated(
                    ingress(
                        "shop",
                        "old",
                        "2025-01-01T00:00:00Z",
                        "tls: [{hosts: [shop.example.com], secretName: shop-tls}]\n"
                            + path("shop.example.com", "/a", "Prefix", "web", "http")),
                    "nginx.ingress.kubernetes.io/auth-tls-secret",
                    "ca-one",
                    "nginx.ingress.kubernetes.io/proxy-body-size",
                    "1k"),
                annotated(
                    ingress(
                        "shop",
                        "young",
                        "2025-02-01T00:00:00Z",
                        path("shop.example.com", "/b", "Prefix", "web", "http")),
                    "nginx.ingress.kubernetes.io/auth-tls-secret",
                    "shop/ca-two",
                    "nginx.ingress.kubernetes.io/auth-tls-verify-client",
                    "optional",
                    "weir.dev/hsts-max-age",
                    "60",
                    "nginx.ingress.kubernetes.io/affinity",
                    "cookie")),
            DEFAULTS,
            List.of(
                "shop.example.com Prefix /a -> shop/web:http",
                "shop.example.com Prefix /b -> shop/web:http"),
            null,
            List.of("Ingress shop/old SecretNotFound", "Ingress shop/young IgnoredAnnotation"),
            List.of(
                "shop.example.com hsts max-age=60; includeSubDomains",
                "shop.example.com clientAuth ON depth=1 ca",
                "shop.example.com Prefix /a: redirect, body=1024",
                "shop.example.com Prefix /b: affinity BALANCED INGRESSCOOKIE path=/b, redirect")),
        Case.annotations(
            "invalid, unsupported and unknown annotations are diagnostics; the Ingress is served"
                + " with the defaults",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                annotated(
                    ingress("shop", "web", null, SIMPLE_RULE),
                    "nginx.ingress.kubernetes.io/proxy-body-size",
                    "1.5m",
                    "nginx.ingress.kubernetes.io/proxy-read-timeout",
                    "5s",
                    "nginx.ingress.kubernetes.io/server-snippet",
                    "return 200;",
                    "weir.dev/affinty",
                    "cookie",
                    "nginx.ingress.kubernetes.io/session-cookie-name",
                    "x")),
            DEFAULTS,
            List.of("shop.example.com Prefix / -> shop/web:http"),
            List.of("shop/web:http 10.0.0.1:8080"),
            List.of(
                "Ingress shop/web InvalidAnnotation",
                "Ingress shop/web InvalidAnnotation",
                "Ingress shop/web UnsupportedAnnotation",
                "Ingress shop/web UnknownAnnotation",
                "Ingress shop/web IgnoredAnnotation"),
            List.of()),
        Case.annotations(
            "client authentication reads the CA of an Opaque Secret",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                TestCertificates.opaqueSecret("shop", "client-ca", "ca.crt", CA_PEM),
                annotated(
                    ingress("shop", "web", null, SIMPLE_RULE),
                    "nginx.ingress.kubernetes.io/auth-tls-secret",
                    "shop/client-ca",
                    "nginx.ingress.kubernetes.io/auth-tls-verify-depth",
                    "2",
                    "nginx.ingress.kubernetes.io/auth-tls-pass-certificate-to-upstream",
                    "true")),
            DEFAULTS,
            List.of("shop.example.com Prefix / -> shop/web:http"),
            null,
            List.of(),
            List.of("shop.example.com clientAuth ON depth=2 pass ca")),
        Case.annotations(
            "client authentication fails closed when its Secret is missing",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                annotated(
                    ingress("shop", "web", null, SIMPLE_RULE),
                    "nginx.ingress.kubernetes.io/auth-tls-secret",
                    "client-ca")),
            DEFAULTS,
            List.of("shop.example.com Prefix / -> shop/web:http"),
            null,
            List.of("Ingress shop/web SecretNotFound"),
            List.of("shop.example.com clientAuth unavailable")),
        Case.annotations(
            "client authentication fails closed when its Secret has no usable ca.crt",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                TestCertificates.opaqueSecret("shop", "no-ca", "password", "hunter2"),
                TestCertificates.opaqueSecret("shop", "bad-ca", "ca.crt", "not a certificate"),
                annotated(
                    ingress("shop", "web", null, SIMPLE_RULE),
                    "nginx.ingress.kubernetes.io/auth-tls-secret",
                    "no-ca"),
                annotated(
                    ingress(
                        "shop",
                        "blog",
                        null,
                        path("blog.example.com", "/", "Prefix", "web", "http")),
                    "nginx.ingress.kubernetes.io/auth-tls-secret",
                    "bad-ca")),
            DEFAULTS,
            null,
            null,
            List.of("Ingress shop/blog InvalidCertificate", "Ingress shop/web InvalidCertificate"),
            List.of(
                "blog.example.com clientAuth unavailable",
                "shop.example.com clientAuth unavailable")),
        Case.annotations(
            "a Secret of another namespace is refused and the feature fails closed",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                TestCertificates.opaqueSecret("other", "client-ca", "ca.crt", CA_PEM),
                annotated(
                    ingress("shop", "web", null, SIMPLE_RULE),
                    "nginx.ingress.kubernetes.io/auth-tls-secret",
                    "other/client-ca")),
            DEFAULTS,
            null,
            null,
            List.of("Ingress shop/web InvalidAnnotation"),
            List.of("shop.example.com clientAuth unavailable")),
        Case.annotations(
            "backend-protocol HTTPS without verification: a backend of its own, and a warning",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                annotated(
                    ingress("shop", "web", null, SIMPLE_RULE),
                    "nginx.ingress.kubernetes.io/backend-protocol",
                    "HTTPS")),
            DEFAULTS,
            List.of("shop.example.com Prefix / -> shop/web:http@https-" + HTTPS_DIGEST),
            List.of("shop/web:http@https-" + HTTPS_DIGEST + " 10.0.0.1:8080"),
            List.of("Ingress shop/web UnverifiedUpstream"),
            List.of("backend shop/web:http@https-" + HTTPS_DIGEST + ": HTTPS tls unverified")),
        Case.annotations(
            "proxy-ssl-secret verifies pods against its CA and presents its client certificate",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                TestCertificates.opaqueSecret(
                    "shop",
                    "backend-ca",
                    "ca.crt",
                    CA_PEM,
                    "tls.crt",
                    CLIENT.getCertificatePEM(),
                    "tls.key",
                    CLIENT.getPrivateKeyPEM()),
                annotated(
                    ingress("shop", "web", null, SIMPLE_RULE),
                    "nginx.ingress.kubernetes.io/backend-protocol",
                    "GRPCS",
                    "nginx.ingress.kubernetes.io/proxy-ssl-secret",
                    "backend-ca",
                    "nginx.ingress.kubernetes.io/proxy-ssl-verify",
                    "on",
                    "nginx.ingress.kubernetes.io/proxy-ssl-name",
                    "web.shop.svc",
                    "nginx.ingress.kubernetes.io/proxy-ssl-server-name",
                    "on")),
            DEFAULTS,
            null,
            null,
            List.of(),
            List.of(
                "backend shop/web:http@grpcs-"
                    + VERIFIED_DIGEST
                    + ": GRPCS tls verify ca name=web.shop.svc sni client",
                "client certificate of shop/web:http@grpcs-" + VERIFIED_DIGEST)),
        Case.annotations(
            "re-encryption whose Secret is missing fails closed",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                annotated(
                    ingress("shop", "web", null, SIMPLE_RULE),
                    "nginx.ingress.kubernetes.io/backend-protocol",
                    "HTTPS",
                    "nginx.ingress.kubernetes.io/proxy-ssl-secret",
                    "backend-ca",
                    "nginx.ingress.kubernetes.io/proxy-ssl-verify",
                    "on")),
            DEFAULTS,
            null,
            null,
            List.of("Ingress shop/web SecretNotFound"),
            List.of("backend shop/web:http@https-" + MISSING_DIGEST + ": HTTPS tls unavailable")),
        Case.annotations(
            "Ingresses routing to one Service port with different settings get a backend each",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                ingress("shop", "plain", null, path("a.example.com", "/", "Prefix", "web", "http")),
                annotated(
                    ingress(
                        "shop", "tls", null, path("b.example.com", "/", "Prefix", "web", "http")),
                    "nginx.ingress.kubernetes.io/backend-protocol",
                    "HTTPS")),
            DEFAULTS,
            List.of(
                "a.example.com Prefix / -> shop/web:http",
                "b.example.com Prefix / -> shop/web:http@https-" + HTTPS_DIGEST),
            List.of(
                "shop/web:http 10.0.0.1:8080",
                "shop/web:http@https-" + HTTPS_DIGEST + " 10.0.0.1:8080"),
            List.of("Ingress shop/tls UnverifiedUpstream"),
            List.of("backend shop/web:http@https-" + HTTPS_DIGEST + ": HTTPS tls unverified")),
        Case.annotations(
            "ssl-passthrough relays the host to the backend of its path /; other paths and"
                + " annotations are reported",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                annotated(
                    ingress(
                        "shop",
                        "db",
                        "2025-02-01T00:00:00Z",
                        "tls: [{hosts: [shop.example.com], secretName: shop-tls}]\n" + SIMPLE_RULE),
                    "nginx.ingress.kubernetes.io/ssl-passthrough",
                    "true",
                    "nginx.ingress.kubernetes.io/proxy-body-size",
                    "1m"),
                ingress(
                    "shop",
                    "web",
                    "2025-01-01T00:00:00Z",
                    path("shop.example.com", "/x", "Prefix", "web", "9000"))),
            DEFAULTS,
            List.of("shop.example.com (no routes)"),
            List.of("shop/web:http 10.0.0.1:8080"),
            List.of(
                "Ingress shop/db SecretNotFound",
                "Ingress shop/db IgnoredAnnotation",
                "Ingress shop/web PassthroughHost"),
            List.of("shop.example.com passthrough -> shop/web:http")),
        Case.annotations(
            "ssl-passthrough on a host without path / has no effect",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                annotated(
                    ingress(
                        "shop",
                        "db",
                        null,
                        path("shop.example.com", "/x", "Prefix", "web", "http")),
                    "nginx.ingress.kubernetes.io/ssl-passthrough",
                    "true")),
            DEFAULTS,
            List.of("shop.example.com Prefix /x -> shop/web:http"),
            null,
            List.of("Ingress shop/db IgnoredAnnotation"),
            List.of()),
        Case.annotations(
            "load-balance ewma gets a backend of its own, balanced by Ewma",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                annotated(
                    ingress("shop", "web", null, SIMPLE_RULE),
                    "nginx.ingress.kubernetes.io/load-balance",
                    "ewma")),
            DEFAULTS,
            List.of("shop.example.com Prefix / -> shop/web:http@ewma-" + EWMA_DIGEST),
            List.of("shop/web:http@ewma-" + EWMA_DIGEST + " 10.0.0.1:8080"),
            List.of(),
            List.of("backend shop/web:http@ewma-" + EWMA_DIGEST + ": HTTP EWMA")),
        new Case(
            "a canary Ingress attaches its backend to the main route of the same host, path and"
                + " path type, with its rules; it routes nothing itself",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                ingress(
                    "shop",
                    "main",
                    "2025-01-01T00:00:00Z",
                    path("shop.example.com", "/", "Prefix", "web", "80")),
                canary(
                    "canary",
                    "2025-01-02T00:00:00Z",
                    path("shop.example.com", "/", "Prefix", "web", "9000"),
                    "canary-by-header",
                    "X-Canary",
                    "canary-by-header-pattern",
                    "^beta",
                    "canary-by-cookie",
                    "beta",
                    "canary-weight",
                    "30")),
            DEFAULTS,
            List.of(
                "shop.example.com Prefix / -> shop/web:80, canary shop/web:9000 header=X-Canary"
                    + " pattern=^beta cookie=beta weight=30/100"),
            List.of("shop/web:80 10.0.0.1:8080", "shop/web:9000 10.0.0.1:9090"),
            List.of(),
            null),
        new Case(
            "a canary path without a main route of the same host, path and type, a second canary"
                + " of a route and a canary to the main route's own backend are reported and"
                + " ignored; the canary's TLS and default backend too",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                ingress(
                    "shop",
                    "main",
                    "2025-01-01T00:00:00Z",
                    path("shop.example.com", "/", "Prefix", "web", "80")),
                canary(
                    "first",
                    "2025-01-02T00:00:00Z",
                    path("shop.example.com", "/", "Prefix", "web", "9000"),
                    "canary-weight",
                    "10"),
                canary(
                    "second",
                    "2025-01-03T00:00:00Z",
                    path("shop.example.com", "/", "Prefix", "web", "9000"),
                    "canary-weight",
                    "50"),
                canary(
                    "exact",
                    "2025-01-04T00:00:00Z",
                    path("shop.example.com", "/", "Exact", "web", "9000")),
                canary(
                    "nohost",
                    "2025-01-05T00:00:00Z",
                    path("blog.example.com", "/", "Prefix", "web", "9000")),
                canary(
                    "same",
                    "2025-01-06T00:00:00Z",
                    "defaultBackend: {service: {name: web, port: {number: 9000}}}\n"
                        + "tls: [{hosts: [shop.example.com], secretName: shop-tls}]\n"
                        + path("shop.example.com", "/", "Prefix", "web", "80"))),
            DEFAULTS,
            List.of("shop.example.com Prefix / -> shop/web:80, canary shop/web:9000 weight=10/100"),
            List.of("shop/web:80 10.0.0.1:8080", "shop/web:9000 10.0.0.1:9090"),
            List.of(
                "Ingress shop/exact CanaryNotAttached",
                "Ingress shop/nohost CanaryNotAttached",
                "Ingress shop/same CanaryNotAttached",
                "Ingress shop/same CanarySpecIgnored",
                "Ingress shop/same CanarySpecIgnored",
                "Ingress shop/second CanaryNotAttached"),
            null),
        Case.annotations(
            "a canary's backend keeps the main route's protocol and takes its own load-balance;"
                + " the main route's settings stay, the canary's other annotations are reported",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                annotated(
                    ingress(
                        "shop",
                        "main",
                        "2025-01-01T00:00:00Z",
                        path("shop.example.com", "/", "Prefix", "web", "80")),
                    "nginx.ingress.kubernetes.io/backend-protocol",
                    "HTTPS",
                    "nginx.ingress.kubernetes.io/proxy-body-size",
                    "1k"),
                canary(
                    "canary",
                    "2025-01-02T00:00:00Z",
                    path("shop.example.com", "/", "Prefix", "web", "9000"),
                    "canary-weight",
                    "100",
                    "load-balance",
                    "ewma",
                    "proxy-body-size",
                    "8m")),
            DEFAULTS,
            null,
            null,
            List.of(
                "Ingress shop/canary IgnoredAnnotation", "Ingress shop/main UnverifiedUpstream"),
            List.of(
                "shop.example.com Prefix /: body=1024",
                "backend shop/web:80@https-" + HTTPS_DIGEST + ": HTTPS tls unverified",
                "backend shop/web:9000@https+ewma-"
                    + CANARY_DIGEST
                    + ": HTTPS tls unverified EWMA")),
        Case.annotations(
            "upstream-hash-by gets a consistent-hash backend of its own, its key as written",
            List.of(
                OUR_CLASS,
                WEB_SERVICE,
                WEB_SLICE,
                annotated(
                    ingress("shop", "web", null, SIMPLE_RULE),
                    "nginx.ingress.kubernetes.io/upstream-hash-by",
                    "$http_x_user")),
            DEFAULTS,
            null,
            null,
            List.of(),
            List.of(
                "backend shop/web:http@hash-cd39fa80: HTTP CONSISTENT_HASH by ${http_x_user}")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void translates(Case c) {
    Translation t =
        new IngressTranslator()
            .translate(
                InMemoryClusterState.of(Fixtures.objects(c.yaml().toArray(String[]::new))),
                c.options(),
                LastGoodCertificates.empty(),
                NOW);

    if (c.routes() != null) {
      assertThat(Fixtures.routes(t.snapshot())).as("routes").containsExactlyElementsOf(c.routes());
    }
    if (c.backends() != null) {
      assertThat(Fixtures.backends(t.snapshot()))
          .as("backends")
          .containsExactlyElementsOf(c.backends());
    }
    assertThat(Fixtures.diagnostics(t))
        .as("diagnostics")
        .containsExactlyElementsOf(c.diagnostics());
    if (c.certificates() != null) {
      assertThat(Fixtures.certificates(t.snapshot()))
          .as("certificates")
          .containsExactlyElementsOf(c.certificates());
    }
    if (c.settings() != null) {
      assertThat(Fixtures.settings(t.snapshot()))
          .as("settings")
          .containsExactlyElementsOf(c.settings());
    }
    // Whatever annotations say, the snapshot is one a data plane accepts.
    assertThatCode(() -> SnapshotValidator.validate(t.snapshot())).doesNotThrowAnyException();
  }

  @Test
  void eachRouteNamesTheIngressThatOwnsItsPath() {
    Translation t =
        new IngressTranslator()
            .translate(
                InMemoryClusterState.of(
                    Fixtures.objects(
                        OUR_CLASS,
                        WEB_SERVICE,
                        WEB_SLICE,
                        ingress(
                            "shop",
                            "old",
                            "2025-01-01T00:00:00Z",
                            path("shop.example.com", "/", "Prefix", "web", "http")),
                        ingress(
                            "shop",
                            "young",
                            "2025-02-01T00:00:00Z",
                            path("shop.example.com", "/", "Prefix", "web", "80")
                                + "    - {path: /b, pathType: Exact, backend: {service: {name:"
                                + " web, port: {number: 80}}}}\n"))),
                DEFAULTS,
                LastGoodCertificates.empty(),
                NOW);

    assertThat(t.snapshot().virtualHosts().get(0).routes())
        .extracting(r -> r.path() + " " + r.ingress())
        .containsExactly("/ shop/old", "/b shop/young");
  }

  private static String path(String host, String path, String type, String service, String port) {
    String portField =
        port.chars().allMatch(Character::isDigit) ? "number: " + port : "name: " + port;
    return "rules:\n- host: "
        + host
        + "\n  http:\n    paths:\n    - {path: "
        + path
        + ", pathType: "
        + type
        + ", backend: {service: {name: "
        + service
        + ", port: {"
        + portField
        + "}}}}\n";
  }

  /** A canary Ingress shop/{@code name} with {@code spec} and canary-prefixed annotations. */
  private static String canary(String name, String created, String spec, String... annotations) {
    String[] keyValues = new String[annotations.length + 2];
    keyValues[0] = "nginx.ingress.kubernetes.io/canary";
    keyValues[1] = "true";
    for (int i = 0; i < annotations.length; i += 2) {
      keyValues[i + 2] = "nginx.ingress.kubernetes.io/" + annotations[i];
      keyValues[i + 3] = annotations[i + 1];
    }
    return annotated(ingress("shop", name, created, spec), keyValues);
  }

  private static String withoutClass(String ingressYaml) {
    return ingressYaml.replace("  ingressClassName: weir\n", "");
  }

  private static String legacyClass(String ingressYaml, String className) {
    return withoutClass(ingressYaml)
        .replace(
            "metadata:\n",
            "metadata:\n  annotations: {kubernetes.io/ingress.class: " + className + "}\n");
  }
}
