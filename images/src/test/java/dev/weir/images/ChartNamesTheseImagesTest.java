package dev.weir.images;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The chart's defaults name the images this module builds and run them as they are built: same
 * names, the chart's appVersion as their tag, the image's user, the same JVM options. Needs no
 * Docker engine: it compares this module's pom (via surefire's system properties) with the chart.
 */
class ChartNamesTheseImagesTest {
  private static final Path CHART =
      Path.of("..").toAbsolutePath().normalize().resolve("charts/weir");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void theChartsDefaultImagesAreTheOnesThisBuildTags() throws IOException {
    JsonNode chart = YAML.readTree(CHART.resolve("Chart.yaml").toFile());
    JsonNode image = values().get("image");
    assertThat(chart.get("appVersion").asText()).isEqualTo(property("weir.image.tag"));
    assertThat(image.get("tag").asText()).as("empty: the appVersion").isEmpty();
    assertThat(image.get("registry").asText()).isEmpty();
    assertThat(image.get("operatorRepository").asText())
        .isEqualTo(property("weir.image.operator.repository"));
    assertThat(image.get("dataplaneRepository").asText())
        .isEqualTo(property("weir.image.dataplane.repository"));
  }

  @Test
  void theChartRunsThemAsTheImagesUserWithTheImagesJvmOptions() throws IOException {
    JsonNode values = values();
    String user = property("weir.image.user");
    assertThat(values.at("/podSecurityContext/runAsUser").asText()).isEqualTo(user);
    assertThat(values.at("/podSecurityContext/runAsGroup").asText()).isEqualTo(user);
    assertThat(values.at("/operator/javaOptions").asText())
        .isEqualTo(property("weir.image.operator.javaOptions"));
    assertThat(values.at("/dataplane/javaOptions").asText())
        .isEqualTo(property("weir.image.dataplane.javaOptions"));
  }

  private static JsonNode values() throws IOException {
    return YAML.readTree(CHART.resolve("values.yaml").toFile());
  }

  private static String property(String name) {
    String value = System.getProperty(name);
    assertThat(value).as("system property %s (set by images/pom.xml)", name).isNotBlank();
    return value;
  }
}
