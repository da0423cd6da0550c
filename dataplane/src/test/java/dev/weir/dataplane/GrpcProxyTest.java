package dev.weir.dataplane;

import static dev.weir.dataplane.TestSnapshots.LOOPBACK;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.Endpoint;
import dev.weir.contract.snapshot.Route;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.UpstreamProtocol;
import dev.weir.contract.snapshot.UpstreamTls;
import dev.weir.contract.snapshot.VirtualHost;
import dev.weir.contract.testing.TestPki;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.testing.GrpcBackend;
import dev.weir.dataplane.testing.Http2TestClient;
import dev.weir.dataplane.testing.Http2TestClient.Call;
import dev.weir.dataplane.testing.Http2TestClient.Data;
import dev.weir.dataplane.testing.Http2TestClient.Frame;
import dev.weir.dataplane.testing.Http2TestClient.Headers;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * gRPC backends through real sockets: an HTTP/2 client calls through Weir's HTTPS listener, and
 * Weir speaks HTTP/2 to gRPC-like pods, in clear text (GRPC, h2c) or over verified TLS (GRPCS, ALPN
 * h2): response headers, DATA and trailers reach the client as HTTP/2 frames, streaming calls
 * stream both ways, calls share pooled connections, and a pod that cannot be verified or reached is
 * a 502.
 */
class GrpcProxyTest {
  static LocalhostTls tls;
  static TestPki podPki;
  static TestPki otherPki;
  static GrpcBackend h2c;
  static GrpcBackend secure;
  static GrpcBackend narrow;
  static Dataplane dataplane;
  Http2TestClient client;

  @BeforeAll
  static void start() throws Exception {
    tls = LocalhostTls.create();
    podPki = TestPki.create();
    otherPki = TestPki.create();
    h2c = GrpcBackend.start("h2c");
    narrow = GrpcBackend.start("narrow", 2);
    secure = GrpcBackend.startTls("secure", h2Server(podPki.issueServer("pod.internal")));
    int refused = refusedPort();
    // One event loop: pools are per loop, and the pooling test counts connections.
    dataplane =
        Dataplane.start(
            new Dataplane.Options(LOOPBACK.bindAddress(), 0, 0, LOOPBACK.drainTimeout(), 1),
            new DataplaneMetrics(),
            tls.everyName());
    String ca = podPki.caPem();
    dataplane.apply(
        Snapshot.builder()
            .version(1)
            .virtualHosts(
                host("h2c.example.com", "h2c"),
                host("grpcs.example.com", "grpcs"),
                host("wrong-ca.example.com", "wrong-ca"),
                host("refused.example.com", "refused"),
                host("retry.example.com", "retry"),
                host("narrow.example.com", "narrow"))
            .backends(
                grpc("h2c", UpstreamProtocol.GRPC, null, h2c.endpoint()),
                grpc(
                    "grpcs",
                    UpstreamProtocol.GRPCS,
                    UpstreamTls.verified(ca, "pod.internal"),
                    secure.endpoint()),
                grpc(
                    "wrong-ca",
                    UpstreamProtocol.GRPCS,
                    UpstreamTls.verified(otherPki.caPem(), "pod.internal"),
                    secure.endpoint()),
                grpc("refused", UpstreamProtocol.GRPC, null, Endpoint.ready("127.0.0.1", refused)),
                grpc(
                    "retry",
                    UpstreamProtocol.GRPC,
                    null,
                    Endpoint.ready("127.0.0.1", refused),
                    h2c.endpoint()),
                grpc("narrow", UpstreamProtocol.GRPC, null, narrow.endpoint()))
            .build());
  }

  private static SslContext h2Server(TestPki.Leaf leaf) throws Exception {
    return SslContextBuilder.forServer(
            new ByteArrayInputStream(leaf.chainPem().getBytes(StandardCharsets.US_ASCII)),
            new ByteArrayInputStream(leaf.keyPem().getBytes(StandardCharsets.US_ASCII)))
        .applicationProtocolConfig(LocalhostTls.h2Only())
        .build();
  }

  private static int refusedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static VirtualHost host(String name, String backend) {
    return VirtualHost.of(name, List.of(Route.prefix("/", backend)));
  }

  private static Backend grpc(
      String id, UpstreamProtocol protocol, UpstreamTls upstreamTls, Endpoint... endpoints) {
    return Backend.builder(id)
        .endpoints(endpoints)
        .protocol(protocol)
        .tls(upstreamTls)
        .connectRetries(1)
        .build();
  }

  @AfterAll
  static void stop() {
    dataplane.close();
    h2c.close();
    secure.close();
    narrow.close();
  }

  @BeforeEach
  void connect() throws Exception {
    client = new Http2TestClient(tls.nettyH2Client(), dataplane.httpsPort());
  }

  @AfterEach
  void disconnect() {
    client.close();
  }

  private static Http2Headers headersOf(Frame f) {
    assertThat(f).isInstanceOf(Headers.class);
    return ((Headers) f).headers();
  }

  private static void assertOkTrailers(Frame f, String pod) {
    assertThat(f).isInstanceOf(Headers.class);
    assertThat(((Headers) f).endStream()).isTrue();
    Http2Headers trailers = ((Headers) f).headers();
    assertThat(trailers.get("grpc-status")).hasToString("0");
    assertThat(trailers.get("grpc-message")).hasToString("served by " + pod);
    assertThat(trailers.status()).isNull();
  }

  /** A streaming call to {@code host} whose first message was sent and echoed. */
  private Call streamingCall(String host, String message) throws InterruptedException {
    Call call = client.call(host, "/test.Echo/Stream");
    call.send(message, false);
    assertThat(headersOf(call.next()).status()).hasToString("200");
    assertThat(call.next()).isEqualTo(new Data(message, false));
    return call;
  }

  @Test
  void unaryCallOverH2cGetsHeadersDataAndTrailers() throws Exception {
    Call call = client.call("h2c.example.com", "/test.Echo/Unary");
    call.send("hello", true);
    List<Frame> frames = call.rest();
    Http2Headers head = headersOf(frames.get(0));
    assertThat(head.status()).hasToString("200");
    assertThat(head.get("content-type")).hasToString("application/grpc");
    assertThat(head.get("x-http2-stream-id")).isNull();
    assertThat(frames.subList(1, frames.size() - 1)).containsExactly(new Data("hello", false));
    assertOkTrailers(frames.get(frames.size() - 1), "h2c");
    Http2Headers sent = h2c.requests().get(h2c.requests().size() - 1);
    assertThat(sent.path()).hasToString("/test.Echo/Unary");
    assertThat(sent.method()).hasToString("POST");
    assertThat(sent.scheme()).hasToString("http");
    assertThat(sent.authority()).hasToString("h2c.example.com");
    assertThat(sent.get("te")).hasToString("trailers");
    assertThat(sent.get("content-type")).hasToString("application/grpc");
    assertThat(sent.get("x-forwarded-proto")).hasToString("https");
  }

  @Test
  void streamingCallRelaysEachMessageBeforeTheCallEnds() throws Exception {
    Call call = client.call("h2c.example.com", "/test.Echo/Stream");
    call.send("one", false);
    assertThat(headersOf(call.next()).status()).hasToString("200");
    // The pod's answer to the first message arrives while the request is still open.
    assertThat(call.next()).isEqualTo(new Data("one", false));
    call.send("two", false);
    assertThat(call.next()).isEqualTo(new Data("two", false));
    call.send("three", true);
    assertThat(call.next()).isEqualTo(new Data("three", false));
    assertOkTrailers(call.next(), "h2c");
  }

  @Test
  void trailersOnlyAnswerStaysOneHeadersFrameWithEndStream() throws Exception {
    // A call without a body: the pod may answer before a DATA frame could follow the headers, and
    // Weir then ends the stream, so a DATA write would race that end.
    Call call =
        client.request(
            new DefaultHttp2Headers()
                .method("POST")
                .scheme("https")
                .authority("h2c.example.com")
                .path("/test.Echo/Missing")
                .set("content-type", "application/grpc")
                .set("te", "trailers"),
            true);
    Frame f = call.next();
    assertThat(((Headers) f).endStream()).isTrue();
    Http2Headers headers = ((Headers) f).headers();
    assertThat(headers.status()).hasToString("200");
    assertThat(headers.get("grpc-status")).hasToString("5");
    assertThat(headers.get("grpc-message")).hasToString("no such thing");
  }

  @Test
  void concurrentCallsShareOneConnectionToThePod() throws Exception {
    // A first call opens the connection, the next ones multiplex on it.
    Call first = streamingCall("h2c.example.com", "open");
    int connections = h2c.connectionCount();
    Call[] calls = new Call[5];
    for (int i = 0; i < calls.length; i++) {
      calls[i] = streamingCall("h2c.example.com", "m" + i);
    }
    for (Call c : calls) {
      c.send("", true);
      assertOkTrailers(c.rest().get(0), "h2c");
    }
    first.send("", true);
    first.rest();
    assertThat(h2c.connectionCount()).isEqualTo(connections);
  }

  @Test
  void callsBeyondThePodsMaxConcurrentStreamsGoOnAnotherConnection() throws Exception {
    Call[] calls = new Call[3];
    for (int i = 0; i < calls.length; i++) {
      // Each answered before the next: the pod's SETTINGS (2 streams at most) have arrived.
      calls[i] = streamingCall("narrow.example.com", "m" + i);
    }
    assertThat(narrow.connectionCount()).isEqualTo(2);
    for (Call c : calls) {
      c.send("", true);
      assertOkTrailers(c.rest().get(0), "narrow");
    }
  }

  @Test
  void unaryCallOverVerifiedTlsWithAlpnH2() throws Exception {
    Call call = client.call("grpcs.example.com", "/test.Echo/Unary");
    call.send("secret", true);
    List<Frame> frames = call.rest();
    assertThat(headersOf(frames.get(0)).status()).hasToString("200");
    assertThat(frames.get(1)).isEqualTo(new Data("secret", false));
    assertOkTrailers(frames.get(2), "secure");
    assertThat(secure.requests().get(secure.requests().size() - 1).scheme()).hasToString("https");
  }

  @Test
  void podCertificateOfAnotherCaIs502() throws Exception {
    int before = secure.requests().size();
    Call call = headersOnlyCall("wrong-ca.example.com");
    assertThat(headersOf(call.rest().get(0)).status()).hasToString("502");
    assertThat(secure.requests()).hasSize(before);
  }

  @Test
  void podRefusingConnectionsIs502() throws Exception {
    Call call = headersOnlyCall("refused.example.com");
    assertThat(headersOf(call.rest().get(0)).status()).hasToString("502");
  }

  /**
   * A call that ends with its headers: Weir may answer 502 (and end the stream) before a DATA frame
   * the client would send after them, which would race with the client's write.
   */
  private Call headersOnlyCall(String authority) throws Exception {
    return client.request(
        new DefaultHttp2Headers()
            .method("POST")
            .scheme("https")
            .authority(authority)
            .path("/test.Echo/Unary")
            .set("content-type", "application/grpc"),
        true);
  }

  @Test
  void connectFailureOfAnIdempotentRequestIsRetriedOnAnotherPod() throws Exception {
    // As for HTTP/1.1 backends: only idempotent requests are retried (a gRPC call is a POST).
    for (int i = 0; i < 4; i++) {
      Call call =
          client.request(
              new DefaultHttp2Headers()
                  .method("GET")
                  .scheme("https")
                  .authority("retry.example.com")
                  .path("/test.Echo/Unary"),
              true);
      List<Frame> frames = call.rest();
      assertThat(headersOf(frames.get(0)).status()).hasToString("200");
      assertOkTrailers(frames.get(frames.size() - 1), "h2c");
    }
  }

  @Test
  void http11ClientGetsTheTrailersInTheLastChunk() throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), dataplane.httpPort())) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              ("POST /test.Echo/Unary HTTP/1.1\r\nHost: h2c.example.com\r\nTE: trailers\r\n"
                      + "Content-Length: 5\r\nConnection: close\r\n\r\nhello")
                  .getBytes(StandardCharsets.US_ASCII));
      String raw = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(raw).startsWith("HTTP/1.1 200").containsIgnoringCase("transfer-encoding: chunked");
      assertThat(raw).contains("\r\n5\r\nhello\r\n0\r\n").contains("grpc-status: 0\r\n");
      assertThat(raw).doesNotContainIgnoringCase("x-http2-stream-id");
    }
  }
}
