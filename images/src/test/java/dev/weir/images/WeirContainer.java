package dev.weir.images;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Capability;
import dev.weir.dataplane.testing.RawHttp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.utility.DockerImageName;

/**
 * One of Weir's images run as the chart runs it: its user, a read-only root filesystem with a tmpfs
 * on /tmp (the chart's emptyDir), every capability dropped, no privilege escalation. On the host's
 * network (the engine here has no bridge), so it listens on loopback ports chosen here and reaches
 * backends on loopback.
 */
public final class WeirContainer implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

  private final GenericContainer<?> container;
  private final Listeners listeners;

  private WeirContainer(GenericContainer<?> container, Listeners listeners) {
    this.container = container;
    this.listeners = listeners;
  }

  /**
   * Starts {@code image} with {@code args} and the listeners' options, each host path of {@code
   * mounts} bound read-only at its container path, and waits until {@code /readyz} answers 200.
   */
  public static WeirContainer start(
      String image, List<String> args, Map<Path, String> mounts, Listeners listeners) {
    List<String> command = new ArrayList<>(args);
    command.addAll(listeners.args());
    GenericContainer<?> container =
        new GenericContainer<>(DockerImageName.parse(image))
            .withImagePullPolicy(name -> false)
            .withNetworkMode("host")
            .withCommand(command.toArray(String[]::new))
            .withTmpFs(Map.of("/tmp", "rw,size=64m"))
            .withCreateContainerCmdModifier(
                cmd ->
                    cmd.getHostConfig()
                        .withReadonlyRootfs(true)
                        .withCapDrop(Capability.ALL)
                        .withSecurityOpts(List.of("no-new-privileges")))
            .waitingFor(new Ready(listeners.admin()).withStartupTimeout(READY_TIMEOUT));
    mounts.forEach(
        (host, inContainer) ->
            container.withFileSystemBind(host.toString(), inContainer, BindMode.READ_ONLY));
    container.start();
    return new WeirContainer(container, listeners);
  }

  /**
   * The listeners' ports, free on the host's loopback (the host network has no port mapping), and
   * bound there by the container ({@code --bind=127.0.0.1}).
   */
  public record Listeners(int http, int https, int admin) {
    public static Listeners free() throws IOException {
      List<ServerSocket> held = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          held.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
        }
        return new Listeners(
            held.get(0).getLocalPort(), held.get(1).getLocalPort(), held.get(2).getLocalPort());
      } finally {
        for (ServerSocket socket : held) {
          socket.close();
        }
      }
    }

    List<String> args() {
      return List.of(
          "--bind=127.0.0.1",
          "--http-port=" + http,
          "--https-port=" + https,
          "--admin-port=" + admin);
    }
  }

  /**
   * A directory any user can read: the container's user (10001) reads what is bound into it, and
   * JUnit's temporary directories are private to the user running the tests.
   */
  public static Path shareable(Path directory) throws IOException {
    Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (var files = Files.walk(directory)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
      }
    }
    return directory;
  }

  /** The admin endpoint's liveness and readiness, as the chart's probes ask them. */
  public void assertHealthyAndReady() throws IOException {
    assertThat(adminStatus("/healthz")).as("/healthz").isEqualTo(200);
    assertThat(adminStatus("/readyz")).as("/readyz").isEqualTo(200);
  }

  public Listeners listeners() {
    return listeners;
  }

  public int adminStatus(String path) throws IOException {
    return RawHttp.exchange(
            listeners.admin(),
            "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .status();
  }

  public ExecResult exec(String... command) throws IOException, InterruptedException {
    return container.execInContainer(command);
  }

  public String logs() {
    return container.getLogs();
  }

  /** Sends SIGTERM to the container's process (as the kubelet does after preStop). */
  public void terminate() {
    docker().killContainerCmd(container.getContainerId()).withSignal("SIGTERM").exec();
  }

  /** Waits for the container's process to exit; its exit status. */
  public int awaitExit(Duration timeout) {
    return docker()
        .waitContainerCmd(container.getContainerId())
        .start()
        .awaitStatusCode(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private DockerClient docker() {
    return container.getDockerClient();
  }

  @Override
  public void close() {
    container.stop();
  }

  /** Ready once the admin endpoint's /readyz answers 200 on the host's loopback. */
  private static final class Ready extends AbstractWaitStrategy {
    private final int adminPort;

    Ready(int adminPort) {
      this.adminPort = adminPort;
    }

    @Override
    protected void waitUntilReady() {
      Instant deadline = Instant.now().plus(startupTimeout);
      String last = "no answer yet";
      while (Instant.now().isBefore(deadline)) {
        if (!waitStrategyTarget.isRunning()) {
          throw new IllegalStateException(
              "the container exited before it was ready:\n" + waitStrategyTarget.getLogs());
        }
        try {
          int status =
              RawHttp.exchange(
                      adminPort,
                      "GET /readyz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                  .status();
          if (status == 200) {
            return;
          }
          last = "/readyz answered " + status;
        } catch (IOException e) {
          last = e.toString();
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      throw new IllegalStateException(
          "not ready after "
              + startupTimeout
              + " ("
              + last
              + "):\n"
              + waitStrategyTarget.getLogs());
    }
  }
}
