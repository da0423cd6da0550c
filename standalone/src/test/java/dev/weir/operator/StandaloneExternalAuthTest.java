package dev.weir.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.weir.contract.snapshot.Settings;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.dataplane.testing.EchoBackend;
import dev.weir.dataplane.testing.RawHttp;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * External authentication from a manifests directory to a real pod, with a real auth service on
 * loopback standing in for oauth2-proxy: a request without the session cookie is sent to sign in,
 * one with it reaches the pod with the user the auth service named, and an Ingress whose auth-url
 * is no URL answers 503 while the other Ingress of the host keeps working.
 */
class StandaloneExternalAuthTest {
  private static final Duration PROPAGATION = Duration.ofSeconds(10);

  @TempDir Path manifests;
  private Standalone standalone;
  private HttpServer auth;

  @AfterEach
  void stop() {
    if (standalone != null) {
      standalone.close();
    }
    if (auth != null) {
      auth.stop(0);
    }
  }

  @Test
  void anOauth2ProxyStyleSetupSignsInAuthorisesAndFailsClosed() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    auth = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    auth.createContext(
        "/oauth2/auth",
        exchange -> {
          asked.incrementAndGet();
          String cookie = exchange.getRequestHeaders().getFirst("Cookie");
          boolean signedIn = cookie != null && cookie.contains("_oauth2_proxy=ok");
          if (signedIn) {
            exchange.getResponseHeaders().add("X-Auth-Request-User", "alice");
          }
          exchange.sendResponseHeaders(signedIn ? 202 : 401, -1);
          exchange.close();
        });
    auth.start();
    try (EchoBackend echo =
        EchoBackend.start("echo", "127.0.0.1", EchoBackend.Mode.JSON, Duration.ZERO)) {
      Files.writeString(
          manifests.resolve("app.yaml"),
          StandaloneAnnotationsTest.service("echo", echo.endpoint().port())
              + """
          apiVersion: networking.k8s.io/v1
          kind: Ingress
          metadata:
            name: app
            namespace: demo
            annotations:
              nginx.ingress.kubernetes.io/auth-url: "http://127.0.0.1:%d/oauth2/auth"
              nginx.ingress.kubernetes.io/auth-signin: "https://$host/oauth2/start"
              nginx.ingress.kubernetes.io/auth-response-headers: "X-Auth-Request-User"
          spec:
            rules:
            - host: app.weir.test
              http:
                paths:
                - {path: /, pathType: Prefix, backend: {service: {name: echo, port: {number: 80}}}}
          ---
          apiVersion: networking.k8s.io/v1
          kind: Ingress
          metadata:
            name: broken
            namespace: demo
            annotations:
              nginx.ingress.kubernetes.io/auth-url: "oauth2-proxy/oauth2/auth"
          spec:
            rules:
            - host: app.weir.test
              http:
                paths:
                - {path: /admin, pathType: Prefix, backend: {service: {name: echo, port: {number: 80}}}}
          """
                  .formatted(auth.getAddress().getPort()));
      standalone =
          Standalone.start(
              new Standalone.Options(
                  manifests,
                  "127.0.0.1",
                  0,
                  0,
                  -1,
                  Duration.ofSeconds(1),
                  false,
                  Settings.DEFAULTS));
      Snapshot snapshot =
          Await.until(
              "a snapshot with both paths",
              PROPAGATION,
              standalone::servedSnapshot,
              s ->
                  s != null
                      && s.virtualHosts().size() == 1
                      && s.virtualHosts().get(0).routes().size() == 2);
      assertThat(snapshot.schemaVersion()).as("external auth").isEqualTo(5);

      RawHttp.Response signIn = get("/page?a=b", null);
      assertThat(signIn.status()).isEqualTo(302);
      assertThat(signIn.header("location"))
          .isEqualTo("https://app.weir.test/oauth2/start?rd=http://app.weir.test%2Fpage%3Fa%3Db");

      RawHttp.Response allowed = get("/page", "_oauth2_proxy=ok");
      assertThat(allowed.status()).isEqualTo(200);
      EchoBackend.Echo seen = EchoBackend.Echo.parse(allowed.bodyText());
      assertThat(seen.header("x-auth-request-user")).isEqualTo("alice");
      assertThat(seen.header("cookie")).isEqualTo("_oauth2_proxy=ok");

      int before = asked.get();
      assertThat(get("/admin", "_oauth2_proxy=ok").status()).isEqualTo(503);
      assertThat(asked.get()).isEqualTo(before);
      assertThat(get("/.well-known/acme-challenge/t", null).status()).isEqualTo(200);
      assertThat(asked.get()).isEqualTo(before);
    }
  }

  private RawHttp.Response get(String target, String cookie) throws Exception {
    return RawHttp.exchange(
        standalone.httpPort(),
        "GET "
            + target
            + " HTTP/1.1\r\nHost: app.weir.test\r\n"
            + (cookie == null ? "" : "Cookie: " + cookie + "\r\n")
            + "X-Auth-Request-User: mallory\r\nConnection: close\r\n\r\n");
  }
}
