package dev.weir.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The `helm test` Pod's script, run by bash against a local socket standing for the data plane
 * Service: it passes on the expected status line only.
 */
class HelmTestScriptTest {

  /** Runs the rendered script against a server answering with this status line. */
  static Run run(String statusLine, String... values) throws Exception {
    String script =
        HelmTestHookTest.script(HelmTestHookTest.testPod(RenderedChart.renderWithHooks(values)));
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String local =
          script.replaceFirst(
              "/dev/tcp/weir-dataplane\\.weir\\.svc/[0-9]+",
              "/dev/tcp/127.0.0.1/" + server.getLocalPort());
      CompletableFuture<List<String>> received =
          CompletableFuture.supplyAsync(() -> answer(server, statusLine));
      Process bash = new ProcessBuilder("bash", "-c", local).redirectErrorStream(true).start();
      assertThat(bash.waitFor(20, TimeUnit.SECONDS)).as("the script ends").isTrue();
      String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new Run(bash.exitValue(), output, received.get(5, TimeUnit.SECONDS));
    }
  }

  record Run(int exitCode, String output, List<String> requestLines) {}

  private static List<String> answer(ServerSocket server, String statusLine) {
    try (Socket socket = server.accept()) {
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      List<String> lines = new ArrayList<>();
      for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
        lines.add(line);
      }
      OutputStream out = socket.getOutputStream();
      out.write(
          (statusLine + "\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return lines;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void passesOnWeirsNotFoundForTheUnroutedHost() throws Exception {
    Run run = run("HTTP/1.1 404 Not Found");

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("answer: HTTP/1.1 404 Not Found");
    assertThat(run.requestLines())
        .containsExactly("GET / HTTP/1.1", "Host: weir-helm-test.invalid", "Connection: close");
  }

  @Test
  void failsOnAnyOtherStatus() throws Exception {
    for (String status :
        List.of("HTTP/1.1 200 OK", "HTTP/1.1 4040 Odd", "HTTP/1.0 404 Not Found")) {
      Run run = run(status);
      assertThat(run.exitCode()).as(status + ": " + run.output()).isNotZero();
    }
  }

  @Test
  void sendsAProxyProtocolHeaderFirstWhenTheListenersExpectOne() throws Exception {
    Run run =
        run("HTTP/1.1 200 OK", "dataplane.proxyProtocol", "true", "test.expectedStatus", "200");

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.requestLines().get(0))
        .matches("PROXY TCP4 192\\.0\\.2\\.1 192\\.0\\.2\\.2 40000 80");
    assertThat(run.requestLines().get(1)).isEqualTo("GET / HTTP/1.1");
  }

  @Test
  void failsWhenNothingListens() throws Exception {
    String script =
        HelmTestHookTest.script(HelmTestHookTest.testPod(RenderedChart.renderWithHooks()));
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = probe.getLocalPort();
    }
    String local =
        script.replaceFirst(
            "/dev/tcp/weir-dataplane\\.weir\\.svc/[0-9]+", "/dev/tcp/127.0.0.1/" + closedPort);
    Process bash = new ProcessBuilder("bash", "-c", local).redirectErrorStream(true).start();

    assertThat(bash.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(bash.exitValue()).isNotZero();
  }
}
