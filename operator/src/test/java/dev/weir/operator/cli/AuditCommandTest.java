package dev.weir.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code weir audit} on the examples and on examples/migration, a cluster's manifests carrying
 * every annotation family of issue 12: the whole report against a golden file, and the facts a
 * migration hinges on asserted one by one. Regenerate the golden files with {@code
 * -Dweir.regenerate=true}.
 */
class AuditCommandTest {
  private static final String[] MIGRATION = {
    "audit",
    "--manifests",
    "../examples/migration",
    "--nginx-configmap",
    "ingress-nginx/ingress-nginx-controller",
    "--ingress-class",
    "nginx",
    "--ingress-class-by-name"
  };

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new OperatorMain());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private static String[] json(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--output");
    all.add("json");
    return all.toArray(String[]::new);
  }

  private static void matchesGolden(String actual, String name) throws IOException {
    Path golden = Path.of("src/test/resources/audit", name);
    if (Boolean.getBoolean("weir.regenerate")) {
      Files.writeString(golden, actual);
    }
    assertThat(actual).isEqualTo(Files.readString(golden));
  }

  private static JsonNode ingress(JsonNode report, String name) {
    for (JsonNode i : report.get("ingresses")) {
      if (i.get("name").asText().equals(name)) {
        return i;
      }
    }
    throw new AssertionError("no Ingress " + name);
  }

  private static String status(JsonNode ingress, String annotation) {
    for (JsonNode f : ingress.get("findings")) {
      if (f.get("annotation").asText().equals(annotation)) {
        return f.get("status").asText();
      }
    }
    return null;
  }

  @Test
  void theMigrationSetsReportMatchesItsGoldenFilesAndExitsOne() throws IOException {
    Run text = run(MIGRATION);
    assertThat(text.exit()).isEqualTo(1);
    assertThat(text.err()).isEmpty();
    matchesGolden(text.out(), "migration.txt");
    Run json = run(json(MIGRATION));
    assertThat(json.exit()).isEqualTo(1);
    matchesGolden(json.out(), "migration.json");
  }

  @Test
  void theMigrationSetsKeyFacts() throws IOException {
    JsonNode report = new ObjectMapper().readTree(run(json(MIGRATION)).out());
    assertThat(report.get("schemaVersion").asInt()).isEqualTo(1);
    assertThat(report.get("changesBehaviour").asBoolean()).isTrue();
    String nginx = "nginx.ingress.kubernetes.io/";

    JsonNode snippets = ingress(report, "snippets");
    assertThat(snippets.get("ingressClass").asText()).isEqualTo("nginx");
    assertThat(snippets.get("servedByWeir").asBoolean()).isTrue();
    for (String s :
        List.of(
            "configuration-snippet",
            "server-snippet",
            "auth-snippet",
            "stream-snippet",
            "modsecurity-snippet")) {
      assertThat(status(snippets, nginx + s)).as(s).isEqualTo("refused");
    }
    assertThat(status(snippets, nginx + "afinity")).isEqualTo("unknown");
    assertThat(status(snippets, nginx + "proxy-read-timeout")).isEqualTo("ignored");
    assertThat(status(snippets, "weir.dev/proxy-read-timeout")).isEqualTo("identical");
    JsonNode advice = null;
    for (JsonNode f : snippets.get("findings")) {
      if (f.get("annotation").asText().endsWith("configuration-snippet")) {
        advice = f.get("snippet");
      }
    }
    assertThat(advice.get(0).get("directive").asText())
        .isEqualTo("more_set_headers X-Frame-Options: DENY");
    assertThat(advice.get(0).get("weirEquivalent").asText()).startsWith(nginx + "custom-headers");
    assertThat(advice.get(2).get("weirEquivalent").asText())
        .startsWith(nginx + "upstream-vhost: \"internal.example.com\"");
    assertThat(advice.get(4).get("weirEquivalent").isNull()).isTrue();

    JsonNode upstream = ingress(report, "upstream");
    assertThat(status(upstream, nginx + "proxy-body-size")).isEqualTo("invalid");
    assertThat(status(upstream, nginx + "proxy-buffering")).isEqualTo("ignored");
    assertThat(status(upstream, nginx + "proxy-next-upstream-tries")).isEqualTo("identical");
    // The ConfigMap sets proxy-body-size, the one default where Weir differs: no Ingress relies
    // on a different default (proxy-next-upstream-tries is 3 on both sides).
    JsonNode canary = ingress(report, "canary");
    assertThat(status(canary, "proxy-next-upstream-tries")).isNull();
    assertThat(status(canary, "proxy-body-size")).isNull();
    assertThat(status(canary, nginx + "canary-weight")).isEqualTo("identical");
    assertThat(status(canary, nginx + "canary")).isEqualTo("difference");

    JsonNode access = ingress(report, "access");
    assertThat(status(access, nginx + "enable-cors")).isEqualTo("identical");
    assertThat(status(access, nginx + "cors-allow-origin")).isEqualTo("difference");
    assertThat(status(access, nginx + "whitelist-source-range")).isEqualTo("ignored");
    assertThat(status(access, nginx + "limit-rps")).isEqualTo("identical");

    JsonNode redirects = ingress(report, "redirects");
    assertThat(status(redirects, nginx + "temporal-redirect")).isEqualTo("identical");
    assertThat(status(redirects, nginx + "permanent-redirect")).isEqualTo("ignored");

    List<String> cluster = new ArrayList<>();
    report
        .get("cluster")
        .forEach(c -> cluster.add(c.get("kind").asText() + " " + c.get("object").asText()));
    assertThat(cluster)
        .contains(
            "class-claimed-twice IngressClass nginx",
            "several-default-classes IngressClass legacy, nginx",
            "classless-ingress Ingress shop/classless",
            "configmap-key ConfigMap ingress-nginx/ingress-nginx-controller worker-processes",
            "configmap-key ConfigMap ingress-nginx/ingress-nginx-controller proxy-body-size");
  }

  @Test
  void theExamplesAreAudited() throws IOException {
    Run run = run("audit", "--manifests", "../examples/quickstart");
    assertThat(run.exit()).isEqualTo(1);
    matchesGolden(run.out(), "quickstart.txt");
    assertThat(run.out())
        .contains(
            "Ingress demo/shop-sticky (class none; not served by Weir)",
            "difference  nginx.ingress.kubernetes.io/affinity: ingress-nginx's existing cookies",
            "default     proxy-body-size: not set: ingress-nginx refused request bodies over 1m");
    Run all = run("audit", "--manifests", "../examples");
    assertThat(all.exit()).isEqualTo(1);
    assertThat(all.out())
        .contains("skipped-file ../examples/snapshot.json: not a Kubernetes manifest");
  }

  @Test
  void anIngressWithNothingToReportExitsZero(@TempDir Path dir) throws IOException {
    Files.writeString(
        dir.resolve("ok.yaml"),
        """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: ok
          namespace: shop
          annotations:
            nginx.ingress.kubernetes.io/proxy-read-timeout: "120"
            nginx.ingress.kubernetes.io/proxy-body-size: "1m"
            nginx.ingress.kubernetes.io/proxy-next-upstream-tries: "3"
        spec:
          ingressClassName: weir
          rules:
          - host: ok.example.com
            http:
              paths:
              - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
        """);
    Run run = run("audit", "--manifests", dir.toString());
    assertThat(run.out()).contains("identical   nginx.ingress.kubernetes.io/proxy-read-timeout");
    assertThat(run.exit()).isZero();
  }

  @Test
  void usageErrorsExitTwo() {
    assertThat(run("audit").exit()).isEqualTo(2);
    assertThat(run("audit", "--manifests", "../examples", "--output", "yaml").exit()).isEqualTo(2);
    assertThat(run("audit", "--manifests", "/does/not/exist").exit()).isEqualTo(2);
    assertThat(run("audit", "--manifests", "../examples", "--nginx-configmap", "nope").exit())
        .isEqualTo(2);
    assertThat(
            run("audit", "--manifests", "../examples", "--nginx-configmap", "ingress-nginx/absent")
                .exit())
        .isEqualTo(2);
  }
}
