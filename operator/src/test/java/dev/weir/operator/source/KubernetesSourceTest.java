package dev.weir.operator.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.operator.certmanager.model.Certificate;
import dev.weir.operator.certmanager.model.CertificateSpec;
import dev.weir.operator.certmanager.model.CertificateStatus;
import dev.weir.operator.certmanager.model.certificatestatus.Conditions;
import dev.weir.operator.state.ResourceKind;
import dev.weir.operator.testing.MockApiServer;
import dev.weir.operator.translate.Diagnostic;
import dev.weir.operator.translate.IngressTranslator;
import dev.weir.operator.translate.LastGoodCertificates;
import dev.weir.operator.translate.Reason;
import dev.weir.operator.translate.TranslateOptions;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** KubernetesSource against fabric8's mock API server in CRUD mode (a real HTTP server). */
class KubernetesSourceTest {
  static final String CERTIFICATE_CRD = "src/main/crds/cert-manager.io_certificates.yaml";
  static final String CRD_NAME = KubernetesSource.CERTIFICATE_CRD;
  private MockApiServer server;
  private KubernetesClient client;

  @BeforeEach
  void startServer() {
    server = new MockApiServer();
    client = server.client();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void seesObjectsCreatedThroughTheApiAndTheirChanges() {
    client
        .network()
        .v1()
        .ingressClasses()
        .resource(
            new IngressClassBuilder()
                .withNewMetadata()
                .withName("weir")
                .endMetadata()
                .withNewSpec()
                .withController("weir.dev/ingress-controller")
                .endSpec()
                .build())
        .create();
    client
        .services()
        .inNamespace("shop")
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("web")
                .withNamespace("shop")
                .endMetadata()
                .withNewSpec()
                .addNewPort()
                .withName("http")
                .withPort(80)
                .endPort()
                .endSpec()
                .build())
        .create();

    try (KubernetesSource source = new KubernetesSource(client, Set.of())) {
      AtomicInteger changes = new AtomicInteger();
      source.addListener(changes::incrementAndGet);
      source.start();
      await(source::hasSynced);
      assertThat(source.state().ingressClass("weir")).isPresent();
      assertThat(source.state().service("shop", "web")).isPresent();

      client
          .discovery()
          .v1()
          .endpointSlices()
          .inNamespace("shop")
          .resource(
              new EndpointSliceBuilder()
                  .withNewMetadata()
                  .withName("web-abc")
                  .withNamespace("shop")
                  .withLabels(Map.of("kubernetes.io/service-name", "web"))
                  .endMetadata()
                  .withAddressType("IPv4")
                  .addNewEndpoint()
                  .withAddresses("10.0.0.1")
                  .endEndpoint()
                  .addNewPort()
                  .withName("http")
                  .withPort(8080)
                  .endPort()
                  .build())
          .create();
      client
          .network()
          .v1()
          .ingresses()
          .inNamespace("shop")
          .resource(
              new IngressBuilder()
                  .withNewMetadata()
                  .withName("web")
                  .withNamespace("shop")
                  .endMetadata()
                  .withNewSpec()
                  .withIngressClassName("weir")
                  .addNewTl()
                  .withSecretName("web-tls")
                  .withHosts("shop.example.com")
                  .endTl()
                  .endSpec()
                  .build())
          .create();
      client
          .secrets()
          .inNamespace("shop")
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("web-tls")
                  .withNamespace("shop")
                  .endMetadata()
                  .withType("kubernetes.io/tls")
                  .withData(Map.of("tls.crt", "", "tls.key", ""))
                  .build())
          .create();

      await(
          () ->
              source.state().endpointSlices("shop", "web").size() == 1
                  && source.state().ingresses().size() == 1
                  && source.state().tlsSecret("shop", "web-tls").isPresent());
      assertThat(source.state().ingressesReferencingSecret("shop", "web-tls"))
          .extracting(i -> i.getMetadata().getName())
          .containsExactly("web");
      // Two initial adds, the slice, the Ingress. The Secret's add may come before the Ingress is
      // indexed and then rightly counts for nothing: the Ingress's own add follows it.
      assertThat(changes.get()).isGreaterThanOrEqualTo(4);

      int beforeUpdate = changes.get();
      client
          .secrets()
          .inNamespace("shop")
          .withName("web-tls")
          .edit(s -> new SecretBuilder(s).addToData("tls.crt", "Cg==").build());
      await(() -> changes.get() > beforeUpdate);

      client.services().inNamespace("shop").withName("web").delete();
      await(() -> source.state().service("shop", "web").isEmpty());
    }
  }

  @Test
  void ignoresSecretsThatAreNotTls() {
    client
        .secrets()
        .inNamespace("shop")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("password")
                .withNamespace("shop")
                .endMetadata()
                .withType("Opaque")
                .withStringData(Map.of("password", "hunter2"))
                .build())
        .create();
    client
        .secrets()
        .inNamespace("shop")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("cert")
                .withNamespace("shop")
                .endMetadata()
                .withType("kubernetes.io/tls")
                .withData(Map.of("tls.crt", "", "tls.key", ""))
                .build())
        .create();

    try (KubernetesSource source = new KubernetesSource(client, Set.of())) {
      source.start();
      await(source::hasSynced);
      assertThat(source.state().tlsSecret("shop", "cert")).isPresent();
      assertThat(source.state().tlsSecret("shop", "password")).isEmpty();
    }
  }

  @Test
  void watchesTheSecretsAnnotationsNameWhateverTheirTypeAndOnlyThose() {
    for (String name : new String[] {"client-ca", "unnamed"}) {
      client
          .secrets()
          .inNamespace("shop")
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .withNamespace("shop")
                  .endMetadata()
                  .withType("Opaque")
                  .withStringData(Map.of("ca.crt", "v1"))
                  .build())
          .create();
    }
    client
        .network()
        .v1()
        .ingresses()
        .inNamespace("shop")
        .resource(
            new IngressBuilder()
                .withNewMetadata()
                .withName("web")
                .withNamespace("shop")
                .withAnnotations(
                    Map.of("nginx.ingress.kubernetes.io/auth-tls-secret", "shop/client-ca"))
                .endMetadata()
                .withNewSpec()
                .withIngressClassName("weir")
                .endSpec()
                .build())
        .create();

    try (KubernetesSource source = new KubernetesSource(client, Set.of())) {
      source.start();
      source.synced().toCompletableFuture().join();
      // Synced means the named Secrets are listed too: a first snapshot has them.
      assertThat(source.state().referencedSecret("shop", "client-ca")).isPresent();
      assertThat(source.state().referencedSecret("shop", "unnamed")).isEmpty();
      assertThat(source.state().tlsSecret("shop", "client-ca")).isEmpty();

      Object before = source.state().version(ResourceKind.SECRET);
      client
          .secrets()
          .inNamespace("shop")
          .withName("client-ca")
          .edit(s -> new SecretBuilder(s).withStringData(Map.of("ca.crt", "v2")).build());
      await(() -> source.state().version(ResourceKind.SECRET) != before);

      client
          .network()
          .v1()
          .ingresses()
          .inNamespace("shop")
          .withName("web")
          .edit(
              i -> {
                i.getMetadata().setAnnotations(Map.of());
                return i;
              });
      await(() -> source.state().referencedSecret("shop", "client-ca").isEmpty());
    }
  }

  @Test
  void watchesOnlyTheNamespacesItIsGiven() {
    for (String ns : new String[] {"shop", "blog"}) {
      createWebService(ns);
    }
    try (KubernetesSource source = new KubernetesSource(client, Set.of("shop"))) {
      source.start();
      await(source::hasSynced);
      assertThat(source.state().service("shop", "web")).isPresent();
      assertThat(source.state().service("blog", "web")).isEmpty();
    }
  }

  @Test
  void aChangeGivesANewVersionToItsKindOnly() throws Exception {
    try (KubernetesSource source = new KubernetesSource(client, Set.of())) {
      Semaphore heard = new Semaphore(0);
      source.addListener(heard::release);
      source.start();
      source.synced().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(source.hasSynced()).isTrue();
      Map<ResourceKind, Object> before = versions(source);
      assertThat(versions(source)).as("nothing changed").isEqualTo(before);

      createWebService("shop");
      assertThat(heard.tryAcquire(10, TimeUnit.SECONDS)).as("the Service is heard of").isTrue();
      Map<ResourceKind, Object> afterService = versions(source);
      for (ResourceKind kind : ResourceKind.values()) {
        if (kind == ResourceKind.SERVICE) {
          assertThat(afterService.get(kind)).as(kind.kindName()).isNotSameAs(before.get(kind));
        } else {
          assertThat(afterService.get(kind)).as(kind.kindName()).isSameAs(before.get(kind));
        }
      }

      client
          .network()
          .v1()
          .ingresses()
          .inNamespace("shop")
          .resource(new IngressBuilder().withNewMetadata().withName("blog").endMetadata().build())
          .create();
      assertThat(heard.tryAcquire(10, TimeUnit.SECONDS)).as("the Ingress is heard of").isTrue();
      Map<ResourceKind, Object> afterIngress = versions(source);
      for (ResourceKind kind : ResourceKind.values()) {
        if (kind == ResourceKind.INGRESS) {
          assertThat(afterIngress.get(kind))
              .as(kind.kindName())
              .isNotSameAs(afterService.get(kind));
        } else {
          assertThat(afterIngress.get(kind)).as(kind.kindName()).isSameAs(afterService.get(kind));
        }
      }
    }
  }

  @Test
  void withoutCertManagersCrdNoCertificateIsWatchedAndNothingFails() throws Exception {
    try (KubernetesSource source = new KubernetesSource(client, Set.of())) {
      source.start();
      source.synced().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(source.hasSynced()).isTrue();
      assertThat(source.state().certificateForSecret("shop", "shop-tls")).isEmpty();
      assertThat(source.state().counts()).containsEntry(ResourceKind.CERTIFICATE, 0);
      assertThat(server.requestedPaths()).noneMatch(p -> p.contains("/apis/cert-manager.io/"));
    }
  }

  @Test
  void withCertManagersCrdCertificatesAreWatchedAndTheirChangesHeard() throws Exception {
    installCertificateCrd();
    createTlsIngress();
    createCertificate("False");
    try (KubernetesSource source = new KubernetesSource(client, Set.of())) {
      Semaphore heard = new Semaphore(0);
      source.addListener(heard::release);
      source.start();
      // The first snapshot waits for Certificates when their CRD is there at start.
      source.synced().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(source.state().certificateForSecret("shop", "shop-tls"))
          .hasValueSatisfying(c -> assertThat(c.getMetadata().getName()).isEqualTo("shop-cert"));
      Object before = source.state().version(ResourceKind.CERTIFICATE);
      heard.drainPermits();

      createCertificate("True");
      assertThat(heard.tryAcquire(10, TimeUnit.SECONDS)).as("the update is heard of").isTrue();
      assertThat(source.state().version(ResourceKind.CERTIFICATE)).isNotSameAs(before);
      await(
          () ->
              source
                  .state()
                  .certificateForSecret("shop", "shop-tls")
                  .map(c -> c.getStatus().getConditions().get(0).getStatus().getValue())
                  .orElse("")
                  .equals("True"));
    }
  }

  @Test
  void certManagersCrdInstalledLaterIsNoticed() throws Exception {
    createTlsIngress();
    try (KubernetesSource source = new KubernetesSource(client, Set.of(), Duration.ofMillis(100))) {
      Semaphore heard = new Semaphore(0);
      source.addListener(heard::release);
      source.start();
      source.synced().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(source.state().certificateForSecret("shop", "shop-tls")).isEmpty();
      heard.drainPermits();

      installCertificateCrd();
      createCertificate("False");
      await(() -> source.state().certificateForSecret("shop", "shop-tls").isPresent());
      assertThat(heard.tryAcquire(10, TimeUnit.SECONDS)).as("listeners hear of it").isTrue();
      assertThat(source.state().counts()).containsEntry(ResourceKind.CERTIFICATE, 1);
    }
  }

  @Test
  void certManagersCrdRemovedStopsTheWatchAndItsDiagnosticsGo() throws Exception {
    installCertificateCrd();
    createTlsIngress();
    createCertificate("False");
    try (KubernetesSource source = new KubernetesSource(client, Set.of(), Duration.ofMillis(100))) {
      Semaphore heard = new Semaphore(0);
      source.addListener(heard::release);
      source.start();
      source.synced().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(source.state().certificateForSecret("shop", "shop-tls")).isPresent();
      assertThat(notReady(source)).as("before the CRD goes").isNotEmpty();
      Object before = source.state().version(ResourceKind.CERTIFICATE);
      heard.drainPermits();

      // The mock API server keeps the Certificates: only the watch stopping can hide them.
      client.apiextensions().v1().customResourceDefinitions().withName(CRD_NAME).delete();
      await(() -> source.state().certificateForSecret("shop", "shop-tls").isEmpty());
      assertThat(heard.tryAcquire(10, TimeUnit.SECONDS)).as("listeners hear of it").isTrue();
      assertThat(source.state().version(ResourceKind.CERTIFICATE)).isNotSameAs(before);
      assertThat(source.state().counts()).containsEntry(ResourceKind.CERTIFICATE, 0);
      assertThat(notReady(source)).as("after the CRD is gone").isEmpty();

      installCertificateCrd();
      await(() -> source.state().certificateForSecret("shop", "shop-tls").isPresent());
      assertThat(notReady(source)).as("once the CRD is back").isNotEmpty();
    }
  }

  /** The CertificateNotReady diagnostics a translation of the source's state gives. */
  private static List<Diagnostic> notReady(KubernetesSource source) {
    return new IngressTranslator()
            .translate(
                source.state(),
                TranslateOptions.defaults().withWatchIngressWithoutClass(true),
                LastGoodCertificates.empty(),
                Instant.now())
            .diagnostics()
            .stream()
            .filter(d -> d.reason() == Reason.CERTIFICATE_NOT_READY)
            .toList();
  }

  /** cert-manager's Certificate CRD, as Weir's model is generated from it. */
  private void installCertificateCrd() throws Exception {
    try (InputStream crd = Files.newInputStream(Path.of(CERTIFICATE_CRD))) {
      client.apiextensions().v1().customResourceDefinitions().load(crd).create();
    }
  }

  /** Ingress shop/web with a TLS entry for Secret shop-tls. */
  private void createTlsIngress() {
    client
        .network()
        .v1()
        .ingresses()
        .inNamespace("shop")
        .resource(
            new IngressBuilder()
                .withNewMetadata()
                .withName("web")
                .withNamespace("shop")
                .endMetadata()
                .withNewSpec()
                .addNewTl()
                .withHosts("shop.example.com")
                .withSecretName("shop-tls")
                .endTl()
                .endSpec()
                .build())
        .create();
  }

  /**
   * Creates Certificate shop/shop-cert writing Secret shop-tls, or updates it: its Ready condition
   * becomes {@code ready}.
   */
  private void createCertificate(String ready) {
    Certificate certificate = new Certificate();
    certificate.setMetadata(
        new ObjectMetaBuilder().withName("shop-cert").withNamespace("shop").build());
    CertificateSpec spec = new CertificateSpec();
    spec.setSecretName("shop-tls");
    spec.setDnsNames(List.of("shop.example.com"));
    certificate.setSpec(spec);
    Conditions condition = new Conditions();
    condition.setType("Ready");
    condition.setStatus(Conditions.Status.valueOf(ready.toUpperCase(Locale.ROOT)));
    condition.setReason(ready.equals("True") ? "Ready" : "Issuing");
    CertificateStatus status = new CertificateStatus();
    status.setConditions(List.of(condition));
    certificate.setStatus(status);
    // Status is a subresource: written as cert-manager writes it, after the object exists.
    if (client.resources(Certificate.class).inNamespace("shop").withName("shop-cert").get()
        == null) {
      client.resources(Certificate.class).inNamespace("shop").resource(certificate).create();
    }
    client.resources(Certificate.class).inNamespace("shop").resource(certificate).updateStatus();
  }

  /** Creates Service {@code namespace/web} with port 80 through the API. */
  private void createWebService(String namespace) {
    client
        .services()
        .inNamespace(namespace)
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("web")
                .withNamespace(namespace)
                .endMetadata()
                .withNewSpec()
                .addNewPort()
                .withPort(80)
                .endPort()
                .endSpec()
                .build())
        .create();
  }

  /** The version of every kind, by identity (what a translator compares). */
  private static Map<ResourceKind, Object> versions(KubernetesSource source) {
    Map<ResourceKind, Object> versions = new EnumMap<>(ResourceKind.class);
    for (ResourceKind kind : ResourceKind.values()) {
      versions.put(kind, source.state().version(kind));
    }
    return versions;
  }

  private static void await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
