package dev.weir.operator.translate;

import static dev.weir.operator.translate.Fixtures.OUR_CLASS;
import static dev.weir.operator.translate.Fixtures.WEB_SERVICE;
import static dev.weir.operator.translate.Fixtures.annotated;
import static dev.weir.operator.translate.Fixtures.ingress;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.operator.state.InMemoryClusterState;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which ImplementationSpecific paths look like regular expressions, and the one diagnostic an
 * Ingress gets for them: its wording, and that it stays the same diagnostic (one Event, one log
 * line) while the Ingress does not change.
 */
class RegexLookingPathTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = ' ',
      value = {
        "/api/.* true",
        "/api/.+ true",
        "/files/(.+) true",
        "/v1/* true",
        "/end$ true",
        "^/start true",
        "/a|b true",
        "/[0-9] true",
        "/x{2} true",
        "/a? true",
        "/a\\d true",
        "/ false",
        "/api false",
        "/c++/a.b false",
        "/file.tar.gz false",
        "/~user/a-b_c false",
        "/a;b=c,d false",
        "/@scope/pkg false",
        "/%20 false",
      })
  void looksLikeRegex(String path, boolean expected) {
    assertThat(IngressSyntax.looksLikeRegex(path)).isEqualTo(expected);
  }

  @Test
  void oneRegexLookingPathIsNamedWithItsHostAndHowItIsMatched() {
    assertThat(messages(ingress("shop", "web", null, paths("/api/.*"))))
        .containsExactly(
            "path /api/.* (host shop.example.com) looks like a regular expression, but without"
                + " use-regex an ImplementationSpecific path is a literal prefix, as in"
                + " ingress-nginx: only request paths beginning with that very text match; set"
                + " nginx.ingress.kubernetes.io/use-regex: \"true\" for a regular expression, or"
                + " write a literal path with pathType Prefix or Exact");
  }

  @Test
  void manyRegexLookingPathsGiveOneDiagnosticNamingTheFirstFive() {
    assertThat(
            messages(
                ingress(
                    "shop",
                    "web",
                    null,
                    paths("/a/.*", "/b/.*", "/c/.*", "/ok", "/d/.*", "/e/.*", "/f/.*", "/g/.*"))))
        .containsExactly(
            "paths /a/.* (host shop.example.com), /b/.* (host shop.example.com), /c/.* (host"
                + " shop.example.com), /d/.* (host shop.example.com), /e/.* (host"
                + " shop.example.com) and 2 more look like regular expressions, but without"
                + " use-regex an ImplementationSpecific path is a literal prefix, as in"
                + " ingress-nginx: only request paths beginning with that very text match; set"
                + " nginx.ingress.kubernetes.io/use-regex: \"true\" for a regular expression, or"
                + " write a literal path with pathType Prefix or Exact");
  }

  @Test
  void withUseRegexOrRewriteTargetThePathIsARegexAndNotReported() {
    assertThat(
            messages(
                annotated(
                    ingress("shop", "web", null, paths("/api/(.*)")),
                    "nginx.ingress.kubernetes.io/use-regex",
                    "true")))
        .isEmpty();
    assertThat(
            messages(
                annotated(
                    ingress("shop", "web", null, paths("/api/(.*)")),
                    "weir.dev/rewrite-target",
                    "/$1")))
        .isEmpty();
    assertThat(
            messages(
                annotated(
                    ingress("shop", "web", null, paths("/api/(.*)")),
                    "nginx.ingress.kubernetes.io/use-regex",
                    "false")))
        .singleElement()
        .asString()
        .contains("without use-regex");
  }

  @Test
  void theIncrementalTranslatorKeepsTheSameDiagnosticUntilThePathIsFixed() {
    IncrementalTranslator translator = new IncrementalTranslator();
    List<HasMetadata> base = Fixtures.objects(OUR_CLASS, WEB_SERVICE);
    List<HasMetadata> regex = Fixtures.objects(ingress("shop", "web", null, paths("/api/.*")));
    List<HasMetadata> other =
        Fixtures.objects(ingress("shop", "other", null, "rules:\n- host: other.example.com\n"));
    Translation first = translate(translator, base, regex);
    assertThat(regexDiagnostics(first)).hasSize(1);

    // Another Ingress comes: this one is not read again, its diagnostic is the same one.
    Translation second = translate(translator, base, regex, other);
    assertThat(regexDiagnostics(second)).hasSize(1);
    assertThat(regexDiagnostics(second).get(0)).isSameAs(regexDiagnostics(first).get(0));

    Translation fixed =
        translate(
            translator, base, Fixtures.objects(ingress("shop", "web", null, paths("/api"))), other);
    assertThat(regexDiagnostics(fixed)).isEmpty();
  }

  @SafeVarargs
  private static Translation translate(
      IncrementalTranslator translator, List<HasMetadata>... objects) {
    List<HasMetadata> all = new ArrayList<>();
    for (List<HasMetadata> some : objects) {
      all.addAll(some);
    }
    return translator.translate(InMemoryClusterState.of(all), TranslateOptions.defaults(), NOW);
  }

  private static List<Diagnostic> regexDiagnostics(Translation t) {
    return t.diagnostics().stream()
        .filter(d -> d.reason() == Reason.IMPLEMENTATION_SPECIFIC_REGEX)
        .toList();
  }

  private static List<String> messages(String ingressYaml) {
    List<HasMetadata> objects = Fixtures.objects(OUR_CLASS, WEB_SERVICE, ingressYaml);
    Translation t =
        new IngressTranslator()
            .translate(
                InMemoryClusterState.of(objects),
                TranslateOptions.defaults(),
                LastGoodCertificates.empty(),
                NOW);
    return regexDiagnostics(t).stream().map(Diagnostic::message).toList();
  }

  /** A rule for shop.example.com with these ImplementationSpecific paths to web:80. */
  private static String paths(String... paths) {
    List<String> lines = new ArrayList<>();
    lines.add("rules:\n- host: shop.example.com\n  http:\n    paths:\n");
    for (String path : paths) {
      lines.add(
          "    - {path: \""
              + path
              + "\", pathType: ImplementationSpecific, backend: {service: {name: web, port:"
              + " {number: 80}}}}\n");
    }
    return String.join("", lines);
  }
}
