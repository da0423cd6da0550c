package dev.weir.operator.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * fabric8's mock API server in CRUD mode (it stores what is created and serves lists and watches
 * from it), over HTTPS, with a client for it. Beware: {@code new KubernetesMockServer(true)} means
 * HTTPS, not CRUD; CRUD needs the dispatcher given here.
 */
public final class MockApiServer implements AutoCloseable {
  private final KubernetesMockServer server;
  private final KubernetesClient client;

  public MockApiServer() {
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            true);
    server.init();
    client = server.createClient();
  }

  /** The paths of every request the server has received so far (taking them from its queue). */
  public List<String> requestedPaths() {
    List<String> paths = new ArrayList<>();
    try {
      RecordedRequest request;
      while ((request = server.takeRequest(0, TimeUnit.MILLISECONDS)) != null) {
        paths.add(request.getPath());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return paths;
  }

  public KubernetesClient client() {
    return client;
  }

  /**
   * Closes the client, then the server. The server's own shutdown waits at most 10 s for its
   * listening socket to close and throws if that does not happen; on a loaded CI machine it once
   * did, after every assertion of the test had passed. A test is about what it asserts, not about
   * how fast a third-party mock lets go of its port, so that case is reported on standard error and
   * does not fail the test. Any other exception still does.
   */
  @Override
  public void close() {
    client.close();
    try {
      server.destroy();
    } catch (IllegalStateException e) {
      if (!String.valueOf(e.getMessage()).startsWith("Unable to close")) {
        throw e;
      }
      System.err.println(
          "MockApiServer: the mock API server did not close cleanly: "
              + e
              + (e.getCause() == null ? "" : " (cause: " + e.getCause() + ")"));
    }
  }
}
