package dev.weir.operator.annotations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.operator.annotations.AnnotationProblem.Kind;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnnotationReaderTest {
  private static final String NGINX = "nginx.ingress.kubernetes.io/";
  private static final String WEIR = "weir.dev/";

  private static AnnotationReader reader(String key, String value) {
    return new AnnotationReader(Map.of(key, value), Set.of("x"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "true, true", "True, true", "TRUE, true", "t, true", "T, true", "1, true",
    "false, false", "False, false", "FALSE, false", "f, false", "F, false", "0, false",
    "yes, ", "on, ", "tRuE, ", "' true', ", "2, "
  })
  void booleansAreParsedAsGoParsesThem(String value, Boolean expected) {
    AnnotationReader reader = reader(NGINX + "x", value);
    assertThat(reader.bool("x")).isEqualTo(Optional.ofNullable(expected));
    assertThat(reader.problems()).hasSize(expected == null ? 1 : 0);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "0, 0",
    "8, 8",
    "+8, 8",
    "-3, ",
    "3600, 3600",
    "3601, ",
    "1.5, ",
    "5s, ",
    "' 5', ",
    "'', ",
    "99999999999999999999, "
  })
  void integersAreDecimalAndWithinTheirRange(String value, Integer expected) {
    AnnotationReader reader = reader(NGINX + "x", value);
    OptionalInt read = reader.integer("x", 0, 3600);
    assertThat(read.isPresent() ? read.getAsInt() : null).isEqualTo(expected);
    assertThat(reader.problems()).hasSize(expected == null ? 1 : 0);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "0, 0",
    "1024, 1024",
    "10b, 10",
    "8k, 8192",
    "8K, 8192",
    "1m, 1048576",
    "8M, 8388608",
    "2g, 2147483648",
    "1.5m, ",
    "8mb, ",
    "m, ",
    "-1, ",
    "99999999999g, "
  })
  void sizesUseNginxUnits(String value, Long expected) {
    AnnotationReader reader = reader(NGINX + "x", value);
    OptionalLong read = reader.size("x");
    assertThat(read.isPresent() ? read.getAsLong() : null).isEqualTo(expected);
    assertThat(reader.problems()).hasSize(expected == null ? 1 : 0);
  }

  @Test
  void weirPrefixWinsOverIngressNginxs() {
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(NGINX + "x", "nginx-value");
    annotations.put(WEIR + "x", "weir-value");
    AnnotationReader reader = new AnnotationReader(annotations, Set.of("x"));
    assertThat(reader.string("x")).contains("weir-value");
    assertThat(reader.keyOf("x")).contains(WEIR + "x");
    assertThat(reader.problems()).isEmpty();
  }

  @Test
  void anInvalidValueNamesTheAnnotationAndTheValueAndLeavesTheDefault() {
    AnnotationReader reader = reader(NGINX + "x", "maybe");
    assertThat(reader.bool("x").orElse(false)).isFalse();
    assertThat(reader.problems())
        .containsExactly(
            new AnnotationProblem(
                NGINX + "x",
                Kind.INVALID_VALUE,
                "\"maybe\" is not a boolean (true or false); the default applies"));
  }

  @Test
  void stringsAreTrimmedPerLineAndControlCharactersRefused() {
    assertThat(reader(NGINX + "x", "  a \n  b  ").string("x")).contains("a\nb");
    AnnotationReader empty = reader(NGINX + "x", "   ");
    assertThat(empty.string("x")).isEmpty();
    assertThat(empty.problems())
        .extracting(AnnotationProblem::reason)
        .containsExactly("\"   \" is empty; the default applies");
    AnnotationReader control = reader(NGINX + "x", "a\rb");
    assertThat(control.string("x")).isEmpty();
    assertThat(control.problems())
        .extracting(AnnotationProblem::reason)
        .containsExactly("\"a\\x0db\" contains a control character; the default applies");
  }

  @Test
  void choicesIgnoreCaseWhenAskedAndListTheOptions() {
    Map<String, Integer> options = Map.of("balanced", 1, "persistent", 2);
    assertThat(reader(NGINX + "x", " Persistent ").choice("x", options, true)).contains(2);
    AnnotationReader strict = reader(NGINX + "x", "Persistent");
    assertThat(strict.choice("x", options, false)).isEmpty();
    assertThat(strict.problems())
        .extracting(AnnotationProblem::reason)
        .containsExactly("\"Persistent\" must be one of balanced, persistent; the default applies");
  }

  @Test
  void unsupportedAndUnknownAnnotationsUnderEitherPrefixAreListedOthersAreNot() {
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(NGINX + "x", "1");
    annotations.put(NGINX + "configuration-snippet", "more_set_headers x;");
    annotations.put(WEIR + "affinty", "cookie");
    annotations.put("kubernetes.io/ingress.class", "weir");
    annotations.put("example.com/anything", "y");
    AnnotationReader reader = new AnnotationReader(annotations, Set.of("x"));
    assertThat(reader.problems())
        .containsExactly(
            new AnnotationProblem(
                NGINX + "configuration-snippet",
                Kind.UNSUPPORTED,
                "ingress-nginx annotation not supported by Weir; ignored"),
            new AnnotationProblem(WEIR + "affinty", Kind.UNKNOWN, "unknown annotation; ignored"));
  }

  @Test
  void longValuesAreCutInMessages() {
    AnnotationReader reader = reader(NGINX + "x", "v".repeat(500));
    reader.bool("x");
    assertThat(reader.problems().get(0).reason()).hasSizeLessThan(140).contains("...");
  }
}
