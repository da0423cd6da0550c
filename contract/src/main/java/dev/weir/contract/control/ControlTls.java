package dev.weir.contract.control;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProtocols;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS of the control channel between operator and data planes: TLS 1.3 only, certificates on both
 * ends, issued by the installation's one CA. A directory holds {@code tls.crt} (this side's chain),
 * {@code tls.key} (its key) and {@code ca.crt} (the CA both sides trust): the layout of a
 * Kubernetes TLS Secret with a CA, as the chart mounts it.
 */
public final class ControlTls {
  private static final Logger LOG = LoggerFactory.getLogger(ControlTls.class);
  public static final String CERT_FILE = "tls.crt";
  public static final String KEY_FILE = "tls.key";
  public static final String CA_FILE = "ca.crt";

  private ControlTls() {}

  /** Server side (the operator): refuses a peer without a client certificate from the CA. */
  public static SslContext serverContext(Path dir) throws IOException {
    try (InputStream cert = open(dir, CERT_FILE);
        InputStream key = open(dir, KEY_FILE);
        InputStream ca = open(dir, CA_FILE)) {
      return SslContextBuilder.forServer(cert, key)
          .trustManager(ca)
          .clientAuth(ClientAuth.REQUIRE)
          .protocols(SslProtocols.TLS_v1_3)
          .build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IOException(
          "control TLS files in " + dir + " cannot be loaded: " + e.getClass().getSimpleName(), e);
    }
  }

  /**
   * Client side (a data plane): verifies the operator's certificate against the CA and its name.
   */
  public static SslContext clientContext(Path dir) throws IOException {
    try (InputStream cert = open(dir, CERT_FILE);
        InputStream key = open(dir, KEY_FILE);
        InputStream ca = open(dir, CA_FILE)) {
      return SslContextBuilder.forClient()
          .keyManager(cert, key)
          .trustManager(ca)
          .protocols(SslProtocols.TLS_v1_3)
          .endpointIdentificationAlgorithm("HTTPS")
          .build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IOException(
          "control TLS files in " + dir + " cannot be loaded: " + e.getClass().getSimpleName(), e);
    }
  }

  /**
   * The server context, re-read when its files change, so a renewed certificate (cert-manager
   * rewrites the mounted Secret) is served to the next data plane that connects without a restart.
   * Files are looked at most once a second, at accept time; a broken rewrite keeps the previous
   * context and is logged.
   */
  public static final class ReloadingServerContext {
    static final long CHECK_INTERVAL_NANOS = 1_000_000_000L;
    private final Path dir;
    private final LongSupplier nanoTime;
    private SslContext context;
    private String stamp;
    private long checkedAt;

    public ReloadingServerContext(Path dir) throws IOException {
      this(dir, System::nanoTime);
    }

    /** As the public constructor, on a monotonic clock of the caller's (a test's). */
    ReloadingServerContext(Path dir, LongSupplier nanoTime) throws IOException {
      this.dir = dir;
      this.nanoTime = nanoTime;
      this.stamp = stamp(dir);
      this.context = serverContext(dir);
      this.checkedAt = nanoTime.getAsLong();
    }

    /** The current context; call from one thread (the control server's event loop). */
    public SslContext current() {
      long now = nanoTime.getAsLong();
      if (now - checkedAt < CHECK_INTERVAL_NANOS) {
        return context;
      }
      checkedAt = now;
      try {
        String latest = stamp(dir);
        if (!latest.equals(stamp)) {
          context = serverContext(dir);
          stamp = latest;
          LOG.info("event=control_tls_reloaded dir={}", dir);
        }
      } catch (IOException e) {
        LOG.warn(
            "event=control_tls_reload_failed dir={} reason=\"{}\" action=keep_previous",
            dir,
            e.getMessage());
      }
      return context;
    }

    // Modification times and sizes of the three files, following symlinks as a Secret volume's
    // atomic update swaps them.
    private static String stamp(Path dir) throws IOException {
      StringBuilder b = new StringBuilder();
      for (String name : new String[] {CERT_FILE, KEY_FILE, CA_FILE}) {
        Path file = dir.resolve(name);
        b.append(Files.getLastModifiedTime(file).toMillis())
            .append('/')
            .append(Files.size(file))
            .append(';');
      }
      return b.toString();
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
