package dev.weir.operator.source;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses one manifest file (YAML, possibly several {@code ---} documents, or JSON, which is YAML
 * too) into fabric8 model objects. {@code List} kinds are unpacked. Objects of kinds fabric8 does
 * not know come back as generic resources; the caller decides what to keep. cert-manager's
 * Certificate is known: its model class is listed in this module's {@code
 * META-INF/services/io.fabric8.kubernetes.api.model.KubernetesResource}, where fabric8 finds it.
 */
final class ManifestParser {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /** Bounds the nesting of List kinds, so a hostile file cannot recurse without end. */
  private static final int MAX_LIST_DEPTH = 4;

  private ManifestParser() {}

  /** The objects of {@code content}; throws {@link ManifestException} naming the first problem. */
  static List<HasMetadata> parse(String content) throws ManifestException {
    List<HasMetadata> objects = new ArrayList<>();
    int document = 0;
    try (JsonParser parser = YAML.getFactory().createParser(content);
        MappingIterator<JsonNode> documents = YAML.readValues(parser, JsonNode.class)) {
      while (documents.hasNextValue()) {
        document++;
        JsonNode node = documents.nextValue();
        if (node == null || node.isNull() || node.isMissingNode()) {
          continue; // an empty document, e.g. after a trailing '---'
        }
        collect(node, document, 0, objects);
      }
    } catch (IOException | RuntimeException e) {
      throw new ManifestException("document " + Math.max(document, 1) + ": " + describe(e));
    }
    return objects;
  }

  private static void collect(JsonNode node, int document, int depth, List<HasMetadata> out)
      throws ManifestException {
    if (!node.isObject()) {
      throw new ManifestException("document " + document + ": not a Kubernetes object");
    }
    String kind = node.path("kind").asText("");
    if (kind.isEmpty() || node.path("apiVersion").asText("").isEmpty()) {
      throw new ManifestException("document " + document + ": apiVersion and kind are required");
    }
    if (kind.endsWith("List") && node.path("items").isArray()) {
      if (depth >= MAX_LIST_DEPTH) {
        throw new ManifestException("document " + document + ": Lists nested too deep");
      }
      for (JsonNode item : node.path("items")) {
        collect(item, document, depth + 1, out);
      }
      return;
    }
    Object object = SERIALIZATION.convertValue(node, KubernetesResource.class);
    if (!(object instanceof HasMetadata resource)) {
      throw new ManifestException("document " + document + ": " + kind + " is not an object");
    }
    if (resource.getMetadata() == null
        || resource.getMetadata().getName() == null
        || resource.getMetadata().getName().isEmpty()) {
      throw new ManifestException("document " + document + ": " + kind + " has no metadata.name");
    }
    // kubectl's rule: a namespaced object without a namespace goes to "default".
    if (resource instanceof Namespaced && resource.getMetadata().getNamespace() == null) {
      resource.getMetadata().setNamespace("default");
    }
    out.add(resource);
  }

  // Parser messages may quote input, and manifests hold private keys: keep only the location.
  private static String describe(Exception e) {
    Throwable t = e;
    while (t != null) {
      if (t instanceof JsonProcessingException j
          && j.getLocation() != null
          && j.getLocation().getLineNr() > 0) {
        return "cannot parse at line "
            + j.getLocation().getLineNr()
            + ", column "
            + j.getLocation().getColumnNr()
            + " ("
            + t.getClass().getSimpleName()
            + ")";
      }
      t = t.getCause();
    }
    return "cannot parse (" + e.getClass().getSimpleName() + ")";
  }

  /** A manifest that cannot be used; the message never quotes file content. */
  static final class ManifestException extends Exception {
    ManifestException(String message) {
      super(message);
    }
  }
}
