package dev.weir.operator.state;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable {@link ClusterState} built from a collection of objects, indexed once. The manifest
 * source builds one per change and swaps it in whole, so a translation never sees half a reload;
 * tests build one from the objects of a case.
 *
 * <p>Objects of other kinds, and Secrets not of type {@code kubernetes.io/tls}, are left out. When
 * two objects have the same kind, namespace and name, the later one wins.
 */
public final class InMemoryClusterState implements ClusterState {
  private final Map<String, Ingress> ingresses;
  private final Map<String, IngressClass> ingressClasses;
  private final Map<String, Service> services;
  private final Map<String, EndpointSlice> endpointSlices;
  private final Map<String, Secret> secrets;
  private final Map<String, List<EndpointSlice>> slicesByService = new HashMap<>();
  private final Map<String, List<Ingress>> ingressesBySecret = new HashMap<>();

  private InMemoryClusterState(Collection<? extends HasMetadata> objects) {
    Map<String, Ingress> ingresses = new LinkedHashMap<>();
    Map<String, IngressClass> ingressClasses = new LinkedHashMap<>();
    Map<String, Service> services = new LinkedHashMap<>();
    Map<String, EndpointSlice> slices = new LinkedHashMap<>();
    Map<String, Secret> secrets = new LinkedHashMap<>();
    for (HasMetadata object : objects) {
      String key = ClusterIndexes.key(object.getMetadata().getNamespace(),
          object.getMetadata().getName());
      if (object instanceof Ingress i) {
        ingresses.put(key, i);
      } else if (object instanceof IngressClass c) {
        ingressClasses.put(c.getMetadata().getName(), c);
      } else if (object instanceof Service s) {
        services.put(key, s);
      } else if (object instanceof EndpointSlice e) {
        slices.put(key, e);
      } else if (object instanceof Secret s && ClusterIndexes.isTlsSecret(s)) {
        secrets.put(key, s);
      }
    }
    this.ingresses = Map.copyOf(ingresses);
    this.ingressClasses = Map.copyOf(ingressClasses);
    this.services = Map.copyOf(services);
    this.endpointSlices = Map.copyOf(slices);
    this.secrets = Map.copyOf(secrets);
    for (EndpointSlice slice : slices.values()) {
      for (String k : ClusterIndexes.endpointSliceService(slice)) {
        slicesByService.computeIfAbsent(k, x -> new ArrayList<>()).add(slice);
      }
    }
    for (Ingress ingress : ingresses.values()) {
      for (String k : ClusterIndexes.ingressSecrets(ingress)) {
        ingressesBySecret.computeIfAbsent(k, x -> new ArrayList<>()).add(ingress);
      }
    }
    slicesByService.replaceAll((k, v) -> List.copyOf(v));
    ingressesBySecret.replaceAll((k, v) -> List.copyOf(v));
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
  public Map<String, Integer> counts() {
    return Map.of("Ingress", ingresses.size(), "IngressClass", ingressClasses.size(),
        "Service", services.size(), "EndpointSlice", endpointSlices.size(), "Secret", secrets.size());
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
    return Optional.ofNullable(secrets.get(ClusterIndexes.key(namespace, name)));
  }

  @Override
  public List<Ingress> ingressesReferencingSecret(String namespace, String name) {
    return ingressesBySecret.getOrDefault(ClusterIndexes.key(namespace, name), List.of());
  }
}
