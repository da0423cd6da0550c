package dev.weir.dataplane;

import static dev.weir.dataplane.TestSnapshots.LOOPBACK;
import static dev.weir.dataplane.TestSnapshots.backend;
import static dev.weir.dataplane.TestSnapshots.everythingTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.contract.cli.AccessLogFormat;
import dev.weir.contract.cli.Edge;
import dev.weir.contract.snapshot.Settings;
import dev.weir.dataplane.accesslog.AccessLog;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.testing.EchoBackend;
import dev.weir.dataplane.testing.EchoBackend.Echo;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PROXY protocol v1 and v2 in front of both listeners, through real sockets: the header's source
 * address is the client in X-Forwarded-For, X-Real-IP and the access log; a connection without a
 * valid header is closed; a trusted proxy's X-Forwarded-For chain is appended to.
 */
class ProxyProtocolTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static EchoBackend backend;
  static Dataplane dataplane;
  static final StringBuffer accessLog = new StringBuffer();
  static SSLContext trustAll;

  @BeforeAll
  static void start() throws Exception {
    backend = EchoBackend.start("backend", "127.0.0.1", EchoBackend.Mode.JSON, Duration.ZERO);
    DataplaneMetrics metrics = new DataplaneMetrics();
    dataplane =
        Dataplane.start(
            LOOPBACK.withEdge(
                Edge.DEFAULTS
                    .withProxyProtocol(true)
                    .withForwardedHeadersTrustedFrom(List.of("203.0.113.0/24"))),
            metrics,
            AccessLog.to(AccessLogFormat.JSON, accessLog, 1024, metrics));
    dataplane.apply(
        TestSnapshots.withSettings(
            everythingTo(1, backend("backend", backend.endpoint())),
            // Bounds the wait for a PROXY header: a silent connection is closed after 1 s.
            Settings.builder().requestHeaderMillis(1000).build()));
    trustAll = SSLContext.getInstance("TLS");
    trustAll.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
  }

  @AfterAll
  static void stop() {
    dataplane.close();
    backend.close();
  }

  static byte[] v1(String source, String destination) {
    String family = source.contains(":") ? "TCP6" : "TCP4";
    return ("PROXY " + family + " " + source + " " + destination + " 56324 80\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] v2(String source, String destination) throws IOException {
    byte[] src = InetAddress.getByName(source).getAddress();
    byte[] dst = InetAddress.getByName(destination).getAddress();
    int length = src.length * 2 + 4;
    ByteBuffer b = ByteBuffer.allocate(16 + length);
    b.put(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
    b.put((byte) 0x21); // version 2, PROXY
    b.put((byte) (src.length == 4 ? 0x11 : 0x21)); // TCP over IPv4 or IPv6
    b.putShort((short) length);
    b.put(src).put(dst).putShort((short) 56324).putShort((short) 443);
    return b.array();
  }

  static byte[] get(String... headers) {
    StringBuilder request = new StringBuilder("GET /where HTTP/1.1\r\nHost: shop.example\r\n");
    for (String h : headers) {
      request.append(h).append("\r\n");
    }
    return request
        .append("Connection: close\r\n\r\n")
        .toString()
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** Sends {@code header} then {@code request} on a new connection, over TLS if asked. */
  static String exchange(byte[] header, byte[] request, boolean tls) throws Exception {
    int port = tls ? dataplane.httpsPort() : dataplane.httpPort();
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5_000);
      OutputStream raw = socket.getOutputStream();
      if (header != null) {
        raw.write(header);
        raw.flush();
      }
      Socket stream = socket;
      if (tls) {
        SSLSocket ssl =
            (SSLSocket) trustAll.getSocketFactory().createSocket(socket, "localhost", port, false);
        ssl.startHandshake();
        stream = ssl;
      }
      stream.getOutputStream().write(request);
      stream.getOutputStream().flush();
      return new String(readAll(stream.getInputStream()), StandardCharsets.UTF_8);
    }
  }

  static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      in.transferTo(out);
    } catch (IOException e) {
      // reset: what arrived so far is the answer
    }
    return out.toByteArray();
  }

  static Echo echo(String response) {
    assertThat(response).startsWith("HTTP/1.1 200");
    return Echo.parse(response.substring(response.indexOf("\r\n\r\n") + 4));
  }

  /** The access log's lines about {@code client}, once there is one (tests use distinct ones). */
  static List<JsonNode> awaitLinesOf(String client) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (true) {
      List<JsonNode> lines = new ArrayList<>();
      for (String line : accessLog.toString().split("\n")) {
        JsonNode json = line.isEmpty() ? null : JSON.readTree(line);
        if (json != null && client.equals(json.get("client").asText())) {
          lines.add(json);
        }
      }
      if (!lines.isEmpty() || System.nanoTime() > deadline) {
        return lines;
      }
      Thread.sleep(10);
    }
  }

  @Test
  void aV1HeaderNamesTheClientOfAPlainRequest() throws Exception {
    Echo echo =
        echo(exchange(v1("192.0.2.44", "10.0.0.1"), get("X-Forwarded-For: 6.6.6.6"), false));

    assertThat(echo.header("x-forwarded-for")).isEqualTo("192.0.2.44");
    assertThat(echo.header("x-real-ip")).isEqualTo("192.0.2.44");
    List<JsonNode> lines = awaitLinesOf("192.0.2.44");
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0).get("status").asInt()).isEqualTo(200);
    assertThat(lines.get(0).get("tls_protocol").isNull()).isTrue();
  }

  @Test
  void aV2HeaderNamesAnIpv6ClientOfAPlainRequest() throws Exception {
    Echo echo = echo(exchange(v2("2001:db8::9", "2001:db8::1"), get(), false));

    assertThat(echo.header("x-forwarded-for")).isEqualTo("2001:db8:0:0:0:0:0:9");
  }

  @Test
  void theHeaderComesBeforeTheClientHello() throws Exception {
    Echo v1 = echo(exchange(v1("192.0.2.45", "10.0.0.1"), get(), true));
    Echo v2 = echo(exchange(v2("192.0.2.46", "10.0.0.1"), get(), true));

    assertThat(v1.header("x-forwarded-for")).isEqualTo("192.0.2.45");
    assertThat(v1.header("x-forwarded-proto")).isEqualTo("https");
    assertThat(v2.header("x-forwarded-for")).isEqualTo("192.0.2.46");
    for (String client : List.of("192.0.2.45", "192.0.2.46")) {
      List<JsonNode> lines = awaitLinesOf(client);
      assertThat(lines).hasSize(1);
      assertThat(lines.get(0).get("tls_protocol").asText()).startsWith("TLSv1.");
    }
  }

  @Test
  void aConnectionWithoutAHeaderIsClosedUnanswered() throws Exception {
    int before = backend.requestCount();
    assertThat(exchange(null, get(), false)).isEmpty();
    assertThat(
            exchange("PROXY TCP4 nonsense\r\n".getBytes(StandardCharsets.US_ASCII), get(), false))
        .isEmpty();
    assertThat(backend.requestCount()).isEqualTo(before);
  }

  @Test
  void aTlsConnectionWithoutAHeaderIsClosed() {
    assertThatThrownBy(() -> exchange(null, get(), true)).isInstanceOf(IOException.class);
  }

  @Test
  void aSilentConnectionIsClosedAfterTheTimeout() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", dataplane.httpPort())) {
      socket.setSoTimeout(5_000);
      long started = System.nanoTime();
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
    }
  }

  @Test
  void aTrustedProxysForwardedForChainIsAppendedTo() throws Exception {
    Echo trusted =
        echo(exchange(v1("203.0.113.7", "10.0.0.1"), get("X-Forwarded-For: 198.51.100.1"), false));
    Echo untrusted =
        echo(exchange(v1("192.0.2.50", "10.0.0.1"), get("X-Forwarded-For: 198.51.100.1"), false));

    assertThat(trusted.header("x-forwarded-for")).isEqualTo("198.51.100.1, 203.0.113.7");
    assertThat(untrusted.header("x-forwarded-for")).isEqualTo("192.0.2.50");
  }
}
