package dev.weir.operator.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.operator.state.ClusterState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestSourceTest {
  private static final String SERVICE_AND_SLICE =
      """
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: shop}
      spec:
        ports: [{name: http, port: 80}]
      ---
      apiVersion: discovery.k8s.io/v1
      kind: EndpointSlice
      metadata:
        name: web-1
        namespace: shop
        labels: {kubernetes.io/service-name: web}
      addressType: IPv4
      endpoints: [{addresses: [10.0.0.1]}]
      ports: [{name: http, port: 8080}]
      ---
      """;

  @TempDir Path dir;

  @Test
  void loadsEveryManifestFileWithMultipleDocumentsListsAndJson() throws IOException {
    Files.writeString(dir.resolve("a.yaml"), SERVICE_AND_SLICE);
    Files.writeString(
        dir.resolve("b.yml"),
        """
        apiVersion: v1
        kind: List
        items:
        - apiVersion: networking.k8s.io/v1
          kind: IngressClass
          metadata: {name: weir}
          spec: {controller: weir.dev/ingress-controller}
        - apiVersion: networking.k8s.io/v1
          kind: Ingress
          metadata: {name: web}
          spec:
            rules: [{host: shop.example.com}]
        """);
    Files.writeString(
        dir.resolve("c.json"),
        """
        {"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
         "metadata": {"name": "web-tls", "namespace": "shop"},
         "data": {"tls.crt": "", "tls.key": ""}}
        """);
    Files.writeString(dir.resolve("notes.txt"), "not a manifest");

    try (ManifestSource source = new ManifestSource(dir)) {
      source.start();
      ClusterState state = source.state();
      assertThat(source.hasSynced()).isTrue();
      assertThat(state.service("shop", "web")).isPresent();
      assertThat(state.endpointSlices("shop", "web")).hasSize(1);
      assertThat(state.ingressClass("weir")).isPresent();
      assertThat(state.ingresses())
          .singleElement()
          .satisfies(
              i ->
                  assertThat(i.getMetadata().getNamespace())
                      .as("kubectl's default")
                      .isEqualTo("default"));
      assertThat(state.tlsSecret("shop", "web-tls")).isPresent();
    }
  }

  @Test
  void ignoresUnknownKindsAndKeepsSecretsOfAnyTypeOutOfTheTlsLookup() throws IOException {
    Files.writeString(
        dir.resolve("misc.yaml"),
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        ---
        apiVersion: example.com/v1
        kind: Widget
        metadata: {name: w, namespace: shop}
        ---
        apiVersion: v1
        kind: Secret
        type: Opaque
        metadata: {name: password, namespace: shop}
        stringData: {password: hunter2}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        """);
    try (ManifestSource source = new ManifestSource(dir)) {
      source.start();
      assertThat(source.state().service("shop", "web")).isPresent();
      assertThat(source.state().tlsSecret("shop", "password")).isEmpty();
      // Annotations name Opaque CA bundles: those are read as referenced Secrets.
      assertThat(source.state().referencedSecret("shop", "password")).isPresent();
    }
  }

  @Test
  void appliesAChangedFileWithinOneSecond() throws IOException {
    Path file = dir.resolve("app.yaml");
    Files.writeString(file, SERVICE_AND_SLICE);
    try (ManifestSource source = new ManifestSource(dir)) {
      AtomicInteger changes = new AtomicInteger();
      source.addListener(changes::incrementAndGet);
      source.start();
      int before = changes.get();

      Files.writeString(file, SERVICE_AND_SLICE.replace("10.0.0.1", "10.0.0.2"));
      long started = System.nanoTime();
      awaitState(
          source,
          s ->
              s.endpointSlices("shop", "web")
                  .get(0)
                  .getEndpoints()
                  .get(0)
                  .getAddresses()
                  .get(0)
                  .equals("10.0.0.2"),
          Duration.ofSeconds(1));
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
      assertThat(changes.get()).isGreaterThan(before);

      Files.delete(file);
      awaitState(source, s -> s.service("shop", "web").isEmpty(), Duration.ofSeconds(1));
    }
  }

  @Test
  void aBrokenFileKeepsItsLastGoodObjectsAndOthersStillLoad() throws IOException {
    Path file = dir.resolve("app.yaml");
    Files.writeString(file, SERVICE_AND_SLICE);
    try (ManifestSource source = new ManifestSource(dir)) {
      source.start();
      assertThat(source.state().service("shop", "web")).isPresent();

      Files.writeString(file, "apiVersion: v1\nkind: Service\nmetadata: {name: [unclosed\n");
      Files.writeString(
          dir.resolve("other.yaml"),
          """
          apiVersion: v1
          kind: Service
          metadata: {name: api, namespace: shop}
          """);
      awaitState(source, s -> s.service("shop", "api").isPresent(), Duration.ofSeconds(1));
      assertThat(source.state().service("shop", "web")).as("last good version kept").isPresent();
      assertThat(source.state().endpointSlices("shop", "web")).hasSize(1);

      Files.writeString(
          file,
          """
          apiVersion: v1
          kind: Service
          metadata: {name: web2, namespace: shop}
          """);
      awaitState(source, s -> s.service("shop", "web2").isPresent(), Duration.ofSeconds(1));
      assertThat(source.state().service("shop", "web")).as("fixed file replaces it").isEmpty();
    }
  }

  @Test
  void aDocumentWithoutKindMakesTheFileBroken() throws IOException {
    Files.writeString(dir.resolve("bad.yaml"), "metadata: {name: x}\n");
    Files.writeString(dir.resolve("good.yaml"), SERVICE_AND_SLICE);
    try (ManifestSource source = new ManifestSource(dir)) {
      source.start();
      assertThat(source.hasSynced()).isTrue();
      assertThat(source.state().service("shop", "web")).isPresent();
    }
  }

  @Test
  void aSmallFileEndingWithALineBreakIsTakenWithoutTheSettlePause() {
    byte[] renamedIn = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n".getBytes();
    assertThat(ManifestSource.completeness(renamedIn, false))
        .isEqualTo(ManifestSource.Completeness.WHOLE);
  }

  @Test
  void whatMayBeHalfWrittenWaitsForTheSettlePause() {
    assertThat(ManifestSource.completeness(new byte[0], false))
        .as("truncated, not yet written")
        .isEqualTo(ManifestSource.Completeness.UNKNOWN);
    assertThat(ManifestSource.completeness("apiVersion: v1\nkind: Serv".getBytes(), false))
        .as("cut in the middle of a line")
        .isEqualTo(ManifestSource.Completeness.UNKNOWN);
    byte[] oneBuffer = ("# " + "x".repeat(ManifestSource.ONE_WRITE - 3) + "\n").getBytes();
    assertThat(oneBuffer).hasSize(ManifestSource.ONE_WRITE);
    assertThat(ManifestSource.completeness(oneBuffer, false))
        .as("a writer's first full buffer")
        .isEqualTo(ManifestSource.Completeness.UNKNOWN);
  }

  @Test
  void aFileNotModifiedForTheRacyWindowIsSettledWhateverItHolds() {
    assertThat(ManifestSource.completeness("kind: Serv".getBytes(), true))
        .isEqualTo(ManifestSource.Completeness.SETTLED);
  }

  @Test
  void aWholeLookingFileThatDoesNotParseKeepsItsLastGoodObjectsUntilFixed() throws IOException {
    Path file = dir.resolve("a.yaml");
    Files.writeString(file, SERVICE_AND_SLICE);
    try (ManifestSource source = new ManifestSource(dir, Duration.ofMillis(50))) {
      source.start();
      Files.writeString(file, "apiVersion: v1\nkind: [\n");
      awaitState(source, s -> s.service("shop", "web").isPresent(), Duration.ofMillis(300));
      Files.writeString(file, SERVICE_AND_SLICE.replace("name: web,", "name: api,"));
      awaitState(source, s -> s.service("shop", "api").isPresent(), Duration.ofSeconds(5));
    }
  }

  @Test
  void aDuplicateDefinedInALaterFileWinsAndTheEarlierComesBackWhenItGoes() throws IOException {
    String service =
        "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\n"
            + "spec: {ports: [{port: PORT}]}\n";
    Files.writeString(dir.resolve("a.yaml"), service.replace("PORT", "80"));
    try (ManifestSource source = new ManifestSource(dir, Duration.ofMillis(50))) {
      source.start();
      Files.writeString(dir.resolve("b.yaml"), service.replace("PORT", "81"));
      awaitState(source, s -> port(s) == 81, Duration.ofSeconds(5));
      Files.writeString(dir.resolve("a.yaml"), service.replace("PORT", "82"));
      Files.writeString(dir.resolve("0.yaml"), SERVICE_AND_SLICE); // sorts first: loses to both
      awaitState(source, s -> s.endpointSlices("shop", "web").size() == 1, Duration.ofSeconds(5));
      assertThat(port(source.state())).as("b.yaml still wins").isEqualTo(81);
      Files.delete(dir.resolve("b.yaml"));
      awaitState(source, s -> port(s) == 82, Duration.ofSeconds(5));
      Files.delete(dir.resolve("a.yaml"));
      awaitState(source, s -> port(s) == 80, Duration.ofSeconds(5));
      Files.delete(dir.resolve("0.yaml"));
      awaitState(
          source,
          s -> s.service("shop", "web").isEmpty() && s.endpointSlices("shop", "web").isEmpty(),
          Duration.ofSeconds(5));
    }
  }

  private static int port(ClusterState state) {
    return state
        .service("shop", "web")
        .map(s -> s.getSpec().getPorts().get(0).getPort())
        .orElse(-1);
  }

  private static void awaitState(
      ManifestSource source, Predicate<ClusterState> condition, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.test(source.state())) {
      assertThat(System.nanoTime()).as("condition within " + within).isLessThan(deadline);
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
