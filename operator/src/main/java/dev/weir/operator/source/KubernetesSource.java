package dev.weir.operator.source;

import dev.weir.operator.certmanager.model.Certificate;
import dev.weir.operator.state.ClusterChangeListener;
import dev.weir.operator.state.ClusterIndexes;
import dev.weir.operator.state.ClusterState;
import dev.weir.operator.state.ResourceKind;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster state from the API server through fabric8 SharedInformers: Ingresses, IngressClasses,
 * Services, EndpointSlices and Secrets of type {@code kubernetes.io/tls} (selected by the API
 * server, so other Secrets never reach this process), either cluster-wide or for a list of
 * namespaces (one informer per namespace and kind; IngressClasses are cluster-scoped). Secrets of
 * other types are watched one by one while an Ingress annotation names them ({@link
 * ReferencedSecretWatches}). Lookups go through informer indexers: EndpointSlices by {@code
 * kubernetes.io/service-name}, Ingresses by referenced Secret.
 *
 * <p>cert-manager Certificates are watched only while their CRD ({@value #CERTIFICATE_CRD}, version
 * v1) is installed: looked up by name at start and again every {@code crdRecheck}, so installing
 * cert-manager after Weir, or removing it, is noticed without a restart. Without it the Certificate
 * kind is simply empty.
 *
 * <p>Every informer event of a kind gives that kind a new {@link ClusterState#version}, before
 * listeners hear of it, so a translator rescans only the kinds that changed.
 */
public final class KubernetesSource implements ClusterSource {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesSource.class);

  /** The CRD whose presence turns on watching cert-manager Certificates. */
  public static final String CERTIFICATE_CRD = "certificates.cert-manager.io";

  public static final Duration DEFAULT_CRD_RECHECK = Duration.ofMinutes(1);

  private final KubernetesClient client;
  private final Set<String> namespaces;
  private final Duration crdRecheck;
  private ScheduledExecutorService crdChecks;
  private boolean crdUnreadableLogged;
  private final List<ClusterChangeListener> listeners = new CopyOnWriteArrayList<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final View view = new View();
  private final CompletableFuture<Void> synced = new CompletableFuture<>();

  private volatile Informers<Ingress> ingresses;
  private volatile Informers<IngressClass> ingressClasses;
  private volatile Informers<Service> services;
  private volatile Informers<EndpointSlice> endpointSlices;
  private volatile Informers<Secret> secrets;
  private volatile Informers<Certificate> certificates;
  // The Certificate kind's version while none are watched: new when their CRD goes away.
  private volatile Object unwatchedCertificates = new Object();
  private final ReferencedWatches<Secret> referencedSecrets;
  private final ReferencedWatches<ConfigMap> referencedConfigMaps;
  // The ConfigMap kind's version: a new object at every event of a watched ConfigMap.
  private volatile Object configMapsVersion = new Object();

  /**
   * @param namespaces the namespaces to watch; empty for every namespace
   */
  public KubernetesSource(KubernetesClient client, Set<String> namespaces) {
    this(client, namespaces, DEFAULT_CRD_RECHECK);
  }

  /**
   * @param crdRecheck how often to look whether cert-manager's Certificate CRD has come or gone
   */
  public KubernetesSource(KubernetesClient client, Set<String> namespaces, Duration crdRecheck) {
    this.client = Objects.requireNonNull(client, "client");
    this.crdRecheck = Objects.requireNonNull(crdRecheck, "crdRecheck");
    this.namespaces = Set.copyOf(new TreeSet<>(namespaces));
    this.referencedSecrets = ReferencedWatches.secrets(client, this::referencedSecretChanged);
    this.referencedConfigMaps =
        ReferencedWatches.configMaps(client, this::referencedConfigMapChanged);
  }

  @Override
  public void start() {
    if (!started.compareAndSet(false, true)) {
      return;
    }
    ingresses =
        namespaced(
            ResourceKind.INGRESS,
            ns ->
                ns == null
                    ? client.network().v1().ingresses().inAnyNamespace().runnableInformer(0)
                    : client.network().v1().ingresses().inNamespace(ns).runnableInformer(0),
            Map.of(ClusterIndexes.BY_SECRET, ClusterIndexes::ingressSecrets));
    Map<String, SharedIndexInformer<IngressClass>> clusterScoped = new HashMap<>();
    clusterScoped.put(null, client.network().v1().ingressClasses().runnableInformer(0));
    ingressClasses = new Informers<>(ResourceKind.INGRESS_CLASS, null, clusterScoped, Map.of());
    services =
        namespaced(
            ResourceKind.SERVICE,
            ns ->
                ns == null
                    ? client.services().inAnyNamespace().runnableInformer(0)
                    : client.services().inNamespace(ns).runnableInformer(0),
            Map.of());
    endpointSlices =
        namespaced(
            ResourceKind.ENDPOINT_SLICE,
            ns ->
                ns == null
                    ? client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0)
                    : client.discovery().v1().endpointSlices().inNamespace(ns).runnableInformer(0),
            Map.of(ClusterIndexes.BY_SERVICE, ClusterIndexes::endpointSliceService));
    secrets =
        namespaced(
            ResourceKind.SECRET,
            ns ->
                ns == null
                    ? client
                        .secrets()
                        .inAnyNamespace()
                        .withField("type", ClusterIndexes.TLS_SECRET_TYPE)
                        .runnableInformer(0)
                    : client
                        .secrets()
                        .inNamespace(ns)
                        .withField("type", ClusterIndexes.TLS_SECRET_TYPE)
                        .runnableInformer(0),
            Map.of());

    ingresses.addHandler(new Changes<>(ingresses, o -> true));
    ingresses.addHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Ingress ingress) {
            referencedSecrets.ingressChanged(ReferencedWatches.key(ingress), ingress);
            referencedConfigMaps.ingressChanged(ReferencedWatches.key(ingress), ingress);
          }

          @Override
          public void onUpdate(Ingress before, Ingress after) {
            referencedSecrets.ingressChanged(ReferencedWatches.key(after), after);
            referencedConfigMaps.ingressChanged(ReferencedWatches.key(after), after);
          }

          @Override
          public void onDelete(Ingress ingress, boolean finalStateUnknown) {
            referencedSecrets.ingressChanged(ReferencedWatches.key(ingress), null);
            referencedConfigMaps.ingressChanged(ReferencedWatches.key(ingress), null);
          }
        });
    ingressClasses.addHandler(new Changes<>(ingressClasses, o -> true));
    services.addHandler(new Changes<>(services, o -> true));
    endpointSlices.addHandler(new Changes<>(endpointSlices, o -> true));
    // A Secret no Ingress names cannot change a snapshot; cert-manager churns many of them.
    secrets.addHandler(
        new Changes<>(
            secrets,
            s ->
                !view.ingressesReferencingSecret(
                        s.getMetadata().getNamespace(), s.getMetadata().getName())
                    .isEmpty()));

    List<Informers<?>> all =
        new ArrayList<>(List.of(ingresses, ingressClasses, services, endpointSlices, secrets));
    // Certificates only add diagnostics, so a first snapshot waits for them only when the CRD is
    // there already; one installed later is watched from when it is found.
    if (certificateCrd() == CrdState.SERVED) {
      LOG.info("event=crd_found crd={} action=watch_certificates", CERTIFICATE_CRD);
      all.add(watchCertificates());
    }
    crdChecks =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "weir-crd-check");
              t.setDaemon(true);
              return t;
            });
    crdChecks.scheduleWithFixedDelay(
        this::recheckCertificateCrd,
        crdRecheck.toMillis(),
        crdRecheck.toMillis(),
        TimeUnit.MILLISECONDS);
    AtomicInteger unsynced =
        new AtomicInteger(all.stream().mapToInt(i -> i.byNamespace.size()).sum());
    for (Informers<?> informers : all) {
      informers.start(
          () -> {
            if (unsynced.decrementAndGet() == 0) {
              // The Secrets the listed Ingresses name, listed too: a first snapshot without them
              // would fail their hosts closed for a moment.
              CompletableFuture.allOf(
                      referencedSecrets.listedFor(ingresses.list()),
                      referencedConfigMaps.listedFor(ingresses.list()))
                  .whenComplete((ok, error) -> synced.complete(null));
            }
          });
    }
    LOG.info(
        "event=source_started source=kubernetes namespaces={}",
        namespaces.isEmpty() ? "*" : String.join(",", namespaces));
  }

  /**
   * Starts watching Certificates when their CRD has appeared, and stops when it is gone: its
   * informers would otherwise retry a resource that no longer exists and keep serving the last
   * Certificates they listed, and with them CertificateNotReady diagnostics nobody can clear. An
   * unreadable CRD changes nothing: a passing API error must not drop what is watched.
   */
  private synchronized void recheckCertificateCrd() {
    if (closed.get()) {
      return;
    }
    CrdState crd = certificateCrd();
    if (certificates == null && crd == CrdState.SERVED) {
      LOG.info("event=crd_found crd={} action=watch_certificates", CERTIFICATE_CRD);
      watchCertificates().start(() -> {});
    } else if (certificates != null && crd == CrdState.ABSENT) {
      LOG.info("event=crd_removed crd={} action=certificates_not_watched", CERTIFICATE_CRD);
      Informers<Certificate> watched = certificates;
      certificates = null;
      unwatchedCertificates = new Object();
      watched.stop();
      notifyListeners();
    }
  }

  private enum CrdState {
    /** Installed, serving v1. */
    SERVED,
    /** Not installed, or not serving v1. */
    ABSENT,
    /** The API server did not say. */
    UNKNOWN
  }

  /** Whether cert-manager's Certificate CRD serves v1; UNKNOWN (logged once) when unreadable. */
  private CrdState certificateCrd() {
    try {
      CustomResourceDefinition crd =
          client.apiextensions().v1().customResourceDefinitions().withName(CERTIFICATE_CRD).get();
      boolean served =
          crd != null
              && crd.getSpec() != null
              && crd.getSpec().getVersions() != null
              && crd.getSpec().getVersions().stream()
                  .anyMatch(v -> "v1".equals(v.getName()) && Boolean.TRUE.equals(v.getServed()));
      return served ? CrdState.SERVED : CrdState.ABSENT;
    } catch (KubernetesClientException e) {
      if (!crdUnreadableLogged) {
        crdUnreadableLogged = true;
        LOG.warn(
            "event=crd_unreadable crd={} code={} action=certificates_not_watched error=\"{}\"",
            CERTIFICATE_CRD,
            e.getCode(),
            e.getMessage());
      }
      return CrdState.UNKNOWN;
    }
  }

  private Informers<Certificate> watchCertificates() {
    Informers<Certificate> informers =
        namespaced(
            ResourceKind.CERTIFICATE,
            ns ->
                ns == null
                    ? client.resources(Certificate.class).inAnyNamespace().runnableInformer(0)
                    : client.resources(Certificate.class).inNamespace(ns).runnableInformer(0),
            Map.of(ClusterIndexes.BY_SECRET_NAME, ClusterIndexes::certificateSecret));
    // Only a Certificate writing a Secret some Ingress names can change a translation.
    informers.addHandler(new Changes<>(informers, this::writesReferencedSecret));
    certificates = informers;
    return informers;
  }

  private boolean writesReferencedSecret(Certificate certificate) {
    return certificate.getSpec() != null
        && certificate.getSpec().getSecretName() != null
        && !view.ingressesReferencingSecret(
                certificate.getMetadata().getNamespace(), certificate.getSpec().getSecretName())
            .isEmpty();
  }

  @Override
  public boolean hasSynced() {
    if (!started.get() || closed.get()) {
      return false;
    }
    return synced.isDone()
        && ingresses.hasSynced()
        && ingressClasses.hasSynced()
        && services.hasSynced()
        && endpointSlices.hasSynced()
        && secrets.hasSynced();
  }

  /** Completes once every informer has listed its kind; never if one fails to start. */
  @Override
  public CompletionStage<Void> synced() {
    return synced.copy();
  }

  @Override
  public ClusterState state() {
    return view;
  }

  @Override
  public void addListener(ClusterChangeListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public void close() {
    if (!started.get() || !closed.compareAndSet(false, true)) {
      return;
    }
    synchronized (this) {
      if (crdChecks != null) {
        crdChecks.shutdownNow();
      }
    }
    for (Informers<?> informers :
        List.of(ingresses, ingressClasses, services, endpointSlices, secrets)) {
      informers.stop();
    }
    Informers<Certificate> watched = certificates;
    if (watched != null) {
      watched.stop();
    }
    referencedSecrets.close();
    referencedConfigMaps.close();
    LOG.info("event=source_stopped source=kubernetes");
  }

  private <T extends HasMetadata> Informers<T> namespaced(
      ResourceKind kind,
      Function<String, SharedIndexInformer<T>> factory,
      Map<String, Function<T, List<String>>> indexers) {
    Map<String, SharedIndexInformer<T>> byNamespace = new HashMap<>();
    if (namespaces.isEmpty()) {
      byNamespace.put(null, factory.apply(null));
    } else {
      for (String ns : namespaces) {
        byNamespace.put(ns, factory.apply(ns));
      }
    }
    return new Informers<>(kind, namespaces.isEmpty() ? null : namespaces, byNamespace, indexers);
  }

  private void fire(ResourceKind kind, String action, HasMetadata object) {
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "event=object_{} kind={} namespace={} name={}",
          action,
          kind,
          object.getMetadata().getNamespace(),
          object.getMetadata().getName());
    }
    notifyListeners();
  }

  /** A Secret an annotation names changed: Secrets get a new version, and listeners hear of it. */
  private void referencedSecretChanged() {
    Informers<Secret> tls = secrets;
    if (tls != null) {
      tls.changed();
    }
    notifyListeners();
  }

  /** A ConfigMap an annotation names changed: ConfigMaps get a new version. */
  private void referencedConfigMapChanged() {
    configMapsVersion = new Object();
    notifyListeners();
  }

  private void notifyListeners() {
    for (ClusterChangeListener listener : listeners) {
      try {
        listener.clusterChanged();
      } catch (RuntimeException e) {
        LOG.warn("event=listener_failed source=kubernetes error={}", e.toString());
      }
    }
  }

  /**
   * Gives the kind a new version on every event (its store may hold a new instance even when the
   * resource version is the same), then tells listeners about adds, real updates (not resyncs) and
   * deletes that pass {@code relevant}.
   */
  private final class Changes<T extends HasMetadata> implements ResourceEventHandler<T> {
    private final Informers<T> informers;
    private final Predicate<T> relevant;

    Changes(Informers<T> informers, Predicate<T> relevant) {
      this.informers = informers;
      this.relevant = relevant;
    }

    @Override
    public void onAdd(T object) {
      informers.changed();
      if (relevant.test(object)) {
        fire(informers.kind, "added", object);
      }
    }

    @Override
    public void onUpdate(T oldObject, T newObject) {
      informers.changed();
      if (Objects.equals(
          oldObject.getMetadata().getResourceVersion(),
          newObject.getMetadata().getResourceVersion())) {
        return;
      }
      if (relevant.test(newObject)) {
        fire(informers.kind, "updated", newObject);
      }
    }

    @Override
    public void onDelete(T object, boolean deletedFinalStateUnknown) {
      informers.changed();
      if (relevant.test(object)) {
        fire(informers.kind, "deleted", object);
      }
    }
  }

  /**
   * The informers of one kind: one per watched namespace, or a single one (key null) for all
   * namespaces or a cluster-scoped kind.
   */
  private final class Informers<T extends HasMetadata> {
    private final ResourceKind kind;
    private final Set<String> namespaces;
    private final Map<String, SharedIndexInformer<T>> byNamespace;
    // A new instance per event: see ClusterState#version.
    private volatile Object version = new Object();

    Informers(
        ResourceKind kind,
        Set<String> namespaces,
        Map<String, SharedIndexInformer<T>> byNamespace,
        Map<String, Function<T, List<String>>> indexers) {
      this.kind = kind;
      this.namespaces = namespaces;
      this.byNamespace = new HashMap<>(byNamespace);
      if (!indexers.isEmpty()) {
        for (SharedIndexInformer<T> informer : this.byNamespace.values()) {
          informer.addIndexers(indexers);
        }
      }
    }

    void addHandler(ResourceEventHandler<T> handler) {
      byNamespace.values().forEach(i -> i.addEventHandler(handler));
    }

    void changed() {
      version = new Object();
    }

    /**
     * @param synced run once per informer that has listed its objects
     */
    void start(Runnable synced) {
      byNamespace.forEach(
          (ns, informer) ->
              informer
                  .start()
                  .whenComplete(
                      (ok, error) -> {
                        if (error != null && closed.get()) {
                          LOG.debug("event=informer_start_abandoned kind={} reason=closed", kind);
                        } else if (error != null) {
                          LOG.warn(
                              "event=informer_start_failed kind={} namespace={} error={}",
                              kind,
                              ns == null ? "*" : ns,
                              error.toString());
                        } else {
                          LOG.info(
                              "event=informer_synced kind={} namespace={} objects={}",
                              kind,
                              ns == null ? "*" : ns,
                              informer.getStore().list().size());
                          synced.run();
                        }
                      }));
    }

    void stop() {
      byNamespace.values().forEach(SharedIndexInformer::stop);
    }

    boolean hasSynced() {
      return byNamespace.values().stream().allMatch(SharedIndexInformer::hasSynced);
    }

    private SharedIndexInformer<T> informerFor(String namespace) {
      if (namespaces == null) {
        return byNamespace.get(null);
      }
      return byNamespace.get(namespace);
    }

    List<T> list() {
      List<T> all = new ArrayList<>();
      byNamespace.values().forEach(i -> all.addAll(i.getStore().list()));
      return all;
    }

    Optional<T> get(String namespace, String name) {
      SharedIndexInformer<T> informer = informerFor(namespace);
      if (informer == null) {
        return Optional.empty();
      }
      String key = namespace == null ? name : ClusterIndexes.key(namespace, name);
      return Optional.ofNullable(informer.getStore().getByKey(key));
    }

    List<T> byIndex(String index, String namespace, String key) {
      SharedIndexInformer<T> informer = informerFor(namespace);
      return informer == null ? List.of() : List.copyOf(informer.getIndexer().byIndex(index, key));
    }
  }

  /** The informer caches as a {@link ClusterState}; empty until {@link #start()}. */
  private final class View implements ClusterState {
    // The version of every kind before start: nothing to read, nothing that changes.
    private final Object notStarted = new Object();

    @Override
    public Object version(ResourceKind kind) {
      if (kind == ResourceKind.CONFIG_MAP) {
        return configMapsVersion;
      }
      Informers<?> informers =
          switch (kind) {
            case INGRESS -> ingresses;
            case INGRESS_CLASS -> ingressClasses;
            case SERVICE -> services;
            case ENDPOINT_SLICE -> endpointSlices;
            case SECRET -> secrets;
            case CERTIFICATE -> certificates;
            case CONFIG_MAP -> throw new AssertionError(kind);
          };
      if (kind == ResourceKind.CERTIFICATE && informers == null) {
        return unwatchedCertificates;
      }
      return informers == null ? notStarted : informers.version;
    }

    @Override
    public List<Ingress> ingresses() {
      return ingresses == null ? List.of() : ingresses.list();
    }

    @Override
    public List<IngressClass> ingressClasses() {
      return ingressClasses == null ? List.of() : ingressClasses.list();
    }

    @Override
    public Optional<IngressClass> ingressClass(String name) {
      return ingressClasses == null ? Optional.empty() : ingressClasses.get(null, name);
    }

    @Override
    public Optional<Service> service(String namespace, String name) {
      return services == null ? Optional.empty() : services.get(namespace, name);
    }

    @Override
    public List<EndpointSlice> endpointSlices(String namespace, String service) {
      return endpointSlices == null
          ? List.of()
          : endpointSlices.byIndex(
              ClusterIndexes.BY_SERVICE, namespace, ClusterIndexes.key(namespace, service));
    }

    @Override
    public Optional<Secret> tlsSecret(String namespace, String name) {
      // The field selector already limits the informers to TLS Secrets; checking again costs
      // nothing and keeps the contract if a server ignores the selector.
      return secrets == null
          ? Optional.empty()
          : secrets.get(namespace, name).filter(ClusterIndexes::isTlsSecret);
    }

    @Override
    public Optional<Secret> referencedSecret(String namespace, String name) {
      Optional<Secret> tls = tlsSecret(namespace, name);
      return tls.isPresent() ? tls : referencedSecrets.get(namespace, name);
    }

    @Override
    public Optional<ConfigMap> referencedConfigMap(String namespace, String name) {
      return referencedConfigMaps.get(namespace, name);
    }

    @Override
    public Optional<Certificate> certificateForSecret(String namespace, String secretName) {
      Informers<Certificate> watched = certificates;
      return watched == null
          ? Optional.empty()
          : ClusterIndexes.issuing(
              watched.byIndex(
                  ClusterIndexes.BY_SECRET_NAME,
                  namespace,
                  ClusterIndexes.key(namespace, secretName)));
    }

    @Override
    public List<Ingress> ingressesReferencingSecret(String namespace, String name) {
      return ingresses == null
          ? List.of()
          : ingresses.byIndex(
              ClusterIndexes.BY_SECRET, namespace, ClusterIndexes.key(namespace, name));
    }

    @Override
    public Map<ResourceKind, Integer> counts() {
      Map<ResourceKind, Integer> counts = new EnumMap<>(ResourceKind.class);
      counts.put(ResourceKind.INGRESS, ingresses().size());
      counts.put(ResourceKind.INGRESS_CLASS, ingressClasses().size());
      counts.put(ResourceKind.SERVICE, services == null ? 0 : services.list().size());
      counts.put(
          ResourceKind.ENDPOINT_SLICE, endpointSlices == null ? 0 : endpointSlices.list().size());
      counts.put(
          ResourceKind.SECRET,
          (secrets == null ? 0 : secrets.list().size()) + referencedSecrets.size());
      Informers<Certificate> watched = certificates;
      counts.put(ResourceKind.CERTIFICATE, watched == null ? 0 : watched.list().size());
      counts.put(ResourceKind.CONFIG_MAP, referencedConfigMaps.size());
      return Collections.unmodifiableMap(counts);
    }
  }
}
