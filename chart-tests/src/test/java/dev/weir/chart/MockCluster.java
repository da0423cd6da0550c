package dev.weir.chart;

import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.APIVersionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

/**
 * The API server Helm's {@code lookup} reaches while the tests render: fabric8's mock server in
 * CRUD mode (plus the discovery answers Helm needs), one per test JVM. helm-java's template runs
 * Helm's install in dry-run mode with its dry-run option set to "none", which lets {@code lookup}
 * call the cluster of the kubeconfig in $KUBECONFIG (set by surefire to the file written here). An
 * empty mock cluster is a first install; Secrets created in it stand for an earlier release's (an
 * upgrade).
 */
final class MockCluster {
  private static KubernetesMockServer server;
  private static KubernetesClient client;

  private MockCluster() {}

  static synchronized KubernetesClient client() {
    if (server == null) {
      start();
    }
    return client;
  }

  private static void start() {
    Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            expectations,
            new KubernetesMixedDispatcher(expectations),
            false);
    server.init();
    // Helm maps Secret to its resource through discovery, which the CRUD dispatcher does not serve
    // (client-go adds its default ?timeout=32s).
    server
        .expect()
        .get()
        .withPath("/api?timeout=32s")
        .andReturn(200, new APIVersionsBuilder().withVersions("v1").build())
        .always();
    server
        .expect()
        .get()
        .withPath("/api/v1?timeout=32s")
        .andReturn(
            200,
            new APIResourceListBuilder()
                .withGroupVersion("v1")
                .addToResources(
                    new APIResourceBuilder()
                        .withName("secrets")
                        .withKind("Secret")
                        .withNamespaced(true)
                        .withVerbs("get", "list")
                        .build())
                .build())
        .always();
    client = server.createClient();
    String kubeconfig =
        """
        apiVersion: v1
        kind: Config
        clusters:
          - name: mock
            cluster:
              server: http://%s:%d
        contexts:
          - name: mock
            context:
              cluster: mock
              user: mock
              namespace: %s
        current-context: mock
        users:
          - name: mock
            user:
              token: not-a-secret
        """
            .formatted(server.getHostName(), server.getPort(), RenderedChart.NAMESPACE);
    Path file =
        Path.of(System.getProperty("weir.chart.kubeconfig", "target/mock-cluster.kubeconfig"));
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, kubeconfig);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  client.close();
                  server.destroy();
                }));
  }
}
