package dev.weir.dataplane.control;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProtocols;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLException;

/**
 * TLS of the control channel between operator and data planes: TLS 1.3 only, certificates on both
 * ends, issued by the installation's one CA. A directory holds {@code tls.crt} (this side's chain),
 * {@code tls.key} (its key) and {@code ca.crt} (the CA both sides trust): the layout of a
 * Kubernetes TLS Secret with a CA, as the chart mounts it.
 */
public final class ControlTls {
  public static final String CERT_FILE = "tls.crt";
  public static final String KEY_FILE = "tls.key";
  public static final String CA_FILE = "ca.crt";

  private ControlTls() {}

  /** Server side (the operator): refuses a peer without a client certificate from the CA. */
  public static SslContext serverContext(Path dir) throws IOException {
    try (InputStream cert = open(dir, CERT_FILE); InputStream key = open(dir, KEY_FILE);
        InputStream ca = open(dir, CA_FILE)) {
      return SslContextBuilder.forServer(cert, key)
          .trustManager(ca)
          .clientAuth(ClientAuth.REQUIRE)
          .protocols(SslProtocols.TLS_v1_3)
          .build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IOException("control TLS files in " + dir + " cannot be loaded: " + e.getClass().getSimpleName(), e);
    }
  }

  /** Client side (a data plane): verifies the operator's certificate against the CA and its name. */
  public static SslContext clientContext(Path dir) throws IOException {
    try (InputStream cert = open(dir, CERT_FILE); InputStream key = open(dir, KEY_FILE);
        InputStream ca = open(dir, CA_FILE)) {
      return SslContextBuilder.forClient()
          .keyManager(cert, key)
          .trustManager(ca)
          .protocols(SslProtocols.TLS_v1_3)
          .endpointIdentificationAlgorithm("HTTPS")
          .build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IOException("control TLS files in " + dir + " cannot be loaded: " + e.getClass().getSimpleName(), e);
    }
  }

  private static InputStream open(Path dir, String name) throws IOException {
    Path file = dir.resolve(name);
    if (!Files.isReadable(file)) {
      throw new IOException("control TLS file " + file + " is missing or unreadable");
    }
    return Files.newInputStream(file);
  }
}
