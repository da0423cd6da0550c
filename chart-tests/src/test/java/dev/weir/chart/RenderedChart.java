package dev.weir.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * charts/weir rendered by Helm (helm-java: Helm's own Go code, as a native library) and parsed into
 * fabric8's typed model; custom resources come back as GenericKubernetesResource.
 */
final class RenderedChart {
  static final Path REPO = findRepo();
  static final Path CHART = REPO.resolve("charts/weir");
  static final String RELEASE = "weir";
  static final String NAMESPACE = "weir";

  /** What helm.sh/hook is renamed to by {@link #renderWithHooks}. */
  static final String HOOK_ANNOTATION = "rendered-by-test/helm.sh-hook";

  /** Helm's built-in default (v1.20) is older than the chart's kubeVersion floor. */
  static final String KUBE_VERSION = "1.30.0";

  private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

  final String yaml;
  final List<HasMetadata> objects;

  private RenderedChart(String yaml) {
    this.yaml = yaml;
    this.objects = parse(yaml);
  }

  /** Renders release "weir" in namespace "weir" with the given --set values (key, value, ...). */
  static RenderedChart render(String... keyValues) {
    return render(null, keyValues);
  }

  static RenderedChart render(Path valuesFile, String... keyValues) {
    return new RenderedChart(template(valuesFile, keyValues));
  }

  /** Renders with a values file holding this YAML, then the --set values. */
  static RenderedChart renderValues(String valuesYaml, String... keyValues) {
    try {
      Path file = Files.createTempFile("weir-values", ".yaml");
      try {
        Files.writeString(file, valuesYaml, StandardCharsets.UTF_8);
        return render(file, keyValues);
      } finally {
        Files.delete(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Renders with the hooks (templates/tests/) among the objects: helm-java's template returns the
   * release's manifest, which leaves hooks out (the helm CLI prints them after it). A copy of the
   * chart whose hook annotations are renamed to {@link #HOOK_ANNOTATION} makes them ordinary
   * objects of the manifest, with the hook kind still readable.
   */
  static RenderedChart renderWithHooks(String... keyValues) {
    try {
      Path copy = Files.createTempDirectory("weir-chart");
      try {
        copyChart(copy);
        return new RenderedChart(template(copy, null, keyValues));
      } finally {
        deleteRecursively(copy);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String template(Path valuesFile, String... keyValues) {
    return template(CHART, valuesFile, keyValues);
  }

  private static String template(Path chart, Path valuesFile, String... keyValues) {
    MockCluster.client();
    TemplateCommand command =
        new Helm(chart)
            .template()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion(KUBE_VERSION);
    if (valuesFile != null) {
      command = command.withValuesFile(valuesFile);
    }
    Map<String, String> values = pairs(keyValues);
    for (Map.Entry<String, String> v : values.entrySet()) {
      command = command.set(v.getKey(), v.getValue());
    }
    return command.call();
  }

  static List<HasMetadata> parse(String yaml) {
    List<HasMetadata> objects = new ArrayList<>();
    for (String document : DOCUMENT_SEPARATOR.split(yaml)) {
      if (document.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
        continue;
      }
      objects.add(Serialization.unmarshal(document, HasMetadata.class));
    }
    return objects;
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  List<HasMetadata> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.getKind())).toList();
  }

  <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
    return all(type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst();
  }

  <T extends HasMetadata> T get(Class<T> type, String name) {
    return find(type, name)
        .orElseThrow(
            () ->
                new AssertionError(
                    "no "
                        + type.getSimpleName()
                        + " named "
                        + name
                        + " in the rendered chart; objects: "
                        + objects.stream()
                            .map(o -> o.getKind() + "/" + o.getMetadata().getName())
                            .toList()));
  }

  HasMetadata get(String kind, String name) {
    return ofKind(kind).stream()
        .filter(o -> name.equals(o.getMetadata().getName()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " named " + name));
  }

  Deployment operator() {
    return get(Deployment.class, "weir-operator");
  }

  PodSpec operatorPod() {
    return operator().getSpec().getTemplate().getSpec();
  }

  /** The data plane's pod spec, whether it runs as a Deployment or a DaemonSet. */
  PodSpec dataplanePod() {
    Optional<Deployment> deployment = find(Deployment.class, "weir-dataplane");
    if (deployment.isPresent()) {
      return deployment.get().getSpec().getTemplate().getSpec();
    }
    return get(DaemonSet.class, "weir-dataplane").getSpec().getTemplate().getSpec();
  }

  /** A Secret's entry, base64-decoded. */
  static String secretEntry(Secret secret, String key) {
    String encoded = secret.getData().get(key);
    assertThat(encoded).as("%s in Secret %s", key, secret.getMetadata().getName()).isNotBlank();
    return new String(Base64.getDecoder().decode(encoded), StandardCharsets.US_ASCII);
  }

  private static Map<String, String> pairs(String... keyValues) {
    if (keyValues.length % 2 != 0) {
      throw new IllegalArgumentException("--set values come in key, value pairs");
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      values.put(keyValues[i], keyValues[i + 1]);
    }
    return values;
  }

  private static void copyChart(Path target) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(CHART)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    for (Path file : files) {
      Path relative = CHART.relativize(file);
      Path copy = target.resolve(relative.toString());
      Files.createDirectories(copy.getParent());
      if (relative.startsWith("templates/tests")) {
        Files.writeString(
            copy,
            Files.readString(file, StandardCharsets.UTF_8)
                .replace("helm.sh/hook:", HOOK_ANNOTATION + ":"),
            StandardCharsets.UTF_8);
      } else {
        Files.copy(file, copy);
      }
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(dir)) {
      paths = walk.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path path : paths) {
      Files.delete(path);
    }
  }

  private static Path findRepo() {
    Path dir = Paths.get("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("charts/weir"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException(
          "charts/weir not found above " + Paths.get("").toAbsolutePath());
    }
    return dir;
  }
}
