package dev.weir.operator.source;

import dev.weir.operator.source.ManifestParser.ManifestException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads manifests once, for commands that look at them without serving them ({@code weir audit}): a
 * file, or a directory and its subdirectories, with the parser {@link ManifestSource} uses.
 */
public final class ManifestFiles {
  /**
   * What was read.
   *
   * @param objects the objects of every file that parsed
   * @param skipped per file that did not parse (in a directory), the reason
   */
  public record Read(List<HasMetadata> objects, Map<Path, String> skipped) {
    public Read {
      objects = List.copyOf(objects);
      skipped = Collections.unmodifiableMap(new TreeMap<>(skipped));
    }
  }

  private ManifestFiles() {}

  /**
   * The objects of {@code path} (a YAML or JSON file, or every {@code *.yaml}, {@code *.yml} and
   * {@code *.json} under a directory, in path order; names starting with a dot are skipped). In a
   * directory, a file that is no Kubernetes manifest (say, a snapshot) is skipped and named.
   *
   * @throws IOException when a file cannot be read, or {@code path} is a file that does not parse
   */
  public static Read read(Path path) throws IOException {
    Map<Path, String> skipped = new LinkedHashMap<>();
    List<Path> files = new ArrayList<>();
    if (Files.isDirectory(path)) {
      try (Stream<Path> walk = Files.walk(path)) {
        walk.filter(Files::isRegularFile)
            .filter(ManifestFiles::isManifest)
            .sorted()
            .forEach(files::add);
      }
    } else {
      files.add(path);
    }
    List<HasMetadata> objects = new ArrayList<>();
    for (Path file : files) {
      try {
        objects.addAll(ManifestParser.parse(Files.readString(file)));
      } catch (ManifestException e) {
        if (!Files.isDirectory(path)) {
          throw new IOException(file + ": " + e.getMessage(), e);
        }
        skipped.put(file, e.getMessage());
      }
    }
    return new Read(objects, skipped);
  }

  private static boolean isManifest(Path file) {
    String name = file.getFileName().toString();
    return !name.startsWith(".")
        && (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json"));
  }
}
