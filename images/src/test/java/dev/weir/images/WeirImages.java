package dev.weir.images;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * The images this build makes (names from the pom, via failsafe's system properties), and the
 * condition of every container test: a Docker engine answers, and each image is in it or was just
 * built as a tar by {@code -Pimage}. Otherwise the tests are skipped and one line says why.
 */
public final class WeirImages implements ExecutionCondition {
  private static final Logger log = LoggerFactory.getLogger(WeirImages.class);

  public static final String DATAPLANE = System.getProperty("weir.image.dataplane");
  public static final String OPERATOR = System.getProperty("weir.image.operator");

  /** The repository root (failsafe runs in the module directory). */
  public static final Path REPO = Path.of("..").toAbsolutePath().normalize();

  private static ConditionEvaluationResult verdict;
  private static boolean loaded;

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    synchronized (WeirImages.class) {
      if (verdict == null) {
        verdict = evaluate();
        if (verdict.isDisabled()) {
          // Once per run, on the console (failsafe does not print a skipped class's reason).
          System.out.println(verdict.getReason().orElseThrow());
        }
      }
      return verdict;
    }
  }

  private static ConditionEvaluationResult evaluate() {
    if (DATAPLANE == null || OPERATOR == null) {
      return ConditionEvaluationResult.disabled(
          "Container tests skipped: run them through Maven (failsafe names the images).");
    }
    DockerEngine engine = DockerEngine.fromEnvironment();
    String unreachable = engine.unreachableReason();
    if (unreachable != null) {
      return ConditionEvaluationResult.disabled(
          "Container tests skipped: no Docker engine at "
              + engine.endpoint()
              + " ("
              + unreachable
              + "); README.md, \"Container images\", says how to start one and build the images.");
    }
    List<String> missing = new ArrayList<>();
    for (Image image : images()) {
      try {
        if (!Files.isRegularFile(image.tar()) && !engine.hasImage(image.name())) {
          missing.add(image.name());
        }
      } catch (IOException e) {
        return ConditionEvaluationResult.disabled(
            "Container tests skipped: the Docker engine at "
                + engine.endpoint()
                + " did not answer an image query ("
                + e
                + ").");
      }
    }
    if (!missing.isEmpty()) {
      return ConditionEvaluationResult.disabled(
          "Container tests skipped: a Docker engine answers at "
              + engine.endpoint()
              + " but has no "
              + String.join(" or ", missing)
              + " and no image tar was built: ./mvnw -Pimage verify builds and tests them"
              + " (README.md, \"Container images\").");
    }
    return ConditionEvaluationResult.enabled("Docker engine and images present");
  }

  /**
   * Loads the tars that {@code -Pimage} built in this module's target/ into the engine, once per
   * run: the tests then run the images of this build, not older ones of the same name.
   */
  public static synchronized void loadBuiltImages() throws IOException {
    if (loaded) {
      return;
    }
    DockerClient docker = DockerClientFactory.instance().client();
    for (Image image : images()) {
      if (!Files.isRegularFile(image.tar())) {
        log.info("event=image_from_engine image={}", image.name());
        continue;
      }
      String builtId = Files.readString(image.idFile()).strip();
      if (builtId.equals(idInEngine(docker, image.name()))) {
        log.info("event=image_already_loaded image={} id={}", image.name(), builtId);
        continue;
      }
      try (InputStream tar = Files.newInputStream(image.tar())) {
        docker.loadImageCmd(tar).exec();
      }
      log.info("event=image_loaded image={} id={} tar={}", image.name(), builtId, image.tar());
    }
    loaded = true;
  }

  private static String idInEngine(DockerClient docker, String name) {
    try {
      return docker.inspectImageCmd(name).exec().getId();
    } catch (NotFoundException e) {
      return null;
    }
  }

  private record Image(String name, Path tar, Path idFile) {}

  private static List<Image> images() {
    Path target = REPO.resolve("images/target");
    return List.of(
        new Image(
            DATAPLANE,
            target.resolve("weir-dataplane-image.tar"),
            target.resolve("weir-dataplane-image.id")),
        new Image(
            OPERATOR,
            target.resolve("weir-operator-image.tar"),
            target.resolve("weir-operator-image.id")));
  }
}
