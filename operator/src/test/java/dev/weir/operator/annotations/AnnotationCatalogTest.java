package dev.weir.operator.annotations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.operator.annotations.AnnotationCatalog.Entry;
import dev.weir.operator.annotations.AnnotationProblem.Kind;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Keeps the audit's catalog and the parser in step: a branch that teaches the parser an annotation
 * fails here until the catalog says what Weir does with it.
 */
class AnnotationCatalogTest {
  private static Set<String> suffixes(AnnotationStatus... statuses) {
    Set<AnnotationStatus> wanted = Set.of(statuses);
    return AnnotationCatalog.entries().stream()
        .filter(e -> wanted.contains(e.status()))
        .map(Entry::suffix)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void everyAnnotationTheParserReadsIsCataloguedAsApplied() {
    Set<String> parsed = new TreeSet<>(IngressAnnotationParser.SUPPORTED);
    parsed.addAll(AccessAnnotationParser.SUPPORTED);
    parsed.addAll(RewriteAnnotationParser.SUPPORTED);
    parsed.addAll(IngressAnnotations.WEIR_ONLY);
    Set<String> missing = new TreeSet<>();
    for (String suffix : parsed) {
      AnnotationStatus status =
          AnnotationCatalog.of(suffix).map(Entry::status).orElse(AnnotationStatus.UNSUPPORTED);
      if (status != AnnotationStatus.IDENTICAL
          && status != AnnotationStatus.DIFFERENCE
          && status != AnnotationStatus.IGNORED) {
        missing.add(suffix + " (" + status + ")");
      }
    }
    assertThat(missing).as("parsed annotations without an applied catalog entry").isEmpty();
  }

  @Test
  void everyAppliedCatalogEntryIsReadByTheParser() {
    Set<String> parsed = new HashSet<>(IngressAnnotations.SUPPORTED);
    parsed.addAll(IngressAnnotations.WEIR_ONLY);
    assertThat(parsed)
        .containsAll(suffixes(AnnotationStatus.IDENTICAL, AnnotationStatus.DIFFERENCE));
  }

  @Test
  void everyAppliedEntryIsAcceptedUnderItsPrefixWithoutBeingReportedUnsupported() {
    for (Entry entry : AnnotationCatalog.entries()) {
      if (!entry.status().applied()) {
        continue;
      }
      String key =
          (entry.weirOnly() ? AnnotationNames.WEIR_PREFIX : AnnotationNames.NGINX_PREFIX)
              + entry.suffix();
      List<AnnotationProblem> problems =
          IngressAnnotations.read(Map.of(key, "x"), "shop").problems();
      assertThat(problems)
          .as(key)
          .noneMatch(p -> p.kind() == Kind.UNSUPPORTED || p.kind() == Kind.UNKNOWN);
    }
  }

  @Test
  void refusedAndUnsupportedEntriesAreReportedUnsupportedByTheParser() {
    for (String suffix : suffixes(AnnotationStatus.REFUSED, AnnotationStatus.UNSUPPORTED)) {
      String key = AnnotationNames.NGINX_PREFIX + suffix;
      assertThat(IngressAnnotations.read(Map.of(key, "x"), "shop").problems())
          .as(key)
          .extracting(AnnotationProblem::kind)
          .containsExactly(Kind.UNSUPPORTED);
    }
  }

  @Test
  void theCatalogCoversExactlyIngressNginxsAnnotationsAndWeirsOwn() {
    Set<String> expected = new TreeSet<>(AnnotationNames.INGRESS_NGINX);
    expected.addAll(IngressAnnotations.WEIR_ONLY);
    assertThat(AnnotationCatalog.entries())
        .extracting(Entry::suffix)
        .containsExactlyInAnyOrderElementsOf(expected);
    assertThat(AnnotationCatalog.entries())
        .filteredOn(Entry::weirOnly)
        .extracting(Entry::suffix)
        .containsExactlyInAnyOrderElementsOf(IngressAnnotations.WEIR_ONLY);
  }

  @Test
  void theSnippetsAreRefused() {
    assertThat(suffixes(AnnotationStatus.REFUSED))
        .containsExactlyInAnyOrder(
            "configuration-snippet",
            "server-snippet",
            "auth-snippet",
            "stream-snippet",
            "modsecurity-snippet");
  }

  @Test
  void notesAreOneSentence() {
    assertThat(AnnotationCatalog.entries())
        .allSatisfy(
            e -> {
              assertThat(e.note()).isNotBlank().doesNotContain("\n").doesNotEndWith(".");
            });
  }
}
