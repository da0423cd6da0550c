package dev.weir.operator.state;

import dev.weir.operator.certmanager.model.Certificate;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * An immutable {@link ClusterState} built from a collection of objects, indexed once. The manifest
 * source builds one per change and swaps it in whole, so a translation never sees half a reload;
 * tests build one from the objects of a case.
 *
 * <p>Objects of other kinds are left out. Secrets of every type are kept: {@link #tlsSecret}
 * answers only {@code kubernetes.io/tls} ones, {@link #referencedSecret} any (a directory or a test
 * holds few); so are ConfigMaps. When two objects have the same kind, namespace and name, the later
 * one wins.
 *
 * <p>{@link #with} makes the next state from this one and the objects that changed, sharing the
 * maps of every kind that did not change; {@link #version} exposes them, so a reader can tell in
 * one comparison that no Service (say) changed.
 */
public final class InMemoryClusterState implements ClusterState {
  private final Map<String, Ingress> ingresses;
  private final Map<String, IngressClass> ingressClasses;
  private final Map<String, Service> services;
  private final Map<String, EndpointSlice> endpointSlices;
  private final Map<String, Secret> secrets;
  private final Map<String, Certificate> certificates;
  private final Map<String, ConfigMap> configMaps;
  private final Map<String, List<EndpointSlice>> slicesByService;
  private final Map<String, List<Ingress>> ingressesBySecret;
  private final Map<String, List<Certificate>> certificatesBySecret;

  private InMemoryClusterState(Collection<? extends HasMetadata> objects) {
    Map<String, Ingress> ingresses = new LinkedHashMap<>();
    Map<String, IngressClass> ingressClasses = new LinkedHashMap<>();
    Map<String, Service> services = new LinkedHashMap<>();
    Map<String, EndpointSlice> slices = new LinkedHashMap<>();
    Map<String, Secret> secrets = new LinkedHashMap<>();
    Map<String, Certificate> certificates = new LinkedHashMap<>();
    Map<String, ConfigMap> configMaps = new LinkedHashMap<>();
    for (HasMetadata object : objects) {
      String key =
          ClusterIndexes.key(object.getMetadata().getNamespace(), object.getMetadata().getName());
      if (object instanceof Ingress i) {
        ingresses.put(key, i);
      } else if (object instanceof IngressClass c) {
        ingressClasses.put(c.getMetadata().getName(), c);
      } else if (object instanceof Service s) {
        services.put(key, s);
      } else if (object instanceof EndpointSlice e) {
        slices.put(key, e);
      } else if (object instanceof Secret s) {
        secrets.put(key, s);
      } else if (object instanceof Certificate c) {
        certificates.put(key, c);
      } else if (object instanceof ConfigMap m) {
        configMaps.put(key, m);
      }
    }
    this.ingresses = Map.copyOf(ingresses);
    this.ingressClasses = Map.copyOf(ingressClasses);
    this.services = Map.copyOf(services);
    this.endpointSlices = Map.copyOf(slices);
    this.secrets = Map.copyOf(secrets);
    this.certificates = Map.copyOf(certificates);
    this.configMaps = Map.copyOf(configMaps);
    Map<String, List<EndpointSlice>> bySlice = new HashMap<>();
    for (EndpointSlice slice : slices.values()) {
      for (String k : ClusterIndexes.endpointSliceService(slice)) {
        bySlice.computeIfAbsent(k, x -> new ArrayList<>()).add(slice);
      }
    }
    Map<String, List<Ingress>> bySecret = new HashMap<>();
    for (Ingress ingress : ingresses.values()) {
      for (String k : ClusterIndexes.ingressSecrets(ingress)) {
        bySecret.computeIfAbsent(k, x -> new ArrayList<>()).add(ingress);
      }
    }
    Map<String, List<Certificate>> certificatesBySecret = new HashMap<>();
    for (Certificate certificate : certificates.values()) {
      for (String k : ClusterIndexes.certificateSecret(certificate)) {
        certificatesBySecret.computeIfAbsent(k, x -> new ArrayList<>()).add(certificate);
      }
    }
    bySlice.replaceAll((k, v) -> List.copyOf(v));
    bySecret.replaceAll((k, v) -> List.copyOf(v));
    certificatesBySecret.replaceAll((k, v) -> List.copyOf(v));
    this.slicesByService = bySlice;
    this.ingressesBySecret = bySecret;
    this.certificatesBySecret = certificatesBySecret;
  }

  private InMemoryClusterState(
      Map<String, Ingress> ingresses,
      Map<String, IngressClass> ingressClasses,
      Map<String, Service> services,
      Map<String, EndpointSlice> endpointSlices,
      Map<String, Secret> secrets,
      Map<String, Certificate> certificates,
      Map<String, ConfigMap> configMaps,
      Map<String, List<EndpointSlice>> slicesByService,
      Map<String, List<Ingress>> ingressesBySecret,
      Map<String, List<Certificate>> certificatesBySecret) {
    this.ingresses = ingresses;
    this.ingressClasses = ingressClasses;
    this.services = services;
    this.endpointSlices = endpointSlices;
    this.secrets = secrets;
    this.certificates = certificates;
    this.configMaps = configMaps;
    this.slicesByService = slicesByService;
    this.ingressesBySecret = ingressesBySecret;
    this.certificatesBySecret = certificatesBySecret;
  }

  /**
   * This state with {@code changed} objects put in (replacing those of the same kind, namespace and
   * name) and the objects named by {@code removed} taken out; the same as {@link #of} over the
   * resulting objects. Kinds without a change keep their maps (and so their {@link #version}): a
   * change of one Ingress at 10,000 copies one hash table, not five, and re-indexes nothing but the
   * Secrets that Ingress names.
   */
  public InMemoryClusterState with(
      Collection<? extends HasMetadata> changed, Collection<ObjectRef> removed) {
    Changes<Ingress> ingressChanges = new Changes<>(ingresses);
    Changes<IngressClass> classChanges = new Changes<>(ingressClasses);
    Changes<Service> serviceChanges = new Changes<>(services);
    Changes<EndpointSlice> sliceChanges = new Changes<>(endpointSlices);
    Changes<Secret> secretChanges = new Changes<>(secrets);
    Changes<Certificate> certificateChanges = new Changes<>(certificates);
    Changes<ConfigMap> configMapChanges = new Changes<>(configMaps);
    IndexEdits<EndpointSlice> sliceIndex =
        new IndexEdits<>(slicesByService, ClusterIndexes::endpointSliceService);
    IndexEdits<Ingress> secretIndex =
        new IndexEdits<>(ingressesBySecret, ClusterIndexes::ingressSecrets);
    IndexEdits<Certificate> certificateIndex =
        new IndexEdits<>(certificatesBySecret, ClusterIndexes::certificateSecret);
    for (ObjectRef ref : removed) {
      String key = ClusterIndexes.key(ref.namespace(), ref.name());
      ResourceKind kind = ResourceKind.of(ref.kind()).orElse(null);
      if (kind == null) {
        continue;
      }
      switch (kind) {
        case INGRESS -> ingressChanges.remove(key, secretIndex::remove);
        case INGRESS_CLASS -> classChanges.remove(ref.name(), c -> {});
        case SERVICE -> serviceChanges.remove(key, x -> {});
        case ENDPOINT_SLICE -> sliceChanges.remove(key, sliceIndex::remove);
        case SECRET -> secretChanges.remove(key, x -> {});
        case CERTIFICATE -> certificateChanges.remove(key, certificateIndex::remove);
        case CONFIG_MAP -> configMapChanges.remove(key, x -> {});
      }
    }
    for (HasMetadata object : changed) {
      String key =
          ClusterIndexes.key(object.getMetadata().getNamespace(), object.getMetadata().getName());
      if (object instanceof Ingress i) {
        ingressChanges.put(key, i, secretIndex::remove);
        secretIndex.add(i);
      } else if (object instanceof IngressClass c) {
        classChanges.put(c.getMetadata().getName(), c, x -> {});
      } else if (object instanceof Service x) {
        serviceChanges.put(key, x, old -> {});
      } else if (object instanceof EndpointSlice e) {
        sliceChanges.put(key, e, sliceIndex::remove);
        sliceIndex.add(e);
      } else if (object instanceof Secret x) {
        secretChanges.put(key, x, old -> {});
      } else if (object instanceof Certificate c) {
        certificateChanges.put(key, c, certificateIndex::remove);
        certificateIndex.add(c);
      } else if (object instanceof ConfigMap m) {
        configMapChanges.put(key, m, old -> {});
      }
    }
    return new InMemoryClusterState(
        ingressChanges.result(),
        classChanges.result(),
        serviceChanges.result(),
        sliceChanges.result(),
        secretChanges.result(),
        certificateChanges.result(),
        configMapChanges.result(),
        sliceIndex.result(),
        secretIndex.result(),
        certificateIndex.result());
  }

  /** Edits of an index (key to objects), applied to copies of the lists they touch. */
  private static final class IndexEdits<T> {
    private final Map<String, List<T>> original;
    private final Function<T, List<String>> keysOf;
    private final Map<String, List<T>> edited = new HashMap<>();

    IndexEdits(Map<String, List<T>> original, Function<T, List<String>> keysOf) {
      this.original = original;
      this.keysOf = keysOf;
    }

    void remove(T object) {
      for (String k : keysOf.apply(object)) {
        list(k).removeIf(o -> o == object);
      }
    }

    void add(T object) {
      for (String k : keysOf.apply(object)) {
        list(k).add(object);
      }
    }

    private List<T> list(String key) {
      return edited.computeIfAbsent(key, k -> new ArrayList<>(original.getOrDefault(k, List.of())));
    }

    Map<String, List<T>> result() {
      if (edited.isEmpty()) {
        return original;
      }
      Map<String, List<T>> next = new HashMap<>(original);
      edited.forEach(
          (k, list) -> {
            if (list.isEmpty()) {
              next.remove(k);
            } else {
              next.put(k, List.copyOf(list));
            }
          });
      return next;
    }
  }

  /** A kind's map, copied on its first change. */
  private static final class Changes<T> {
    private final Map<String, T> original;
    private Map<String, T> copy;

    Changes(Map<String, T> original) {
      this.original = original;
    }

    void put(String key, T object, Consumer<T> replaced) {
      T old = map().put(key, object);
      if (old != null) {
        replaced.accept(old);
      }
    }

    void remove(String key, Consumer<T> removed) {
      if (!map().containsKey(key)) {
        return;
      }
      removed.accept(map().remove(key));
    }

    private Map<String, T> map() {
      if (copy == null) {
        copy = new HashMap<>(original);
      }
      return copy;
    }

    Map<String, T> result() {
      return copy == null ? original : Collections.unmodifiableMap(copy);
    }
  }

  /** The map of {@code kind}'s objects: the same instance for as long as none of them changes. */
  @Override
  public Object version(ResourceKind kind) {
    return switch (kind) {
      case INGRESS -> ingresses;
      case INGRESS_CLASS -> ingressClasses;
      case SERVICE -> services;
      case ENDPOINT_SLICE -> endpointSlices;
      case SECRET -> secrets;
      case CERTIFICATE -> certificates;
      case CONFIG_MAP -> configMaps;
    };
  }

  public static InMemoryClusterState of(Collection<? extends HasMetadata> objects) {
    return new InMemoryClusterState(objects);
  }

  public static InMemoryClusterState of(HasMetadata... objects) {
    return new InMemoryClusterState(List.of(objects));
  }

  public static InMemoryClusterState empty() {
    return new InMemoryClusterState(List.of());
  }

  @Override
  public Map<ResourceKind, Integer> counts() {
    Map<ResourceKind, Integer> counts = new EnumMap<>(ResourceKind.class);
    for (ResourceKind kind : ResourceKind.values()) {
      counts.put(
          kind,
          switch (kind) {
            case INGRESS -> ingresses.size();
            case INGRESS_CLASS -> ingressClasses.size();
            case SERVICE -> services.size();
            case ENDPOINT_SLICE -> endpointSlices.size();
            case SECRET -> secrets.size();
            case CERTIFICATE -> certificates.size();
            case CONFIG_MAP -> configMaps.size();
          });
    }
    return Collections.unmodifiableMap(counts);
  }

  @Override
  public List<Ingress> ingresses() {
    return List.copyOf(ingresses.values());
  }

  @Override
  public List<IngressClass> ingressClasses() {
    return List.copyOf(ingressClasses.values());
  }

  @Override
  public Optional<IngressClass> ingressClass(String name) {
    return Optional.ofNullable(ingressClasses.get(name));
  }

  @Override
  public Optional<Service> service(String namespace, String name) {
    return Optional.ofNullable(services.get(ClusterIndexes.key(namespace, name)));
  }

  @Override
  public List<EndpointSlice> endpointSlices(String namespace, String service) {
    return slicesByService.getOrDefault(ClusterIndexes.key(namespace, service), List.of());
  }

  @Override
  public Optional<Secret> tlsSecret(String namespace, String name) {
    return referencedSecret(namespace, name).filter(ClusterIndexes::isTlsSecret);
  }

  @Override
  public Optional<Secret> referencedSecret(String namespace, String name) {
    return Optional.ofNullable(secrets.get(ClusterIndexes.key(namespace, name)));
  }

  @Override
  public Optional<ConfigMap> referencedConfigMap(String namespace, String name) {
    return Optional.ofNullable(configMaps.get(ClusterIndexes.key(namespace, name)));
  }

  @Override
  public Optional<Certificate> certificateForSecret(String namespace, String secretName) {
    return ClusterIndexes.issuing(
        certificatesBySecret.getOrDefault(ClusterIndexes.key(namespace, secretName), List.of()));
  }

  @Override
  public List<Ingress> ingressesReferencingSecret(String namespace, String name) {
    return ingressesBySecret.getOrDefault(ClusterIndexes.key(namespace, name), List.of());
  }
}
