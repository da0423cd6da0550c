package dev.weir.operator;

import dev.weir.dataplane.DataplaneMain;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A data plane in a JVM of its own, as {@code java -cp ... DataplaneMain ARGS} runs it: a replica
 * as separate from another as two pods are (no shared memory, no shared TLS state). Its log is
 * copied to standard output, prefixed with its name; its admin port is read from its start line,
 * its HTTPS port from the line saying it listens, which comes with its first snapshot.
 */
final class DataplaneProcess implements AutoCloseable {
  private static final Pattern STARTED =
      Pattern.compile("event=started http_port=(-?\\d+) https_port=(-?\\d+) admin_port=(-?\\d+)");
  private static final Pattern LISTENING =
      Pattern.compile("event=listening listener=https address=\\S*:(\\d+)");

  private final Process process;
  private final CompletableFuture<Integer> httpsPort;
  private final int adminPort;
  private final HttpClient http = HttpClient.newHttpClient();

  private DataplaneProcess(Process process, CompletableFuture<Integer> httpsPort, int adminPort) {
    this.process = process;
    this.httpsPort = httpsPort;
    this.adminPort = adminPort;
  }

  /** Starts one on loopback with any free ports, plus {@code args}; returns once it listens. */
  static DataplaneProcess start(String name, List<String> args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xmx128m", "-XX:TieredStopAtLevel=1"));
    command.addAll(List.of("-cp", System.getProperty("java.class.path")));
    command.add(DataplaneMain.class.getName());
    command.addAll(
        List.of(
            "--bind", "127.0.0.1", "--http-port", "0", "--https-port", "0", "--admin-port", "0"));
    command.addAll(args);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    CompletableFuture<Matcher> started = new CompletableFuture<>();
    CompletableFuture<Integer> httpsPort = new CompletableFuture<>();
    Thread pump =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                  System.out.println("[" + name + "] " + line);
                  Matcher m = STARTED.matcher(line);
                  if (m.find()) {
                    started.complete(m);
                  }
                  Matcher listening = LISTENING.matcher(line);
                  if (listening.find()) {
                    httpsPort.complete(Integer.parseInt(listening.group(1)));
                  }
                }
              } catch (Exception e) {
                started.completeExceptionally(e);
              }
              started.completeExceptionally(new IllegalStateException(name + " exited"));
              httpsPort.completeExceptionally(new IllegalStateException(name + " exited"));
            },
            "dataplane-" + name + "-output");
    pump.setDaemon(true);
    pump.start();
    try {
      Matcher m = started.get(60, TimeUnit.SECONDS);
      return new DataplaneProcess(process, httpsPort, Integer.parseInt(m.group(3)));
    } catch (Exception e) {
      process.destroyForcibly();
      throw e;
    }
  }

  /** The HTTPS listener's port, once the first snapshot has bound it. */
  int httpsPort() throws Exception {
    return httpsPort.get(60, TimeUnit.SECONDS);
  }

  /** GET on the admin port: status and body. */
  HttpResponse<String> admin(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A counter or gauge from {@code /metrics}, by its exposition name and labels. */
  double metric(String nameAndLabels) throws Exception {
    for (String line : admin("/metrics").body().split("\n")) {
      if (line.startsWith(nameAndLabels + " ")) {
        return Double.parseDouble(line.substring(nameAndLabels.length() + 1).trim());
      }
    }
    throw new AssertionError("no metric " + nameAndLabels);
  }

  /** SIGTERM, as a pod is stopped; forcibly after 10 s. */
  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
