package dev.weir.dataplane.tls;

import static dev.weir.dataplane.tls.Snapshots.host;
import static dev.weir.dataplane.tls.Snapshots.tls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.contract.snapshot.Certificate;
import dev.weir.contract.snapshot.InvalidSnapshotException;
import dev.weir.contract.snapshot.SecretValue;
import dev.weir.contract.snapshot.VirtualHost;
import dev.weir.contract.testing.TestPki;
import io.netty.handler.ssl.SslContext;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code retainCertificate}: a host whose configured certificate cannot be published keeps the one
 * this data plane already serves it, across snapshots, until a snapshot names a certificate again.
 */
class CertificateRetentionTest {
  private static final TestPki pki = TestPki.create();
  private static final TestPki.Leaf shop = pki.issue("shop.example.com", "www.shop.example.com");
  private static final TestPki.Leaf renewed = pki.issue("shop.example.com");
  private static final TestPki.Leaf wild = pki.issue("*.wild.example.com");
  private static final TestPki.Leaf blog = pki.issue("blog.example.com");

  private final ServerTls tls = ServerTls.create();

  @AfterEach
  void closeTls() {
    tls.close();
  }

  private static VirtualHost retaining(String name) {
    return VirtualHost.retainingCertificate(name, null, null);
  }

  @Test
  void aRetainingHostKeepsTheContextThePreviousStoreServedItAcrossCompiles() throws Exception {
    SniCertificateStore named =
        tls.compile(
            tls(List.of(host("shop.example.com", "shop")), List.of(shop.toCertificate("shop"))));
    SslContext served = named.map("shop.example.com");
    assertThat(served).isNotSameAs(named.defaultContext());

    SniCertificateStore retained =
        tls.compile(tls(List.of(retaining("shop.example.com")), List.of()));
    SniCertificateStore retainedAgain =
        tls.compile(tls(List.of(retaining("shop.example.com")), List.of()));

    assertThat(retained.map("shop.example.com")).isSameAs(served);
    assertThat(retainedAgain.map("shop.example.com")).isSameAs(served);
    assertThat(tls.contextsBuilt()).as("kept, not rebuilt").isEqualTo(1);
  }

  @Test
  void aHostNeitherNamingNorRetainingACertificateGetsTheDefault() throws Exception {
    tls.compile(
        tls(List.of(host("shop.example.com", "shop")), List.of(shop.toCertificate("shop"))));

    SniCertificateStore store =
        tls.compile(tls(List.of(host("shop.example.com", null)), List.of()));

    assertThat(store.map("shop.example.com")).isSameAs(store.defaultContext());
  }

  @Test
  void aFreshDataPlaneServesARetainingHostTheDefault() throws Exception {
    SniCertificateStore store =
        tls.compile(
            tls(
                List.of(retaining("shop.example.com")),
                List.of(blog.toCertificate("blog")),
                null,
                "blog"));

    assertThat(store.map("shop.example.com")).isSameAs(store.defaultContext());
    assertThat(store.map("blog.example.com")).isSameAs(store.defaultContext());
  }

  @Test
  void aHostThatWasServedTheDefaultKeepsTheDefaultWhenRetaining() throws Exception {
    tls.compile(
        tls(
            List.of(host("shop.example.com", null), host("blog.example.com", "blog")),
            List.of(blog.toCertificate("blog"))));

    SniCertificateStore store =
        tls.compile(
            tls(
                List.of(retaining("shop.example.com"), host("blog.example.com", "blog")),
                List.of(blog.toCertificate("blog"))));

    assertThat(store.map("shop.example.com")).isSameAs(store.defaultContext());
  }

  @Test
  void theRetainedContextIsDroppedOnceASnapshotNamesACertificateAgain() throws Exception {
    SslContext old =
        tls.compile(
                tls(List.of(host("shop.example.com", "shop")), List.of(shop.toCertificate("shop"))))
            .map("shop.example.com");
    tls.compile(tls(List.of(retaining("shop.example.com")), List.of()));

    SniCertificateStore fixed =
        tls.compile(
            tls(
                List.of(host("shop.example.com", "renewed")),
                List.of(renewed.toCertificate("renewed"))));
    SslContext current = fixed.map("shop.example.com");
    assertThat(current).isNotSameAs(old).isNotSameAs(fixed.defaultContext());
    assertThat(fixed.map("www.shop.example.com"))
        .as("the old one's other name, by SAN")
        .isSameAs(fixed.defaultContext());

    // Retaining now keeps the renewed certificate, not the one retained before.
    SniCertificateStore brokenAgain =
        tls.compile(tls(List.of(retaining("shop.example.com")), List.of()));
    assertThat(brokenAgain.map("shop.example.com")).isSameAs(current);
    assertThat(tls.contextsBuilt()).isEqualTo(2);
    // The old context left the cache: naming it again builds it again.
    tls.compile(
        tls(List.of(host("shop.example.com", "shop")), List.of(shop.toCertificate("shop"))));
    assertThat(tls.contextsBuilt()).isEqualTo(3);
  }

  @Test
  void aRetainingWildcardHostKeepsItsCertificateForEveryNameItCovers() throws Exception {
    SslContext served =
        tls.compile(
                tls(
                    List.of(host("*.wild.example.com", "wild")),
                    List.of(wild.toCertificate("wild"))))
            .map("a.wild.example.com");

    SniCertificateStore store =
        tls.compile(tls(List.of(retaining("*.WILD.example.com")), List.of()));

    assertThat(store.map("a.wild.example.com")).isSameAs(served);
    assertThat(store.map("b.wild.example.com")).isSameAs(served);
    assertThat(store.map("a.b.wild.example.com")).isSameAs(store.defaultContext());
  }

  @Test
  void aRetainedCertificateStillCoversItsOtherNamesUnlessASnapshotCertificateDoes()
      throws Exception {
    SslContext served =
        tls.compile(
                tls(List.of(host("shop.example.com", "shop")), List.of(shop.toCertificate("shop"))))
            .map("www.shop.example.com");

    SniCertificateStore retained =
        tls.compile(tls(List.of(retaining("shop.example.com")), List.of()));
    assertThat(retained.map("www.shop.example.com")).isSameAs(served);

    TestPki.Leaf www = pki.issue("www.shop.example.com");
    SniCertificateStore shadowed =
        tls.compile(tls(List.of(retaining("shop.example.com")), List.of(www.toCertificate("www"))));
    assertThat(shadowed.map("shop.example.com")).isSameAs(served);
    assertThat(shadowed.map("www.shop.example.com"))
        .isNotSameAs(served)
        .isNotSameAs(shadowed.defaultContext());
  }

  @Test
  void aRefusedSnapshotDoesNotForgetWhatWasServed() throws Exception {
    SslContext served =
        tls.compile(
                tls(List.of(host("shop.example.com", "shop")), List.of(shop.toCertificate("shop"))))
            .map("shop.example.com");
    assertThatThrownBy(
            () ->
                tls.compile(
                    tls(
                        List.of(retaining("shop.example.com")),
                        List.of(
                            new Certificate(
                                "broken", blog.chainPem(), new SecretValue(shop.keyPem()))))))
        .isInstanceOf(InvalidSnapshotException.class);

    SniCertificateStore store = tls.compile(tls(List.of(retaining("shop.example.com")), List.of()));

    assertThat(store.map("shop.example.com")).isSameAs(served);
  }

  @Test
  void anIdReusedForOtherContentIsNotRetainedUnderItsOldContent() throws Exception {
    tls.compile(
        tls(List.of(host("shop.example.com", "same-id")), List.of(shop.toCertificate("same-id"))));

    SniCertificateStore store =
        tls.compile(
            tls(
                List.of(retaining("shop.example.com"), host("blog.example.com", "same-id")),
                List.of(blog.toCertificate("same-id"))));

    assertThat(store.map("shop.example.com")).isSameAs(store.defaultContext());
  }
}
