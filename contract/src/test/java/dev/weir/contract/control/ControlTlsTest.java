package dev.weir.contract.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.testing.TestPki;
import io.netty.handler.ssl.SslContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator's control certificate, re-read when its files change, on a clock of the test's. */
class ControlTlsTest {
  private static final TestPki PKI = TestPki.create();

  @TempDir Path dir;
  private final AtomicLong nanos = new AtomicLong(1_000);
  private ControlTls.ReloadingServerContext reloading;
  private SslContext first;

  @BeforeEach
  void serveTheFirstCertificate() throws Exception {
    write(PKI.issueServer("localhost", "127.0.0.1"), 0);
    reloading = new ControlTls.ReloadingServerContext(dir, nanos::get);
    first = reloading.current();
  }

  /** Writes the three files, their modification time {@code laterSeconds} after the first's. */
  private void write(TestPki.Leaf leaf, int laterSeconds) throws Exception {
    write(leaf.chainPem(), leaf.keyPem(), laterSeconds);
  }

  private void write(String chain, String key, int laterSeconds) throws Exception {
    Files.writeString(dir.resolve(ControlTls.CERT_FILE), chain);
    Files.writeString(dir.resolve(ControlTls.KEY_FILE), key);
    Files.writeString(dir.resolve(ControlTls.CA_FILE), PKI.caPem());
    // Set, not left to the file system: two writes within its timestamp granularity look alike.
    FileTime modified = FileTime.fromMillis(1_700_000_000_000L + laterSeconds * 1_000L);
    for (String name :
        new String[] {ControlTls.CERT_FILE, ControlTls.KEY_FILE, ControlTls.CA_FILE}) {
      Files.setLastModifiedTime(dir.resolve(name), modified);
    }
  }

  private void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  @Test
  void aRenewedCertificateIsLoadedAtTheFirstLookAfterTheCheckInterval() throws Exception {
    write(PKI.issueServer("localhost", "127.0.0.1"), 1);

    advance(Duration.ofMillis(999));
    assertThat(reloading.current())
        .as("within the interval the files are not looked at")
        .isSameAs(first);
    advance(Duration.ofMillis(1));
    SslContext renewed = reloading.current();
    assertThat(renewed).isNotSameAs(first);
    advance(Duration.ofSeconds(5));
    assertThat(reloading.current()).as("loaded once").isSameAs(renewed);
  }

  @Test
  void unchangedFilesKeepTheContext() {
    advance(Duration.ofSeconds(10));

    assertThat(reloading.current()).isSameAs(first);
  }

  @Test
  void aBrokenRewriteKeepsThePreviousContextUntilItIsRepaired() throws Exception {
    TestPki.Leaf renewed = PKI.issueServer("localhost", "127.0.0.1");
    write(
        renewed.chainPem(), "-----BEGIN PRIVATE KEY-----\nbroken\n-----END PRIVATE KEY-----\n", 1);

    advance(Duration.ofSeconds(1));
    assertThat(reloading.current()).isSameAs(first);

    write(renewed, 2);
    advance(Duration.ofSeconds(1));
    assertThat(reloading.current()).isNotSameAs(first);
  }
}
