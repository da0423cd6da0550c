package dev.weir.operator.translate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.RetryCondition;
import dev.weir.contract.snapshot.RetryPolicy;
import dev.weir.contract.snapshot.Settings;
import dev.weir.contract.snapshot.VirtualHost;
import dev.weir.operator.state.InMemoryClusterState;
import dev.weir.operator.state.ObjectRef;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.netty.pkitesting.X509Bundle;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The incremental translator gives exactly what the full one gives, whatever the sequence of states
 * that led to the current one: the full translator is the specification.
 */
class IncrementalTranslatorTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant BEFORE = NOW.minus(Duration.ofDays(30));
  private static final X509Bundle ONE =
      TestCertificates.ec("h1.test", BEFORE, NOW.plus(Duration.ofDays(400)));
  private static final X509Bundle TWO =
      TestCertificates.ec("h2.test", BEFORE, NOW.plus(Duration.ofDays(400)));

  /** Expires while a sequence runs: outcomes must change with time alone. */
  private static final X509Bundle SHORT =
      TestCertificates.ec("h1.test", BEFORE, NOW.plus(Duration.ofDays(10)));

  /** Runs both translators over a sequence of states and compares every step. */
  private static final class Both {
    final IncrementalTranslator incremental = new IncrementalTranslator();
    final IngressTranslator full = new IngressTranslator();
    Translation lastFull;

    /** What the compared translations held, so a test can show its sequences exercised it. */
    final Set<String> seen = new TreeSet<>();

    Translation step(
        InMemoryClusterState state, TranslateOptions options, Instant now, String what) {
      Translation expected =
          full.translate(
              state,
              options,
              lastFull == null ? LastGoodCertificates.empty() : lastFull.lastGoodCertificates(),
              lastFull == null ? CheckedSecrets.empty() : lastFull.checkedSecrets(),
              now);
      Translation actual = incremental.translate(state, options, now);
      assertThat(actual.snapshot()).as("snapshot after %s", what).isEqualTo(expected.snapshot());
      assertThat(actual.diagnostics())
          .as("diagnostics after %s", what)
          .containsExactlyElementsOf(expected.diagnostics());
      assertThat(actual.ingresses())
          .as("ingresses after %s", what)
          .containsExactlyElementsOf(expected.ingresses());
      assertThat(actual.lastGoodCertificates())
          .as("last good certificates after %s", what)
          .hasToString(expected.lastGoodCertificates().toString());
      lastFull = expected;
      actual.diagnostics().forEach(d -> seen.add(d.reason().camelCase()));
      actual
          .snapshot()
          .virtualHosts()
          .forEach(
              v -> {
                seen.add(
                    v.certificate() != null ? "host with certificate" : "host without certificate");
                if (v.retainCertificate()) {
                  seen.add("host retaining");
                }
                if (v.isPassthrough()) {
                  seen.add("passthrough host");
                }
                if (v.hostRedirect() != null) {
                  seen.add("host redirect");
                }
                if (v.clientAuth() != null) {
                  seen.add(
                      v.clientAuth().unavailable()
                          ? "client authentication failing closed"
                          : "client authentication");
                }
                if (v.routes().stream().anyMatch(r -> !r.settings().isNone())) {
                  seen.add("route settings");
                }
                if (v.routes().stream()
                    .anyMatch(
                        r ->
                            r.settings().customErrors() != null
                                && r.settings().customErrors().backend() != null)) {
                  seen.add("error backend");
                }
                if (v.routes().stream()
                    .anyMatch(
                        r ->
                            r.settings().proxyHeaders() != null
                                && r.settings().proxyHeaders().responseHeaders() != null)) {
                  seen.add("custom headers");
                }
              });
      actual
          .snapshot()
          .backends()
          .forEach(
              b -> {
                if (b.tls() != null && b.tls().clientCertificate() != null) {
                  seen.add("backend with client certificate");
                }
                if (b.tls() != null && b.tls().unavailable()) {
                  seen.add("backend failing closed");
                }
              });
      if (actual.snapshot().defaultBackend() != null) {
        seen.add("default backend");
      }
      if (actual.snapshot().defaultCertificate() != null) {
        seen.add("default certificate");
      }
      return actual;
    }
  }

  static List<IngressTranslatorTableTest.Case> tableCases() {
    return IngressTranslatorTableTest.cases().toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tableCases")
  void agreesWithTheFullTranslationOnEveryTableCaseBuiltUpAndTornDown(
      IngressTranslatorTableTest.Case c) {
    List<HasMetadata> objects = Fixtures.objects(c.yaml().toArray(String[]::new));
    Both both = new Both();
    // Object by object, then away again in the same order: every intermediate state as well.
    for (int i = 0; i <= objects.size(); i++) {
      both.step(InMemoryClusterState.of(objects.subList(0, i)), c.options(), NOW, i + " objects");
    }
    for (int i = 1; i <= objects.size(); i++) {
      both.step(
          InMemoryClusterState.of(objects.subList(i, objects.size())),
          c.options(),
          NOW,
          "removing " + i + " objects");
    }
  }

  @Test
  void listenerSettingsOfTheOptionsGoIntoEverySnapshot() {
    Settings settings =
        Settings.builder()
            .maxRequestLineBytes(512)
            .maxHeaderBytes(4096)
            .clientIdleMillis(5_000)
            .upstreamMaxConnectionsPerEndpoint(8)
            .upstreamIdleMillis(20_000)
            .requestHeaderMillis(2_000)
            .build();
    TranslateOptions options = TranslateOptions.defaults().withSettings(settings);
    List<HasMetadata> objects =
        Fixtures.objects(
            Fixtures.OUR_CLASS,
            Fixtures.WEB_SERVICE,
            ingress("a", "one", null, rule("h1.test", "/", "web", "80")));
    Both both = new Both();
    Translation first = both.step(InMemoryClusterState.of(objects), options, NOW, "first");
    assertThat(first.snapshot().settings()).isEqualTo(settings);
    Translation back =
        both.step(
            InMemoryClusterState.of(objects), TranslateOptions.defaults(), NOW, "defaults again");
    assertThat(back.snapshot().settings()).isEqualTo(Settings.DEFAULTS);
  }

  @Test
  void unchangedHostsAndBackendsKeepTheirInstances() {
    IncrementalTranslator translator = new IncrementalTranslator();
    List<HasMetadata> objects =
        new ArrayList<>(
            Fixtures.objects(
                Fixtures.OUR_CLASS,
                Fixtures.WEB_SERVICE,
                ingress("a", "one", null, rule("h1.test", "/", "web", "80"))));
    Translation first =
        translator.translate(InMemoryClusterState.of(objects), TranslateOptions.defaults(), NOW);
    objects.addAll(Fixtures.objects(ingress("a", "two", null, rule("h2.test", "/", "web", "80"))));
    Translation second =
        translator.translate(InMemoryClusterState.of(objects), TranslateOptions.defaults(), NOW);

    VirtualHost h1 = first.snapshot().virtualHosts().get(0);
    assertThat(second.snapshot().virtualHosts()).hasSize(2);
    assertThat(second.snapshot().virtualHosts().get(0)).isSameAs(h1);
    assertThat(second.snapshot().backends())
        .as("no backend changed: the same list")
        .isSameAs(first.snapshot().backends());
    assertThat(second.snapshot().certificates()).isSameAs(first.snapshot().certificates());
  }

  @Test
  void aCertificateThatExpiresIsRefusedOnceTimePassesThoughNoObjectChanged() {
    Both both = new Both();
    InMemoryClusterState state =
        InMemoryClusterState.of(
            Fixtures.objects(
                Fixtures.OUR_CLASS,
                Fixtures.WEB_SERVICE,
                TestCertificates.secret("a", "s1", SHORT),
                ingress(
                    "a",
                    "one",
                    null,
                    "tls: [{hosts: [h1.test], secretName: s1}]\n"
                        + rule("h1.test", "/", "web", "80"))));
    Translation before = both.step(state, TranslateOptions.defaults(), NOW, "start");
    Translation after =
        both.step(state, TranslateOptions.defaults(), NOW.plus(Duration.ofDays(11)), "expiry");

    assertThat(before.snapshot().virtualHosts().get(0).certificate()).isNotNull();
    // Its last good copy expires with it: data planes are asked to keep what they serve.
    assertThat(after.snapshot().virtualHosts().get(0).certificate()).isNull();
    assertThat(after.snapshot().virtualHosts().get(0).retainCertificate()).isTrue();
    assertThat(Fixtures.diagnostics(after)).contains("Ingress a/one CertificateExpired");
  }

  /**
   * Random edits to a small cluster whose objects collide on purpose: two namespaces, three hosts,
   * Ingresses of several classes and ages claiming the same paths and TLS hosts, Services and
   * EndpointSlices that come and go, Secrets that are valid, invalid, missing, expiring or
   * forbidden, cert-manager Certificates writing them that are Ready or not, IngressClasses that
   * change, options that change, time that passes.
   */
  @Test
  void agreesWithTheFullTranslationOverRandomSequencesOfChanges() {
    Set<String> seen = new TreeSet<>();
    for (long seed = 1; seed <= 12; seed++) {
      Random random = new Random(seed);
      // Its own stream, so the sequences the others draw (and what they reach) stay as they were.
      Random retryToggles = new Random(-seed);
      Map<String, String> cluster = new TreeMap<>();
      cluster.put("class/weir", Fixtures.OUR_CLASS);
      Both both = new Both();
      Instant now = NOW;
      TranslateOptions options =
          TranslateOptions.defaults()
              .withAllowedResponseHeaders(List.of("X-Frame-Options", "Cache-Control"));
      InMemoryClusterState state = null;
      List<HasMetadata> previous = List.of();
      for (int step = 0; step < 150; step++) {
        String change = randomChange(random, cluster);
        if (random.nextInt(40) == 0) {
          options = options.withWatchIngressWithoutClass(!options.watchIngressWithoutClass());
          change += ", options";
        }
        if (random.nextInt(40) == 0) {
          options =
              options.withHttps(
                  options.https().equals(HttpsDefaults.DEFAULTS)
                      ? new HttpsDefaults(false, Optional.empty())
                      : HttpsDefaults.DEFAULTS);
          change += ", https options";
        }
        if (random.nextInt(40) == 0) {
          options =
              options.withAllowedResponseHeaders(
                  options.allowedResponseHeaders().isEmpty()
                      ? List.of("X-Frame-Options", "Cache-Control")
                      : List.of());
          change += ", allowed response headers";
        }
        if (retryToggles.nextInt(40) == 0) {
          options =
              options.withRetry(
                  options.retry().equals(RetryDefaults.DEFAULTS)
                      ? new RetryDefaults(
                          new RetryPolicy(List.of(RetryCondition.HTTP_502), 2_000L), 5)
                      : RetryDefaults.DEFAULTS);
          change += ", retry options";
        }
        if (random.nextInt(4) == 0) {
          now = now.plus(Duration.ofHours(random.nextInt(72)));
          change += ", time " + now;
        }
        List<HasMetadata> objects = new ArrayList<>();
        cluster.values().forEach(yaml -> objects.addAll(parsed(yaml)));
        // As the manifest source does: the next state from the last one and what changed, so
        // kinds without a change keep their version and the translator skips them.
        state = state == null ? InMemoryClusterState.of(objects) : next(state, previous, objects);
        previous = objects;
        both.step(state, options, now, "seed " + seed + " step " + step + " (" + change + ")");
      }
      seen.addAll(both.seen);
    }
    assertThat(seen)
        .contains(
            "host with certificate",
            "host without certificate",
            "host retaining",
            "default backend",
            "default certificate",
            "ConflictingPath",
            "ConflictingCertificate",
            "ConflictingDefaultBackend",
            "InvalidHost",
            "InvalidPath",
            "ImplementationSpecificRegex",
            "UnsupportedBackend",
            "ServiceNotFound",
            "ServicePortNotFound",
            "SecretNotFound",
            "InvalidCertificate",
            "KeyMismatch",
            "CertificateExpired",
            "CertificateNotReady",
            "ForbiddenSecret",
            "CrossNamespaceSecret",
            "ForbiddenEndpointAddress",
            "InvalidAnnotation",
            "IgnoredAnnotation",
            "UnverifiedUpstream",
            "PassthroughHost",
            "passthrough host",
            "client authentication",
            "client authentication failing closed",
            "route settings",
            "backend with client certificate",
            "backend failing closed",
            "error backend",
            "ConfigMapNotFound",
            "InvalidCustomHeaders",
            "custom headers",
            "host redirect",
            "AliasIgnored",
            "WwwRedirectIgnored",
            "ServiceUpstreamIgnored");
  }

  private static InMemoryClusterState next(
      InMemoryClusterState state, List<HasMetadata> before, List<HasMetadata> after) {
    Set<HasMetadata> kept = Collections.newSetFromMap(new IdentityHashMap<>());
    kept.addAll(before);
    Set<ObjectRef> present = new HashSet<>();
    List<HasMetadata> changed = new ArrayList<>();
    for (HasMetadata o : after) {
      present.add(ObjectRef.of(o));
      if (!kept.contains(o)) {
        changed.add(o);
      }
    }
    List<ObjectRef> removed =
        before.stream().map(ObjectRef::of).filter(r -> !present.contains(r)).toList();
    return state.with(changed, removed);
  }

  // Unchanged YAML parses to the same instances, as a source hands out the same object until it
  // changes; a changed one to new instances.
  private final Map<String, List<HasMetadata>> parsedCache = new HashMap<>();

  private List<HasMetadata> parsed(String yaml) {
    return parsedCache.computeIfAbsent(yaml, y -> Fixtures.objects(y));
  }

  private static final String[] NAMESPACES = {"a", "b"};
  private static final String[] HOSTS = {
    "h1.test", "h2.test", "*.w.test", "", "Bad_Host", "www.h1.test"
  };
  private static final String[] SERVICES = {"web", "api", "gone"};

  private static String randomChange(Random r, Map<String, String> cluster) {
    String ns = NAMESPACES[r.nextInt(NAMESPACES.length)];
    switch (r.nextInt(14)) {
      case 0, 1, 2, 3 -> {
        String name = "i" + r.nextInt(5);
        String key = "ingress/" + ns + "/" + name;
        if (cluster.containsKey(key) && r.nextInt(4) == 0) {
          cluster.remove(key);
          return "delete " + key;
        }
        cluster.put(key, randomIngress(r, ns, name));
        return "put " + key;
      }
      case 4 -> {
        String name = SERVICES[r.nextInt(2)];
        String key = "service/" + ns + "/" + name;
        if (r.nextInt(4) == 0) {
          cluster.remove(key);
          return "delete " + key;
        }
        String type = r.nextInt(6) == 0 ? "ExternalName" : "ClusterIP";
        // service-upstream reads the ClusterIP: a usable one, none (headless) or absent.
        String clusterIp =
            switch (r.nextInt(3)) {
              case 0 -> "\n  clusterIP: 10.96.0." + r.nextInt(2);
              case 1 -> "\n  clusterIP: None";
              default -> "";
            };
        cluster.put(
            key,
            "apiVersion: v1\nkind: Service\nmetadata: {name: "
                + name
                + ", namespace: "
                + ns
                + "}\nspec:\n  type: "
                + type
                + clusterIp
                + "\n  ports:\n  - {name: http, port: 80}\n"
                + (r.nextBoolean() ? "  - {name: admin, port: 9000}\n" : ""));
        return "put " + key;
      }
      case 5, 6 -> {
        String service = SERVICES[r.nextInt(2)];
        String name = service + "-" + r.nextInt(2);
        String key = "slice/" + ns + "/" + name;
        if (r.nextInt(4) == 0) {
          cluster.remove(key);
          return "delete " + key;
        }
        StringBuilder endpoints = new StringBuilder();
        for (int i = 0; i < 1 + r.nextInt(3); i++) {
          String address =
              r.nextInt(8) == 0 ? "127.0.0.1" : "10.0." + r.nextInt(2) + "." + r.nextInt(3);
          String conditions =
              switch (r.nextInt(3)) {
                case 0 -> "{ready: true}";
                case 1 -> "{ready: false, serving: true, terminating: true}";
                default -> "{ready: false}";
              };
          endpoints
              .append("- addresses: [")
              .append(address)
              .append("]\n  conditions: ")
              .append(conditions)
              .append('\n');
        }
        cluster.put(
            key,
            "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: "
                + name
                + "\n  namespace: "
                + ns
                + "\n  labels: {kubernetes.io/service-name: "
                + service
                + "}\naddressType: IPv4\nendpoints:\n"
                + endpoints
                + "ports:\n- {name: http, port: "
                + (8080 + r.nextInt(2))
                + "}\n");
        return "put " + key;
      }
      case 7, 8 -> {
        String name = "s" + r.nextInt(3);
        String key = "secret/" + ns + "/" + name;
        String yaml =
            switch (r.nextInt(7)) {
              case 0 -> null;
              case 1 -> TestCertificates.secret(ns, name, ONE);
              case 2 -> TestCertificates.secret(ns, name, TWO);
              case 3 -> TestCertificates.secret(ns, name, SHORT);
              case 4 ->
                  TestCertificates.secret(ns, name, "not a certificate", ONE.getPrivateKeyPEM());
              case 5 ->
                  TestCertificates.secret(
                      ns, name, ONE.getCertificatePEM(), TWO.getPrivateKeyPEM());
              default ->
                  TestCertificates.secret(ns, name, TWO)
                      .replace(
                          "metadata: {",
                          "metadata: {labels: {weir.dev/control-channel: \"true\"}, ");
            };
        if (yaml == null) {
          cluster.remove(key);
          return "delete " + key;
        }
        cluster.put(key, yaml);
        return "put " + key;
      }
      case 12 -> {
        // cert-manager Certificates writing the TLS Secrets, Ready or not, moving between them.
        String name = "c" + r.nextInt(2);
        String key = "certificate/" + ns + "/" + name;
        String secret = "s" + r.nextInt(3);
        String yaml =
            switch (r.nextInt(5)) {
              case 0 -> null;
              case 1 -> Fixtures.certificate(ns, name, secret, "True", "Ready", "up to date");
              case 2 -> Fixtures.certificate(ns, name, secret, "False", "Failed", "order failed");
              case 3 -> Fixtures.certificate(ns, name, secret, "Unknown", "Pending", "");
              default -> Fixtures.certificate(ns, name, secret, null, null, null);
            };
        if (yaml == null) {
          cluster.remove(key);
          return "delete " + key;
        }
        cluster.put(key, yaml);
        return "put " + key;
      }
      case 10, 11 -> {
        // The Secrets annotations name: Opaque, valid, changed, unusable or gone.
        String name = "ca" + r.nextInt(2);
        String key = "secret/" + ns + "/" + name;
        String yaml =
            switch (r.nextInt(6)) {
              case 0 -> null;
              case 1 -> TestCertificates.opaqueSecret(ns, name, "ca.crt", ONE.getCertificatePEM());
              case 2 -> TestCertificates.opaqueSecret(ns, name, "ca.crt", TWO.getCertificatePEM());
              case 3 ->
                  TestCertificates.opaqueSecret(
                      ns,
                      name,
                      "ca.crt",
                      TWO.getCertificatePEM(),
                      "tls.crt",
                      ONE.getCertificatePEM(),
                      "tls.key",
                      ONE.getPrivateKeyPEM());
              case 4 -> TestCertificates.opaqueSecret(ns, name, "ca.crt", "not a certificate");
              default -> TestCertificates.opaqueSecret(ns, name, "password", "hunter2");
            };
        if (yaml == null) {
          cluster.remove(key);
          return "delete " + key;
        }
        cluster.put(key, yaml);
        return "put " + key;
      }
      case 13 -> {
        // The ConfigMaps of custom-headers: allowed headers, changed, refused or gone.
        String name = "headers" + r.nextInt(2);
        String key = "configmap/" + ns + "/" + name;
        String yaml =
            switch (r.nextInt(5)) {
              case 0 -> null;
              case 1 -> Fixtures.configMap(ns, name, "X-Frame-Options", "DENY");
              case 2 ->
                  Fixtures.configMap(
                      ns, name, "X-Frame-Options", "SAMEORIGIN", "Cache-Control", "no-store");
              case 3 -> Fixtures.configMap(ns, name, "Set-Cookie", "a=b");
              default -> Fixtures.configMap(ns, name, "X-Frame-Options", "caf\u00e9");
            };
        if (yaml == null) {
          cluster.remove(key);
          return "delete " + key;
        }
        cluster.put(key, yaml);
        return "put " + key;
      }
      default -> {
        switch (r.nextInt(3)) {
          case 0 -> cluster.remove("class/weir");
          case 1 -> cluster.put("class/weir", Fixtures.OUR_CLASS);
          default ->
              cluster.put(
                  "class/weir",
                  Fixtures.OUR_CLASS.replace(
                      "metadata: {",
                      "metadata: {annotations: {ingressclass.kubernetes.io/is-default-class: \"true\"}, "));
        }
        return "class";
      }
    }
  }

  private static String randomIngress(Random r, String ns, String name) {
    String[] created = {null, "2025-01-01T00:00:00Z", "2025-02-01T00:00:00Z", "not a time"};
    StringBuilder spec = new StringBuilder();
    switch (r.nextInt(5)) {
      case 0 -> spec.append("ingressClassName: nginx\n");
      case 1 -> spec.append("ingressClassName: \"\"\n");
      default -> {} // Fixtures.ingress names our class
    }
    if (r.nextInt(5) == 0) {
      spec.append("defaultBackend: {service: {name: ")
          .append(SERVICES[r.nextInt(3)])
          .append(", port: {number: 80}}}\n");
    }
    if (r.nextBoolean()) {
      spec.append("tls:\n");
      for (int i = 0; i < 1 + r.nextInt(2); i++) {
        String secret =
            switch (r.nextInt(6)) {
              case 0 -> "other/s1";
              case 1 -> "\"\"";
              default -> "s" + r.nextInt(3);
            };
        String hosts =
            switch (r.nextInt(4)) {
              case 0 -> "";
              case 1 -> "hosts: [H1.test], ";
              case 2 -> "hosts: [h2.test, \"*.w.test\"], ";
              default -> "hosts: [h1.test], ";
            };
        spec.append("- {").append(hosts).append("secretName: ").append(secret).append("}\n");
      }
    }
    spec.append("rules:\n");
    for (int i = 0; i < r.nextInt(3); i++) {
      String host = HOSTS[r.nextInt(HOSTS.length)];
      spec.append("- ").append(host.isEmpty() ? "" : "host: \"" + host + "\"\n  ");
      if (r.nextInt(6) == 0) {
        spec.append("http: {paths: []}\n");
        continue;
      }
      spec.append("http:\n    paths:\n");
      for (int j = 0; j < 1 + r.nextInt(2); j++) {
        String path = new String[] {"/", "/x", "/x/", "//bad", "/x/.*"}[r.nextInt(5)];
        String type =
            new String[] {"Prefix", "Exact", "ImplementationSpecific", "Regex"}[r.nextInt(4)];
        String port =
            r.nextInt(4) == 0
                ? "{name: http}"
                : r.nextInt(3) == 0 ? "{number: 9999}" : "{number: 80}";
        String backend =
            r.nextInt(12) == 0
                ? "{resource: {apiGroup: x.io, kind: Bucket, name: b}}"
                : "{service: {name: " + SERVICES[r.nextInt(3)] + ", port: " + port + "}}";
        spec.append("    - {path: \"")
            .append(path)
            .append("\", pathType: ")
            .append(type)
            .append(", backend: ")
            .append(backend)
            .append("}\n");
      }
    }
    if (spec.toString().endsWith("rules:\n")) {
      spec.append("- host: h1.test\n");
    }
    String ingress = ingress(ns, name, created[r.nextInt(created.length)], spec.toString());
    return r.nextBoolean() ? ingress : Fixtures.annotated(ingress, randomAnnotations(r));
  }

  private static final String NGINX = "nginx.ingress.kubernetes.io/";

  /** A few annotations of every scope, some invalid, some naming the Secrets ca0 and ca1. */
  private static String[] randomAnnotations(Random r) {
    List<String> kv = new ArrayList<>();
    if (r.nextInt(6) == 0) {
      kv.addAll(List.of(NGINX + "ssl-passthrough", "true"));
    }
    switch (r.nextInt(4)) {
      case 0 -> kv.addAll(List.of(NGINX + "auth-tls-secret", "ca" + r.nextInt(2)));
      case 1 -> kv.addAll(List.of(NGINX + "auth-tls-secret", "other/ca0"));
      default -> {}
    }
    switch (r.nextInt(4)) {
      case 0 ->
          kv.addAll(
              List.of(
                  NGINX + "backend-protocol",
                  "HTTPS",
                  NGINX + "proxy-ssl-secret",
                  "ca" + r.nextInt(2),
                  NGINX + "proxy-ssl-verify",
                  "on"));
      case 1 -> kv.addAll(List.of(NGINX + "backend-protocol", "GRPCS"));
      default -> {}
    }
    if (r.nextInt(3) == 0) {
      kv.addAll(List.of(NGINX + "affinity", "cookie"));
    }
    switch (r.nextInt(4)) {
      case 0 -> kv.addAll(List.of(NGINX + "ssl-redirect", "false"));
      case 1 -> kv.addAll(List.of(NGINX + "force-ssl-redirect", "true"));
      default -> {}
    }
    if (r.nextInt(3) == 0) {
      kv.addAll(List.of("weir.dev/hsts-max-age", String.valueOf(60 * r.nextInt(3))));
    }
    if (r.nextInt(4) == 0) {
      kv.addAll(List.of(NGINX + "proxy-body-size", r.nextBoolean() ? "1.5m" : "1m"));
    }
    // Canaries attach to the main routes of their host, path and type, oldest first.
    if (r.nextInt(3) == 0) {
      kv.addAll(List.of(NGINX + "canary", r.nextInt(4) == 0 ? "false" : "true"));
      switch (r.nextInt(3)) {
        case 0 -> kv.addAll(List.of(NGINX + "canary-weight", String.valueOf(r.nextInt(120))));
        case 1 -> kv.addAll(List.of(NGINX + "canary-by-header", "X-Canary"));
        default -> kv.addAll(List.of(NGINX + "canary-by-cookie", "beta"));
      }
      if (r.nextBoolean()) {
        kv.addAll(List.of(NGINX + "load-balance", "ewma"));
      }
    }
    // Other names of hosts: aliases that collide with hosts, with each other and with the www
    // redirects, which collide with hosts too.
    if (r.nextInt(3) == 0) {
      String[] aliases = {
        "alias.test", "h2.test", "www.h1.test", "a.w.test", "*.w.test", "h1.test"
      };
      kv.addAll(
          List.of(
              NGINX + "server-alias",
              aliases[r.nextInt(aliases.length)] + "," + aliases[r.nextInt(aliases.length)]));
    }
    if (r.nextInt(3) == 0) {
      kv.addAll(List.of(NGINX + "from-to-www-redirect", "true"));
    }
    if (r.nextInt(4) == 0) {
      kv.addAll(List.of(NGINX + "preserve-trailing-slash", "true"));
    }
    if (r.nextInt(4) == 0) {
      kv.addAll(List.of(NGINX + "service-upstream", "true"));
    }
    // Error pages: a Service that comes and goes with the random changes, or is never there.
    switch (r.nextInt(5)) {
      case 0 -> kv.addAll(List.of(NGINX + "default-backend", SERVICES[r.nextInt(3)]));
      case 1 ->
          kv.addAll(
              List.of(
                  NGINX + "custom-http-errors",
                  r.nextBoolean() ? "404,503" : "302",
                  NGINX + "default-backend",
                  SERVICES[r.nextInt(3)]));
      case 2 -> kv.addAll(List.of(NGINX + "custom-http-errors", "500"));
      default -> {}
    }
    // custom-headers: a ConfigMap that comes and goes, one of the other namespace, or none.
    switch (r.nextInt(4)) {
      case 0 -> kv.addAll(List.of(NGINX + "custom-headers", "headers" + r.nextInt(2)));
      case 1 -> kv.addAll(List.of(NGINX + "custom-headers", "b/headers0"));
      default -> {}
    }
    // Proxy headers: upstream-vhost and the response rewrites, valid or not.
    switch (r.nextInt(4)) {
      case 0 -> kv.addAll(List.of(NGINX + "upstream-vhost", r.nextBoolean() ? "in.svc" : "$host"));
      case 1 ->
          kv.addAll(
              List.of(
                  NGINX + "proxy-redirect-from",
                  "http://in.svc/",
                  NGINX + "proxy-redirect-to",
                  r.nextBoolean() ? "/" : "off",
                  NGINX + "proxy-cookie-path",
                  r.nextBoolean() ? "/a/ /" : "/a/"));
      default -> {}
    }
    return kv.toArray(String[]::new);
  }

  private static String ingress(String ns, String name, String created, String spec) {
    return Fixtures.ingress(ns, name, created, spec);
  }

  private static String rule(String host, String path, String service, String port) {
    return "rules:\n- host: "
        + host
        + "\n  http:\n    paths:\n    - {path: "
        + path
        + ", pathType: Prefix, backend: {service: {name: "
        + service
        + ", port: {number: "
        + port
        + "}}}}\n";
  }
}
