package dev.weir.operator.source;

import dev.weir.operator.state.ClusterIndexes;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The objects Ingress annotations name, each watched on its own: Secrets of any type ({@code
 * auth-tls-secret}, {@code proxy-ssl-secret}; CA bundles are often {@code Opaque}) and ConfigMaps
 * ({@code custom-headers}). One informer per object, listing and watching that one name ({@code
 * metadata.name} field selector), started when the first Ingress names it and stopped when the last
 * stops. The operator so reads exactly the objects it was pointed at, never every Secret or
 * ConfigMap of the cluster.
 *
 * <p>Thread-safe: Ingress events and the watches' own events arrive on informer threads.
 */
final class ReferencedWatches<T extends HasMetadata> {
  private static final Logger LOG = LoggerFactory.getLogger(ReferencedWatches.class);

  private final String kind;
  private final Function<Ingress, List<String>> named;
  private final BiFunction<String, String, SharedIndexInformer<T>> informer;
  private final Runnable changed;
  private final Map<String, List<String>> byIngress = new HashMap<>();
  private final Map<String, Watch<T>> watches = new HashMap<>();
  private boolean closed;

  /**
   * @param kind the kind watched, lower case, for logs
   * @param named the {@code namespace/name} keys an Ingress names
   * @param informer an informer of the one object {@code namespace}, {@code name}, not started
   * @param changed run after every event of a watched object, and when a watch stops
   */
  ReferencedWatches(
      String kind,
      Function<Ingress, List<String>> named,
      BiFunction<String, String, SharedIndexInformer<T>> informer,
      Runnable changed) {
    this.kind = kind;
    this.named = named;
    this.informer = informer;
    this.changed = changed;
  }

  /** The Secrets annotations name. */
  static ReferencedWatches<Secret> secrets(KubernetesClient client, Runnable changed) {
    return new ReferencedWatches<>(
        "secret",
        ClusterIndexes::annotationSecrets,
        (namespace, name) ->
            client.secrets().inNamespace(namespace).withName(name).runnableInformer(0),
        changed);
  }

  /** The ConfigMaps annotations name. */
  static ReferencedWatches<ConfigMap> configMaps(KubernetesClient client, Runnable changed) {
    return new ReferencedWatches<>(
        "configmap",
        ClusterIndexes::annotationConfigMaps,
        (namespace, name) ->
            client.configMaps().inNamespace(namespace).withName(name).runnableInformer(0),
        changed);
  }

  /** One object's informer, how many Ingresses name it, and when it first listed. */
  private static final class Watch<T> {
    final SharedIndexInformer<T> informer;
    final CompletableFuture<Void> listed = new CompletableFuture<>();
    int references;

    Watch(SharedIndexInformer<T> informer) {
      this.informer = informer;
    }
  }

  /** Follows what {@code ingress} names now ({@code null}: it was deleted). */
  void ingressChanged(String ingressKey, Ingress ingress) {
    List<String> now = ingress == null ? List.of() : named.apply(ingress);
    boolean stopped;
    synchronized (this) {
      if (closed) {
        return;
      }
      List<String> replaced =
          now.isEmpty() ? byIngress.remove(ingressKey) : byIngress.put(ingressKey, now);
      List<String> before = replaced == null ? List.of() : replaced;
      if (before.equals(now)) {
        return;
      }
      now.stream().filter(k -> !before.contains(k)).forEach(this::reference);
      List<String> dropped = before.stream().filter(k -> !now.contains(k)).toList();
      stopped = false;
      for (String key : dropped) {
        stopped |= release(key);
      }
    }
    if (stopped) {
      changed.run();
    }
  }

  /** Follows every Ingress of {@code ingresses}, then completes when each watch has listed once. */
  CompletableFuture<Void> listedFor(Collection<Ingress> ingresses) {
    for (Ingress ingress : ingresses) {
      ingressChanged(key(ingress), ingress);
    }
    synchronized (this) {
      return CompletableFuture.allOf(
          watches.values().stream().map(w -> w.listed).toArray(CompletableFuture[]::new));
    }
  }

  static String key(Ingress ingress) {
    return ClusterIndexes.key(
        ingress.getMetadata().getNamespace(), ingress.getMetadata().getName());
  }

  /** The object {@code namespace/name} if it is watched and exists. */
  Optional<T> get(String namespace, String name) {
    Watch<T> watch;
    synchronized (this) {
      watch = watches.get(ClusterIndexes.key(namespace, name));
    }
    return watch == null
        ? Optional.empty()
        : Optional.ofNullable(
            watch.informer.getStore().getByKey(ClusterIndexes.key(namespace, name)));
  }

  synchronized int size() {
    return watches.size();
  }

  void close() {
    List<Watch<T>> all;
    synchronized (this) {
      closed = true;
      all = new ArrayList<>(watches.values());
      watches.clear();
      byIngress.clear();
    }
    all.forEach(w -> w.informer.stop());
  }

  private void reference(String key) {
    Watch<T> watch = watches.get(key);
    if (watch == null) {
      watch = start(key);
      watches.put(key, watch);
    }
    watch.references++;
  }

  /** Returns whether the watch stopped. */
  private boolean release(String key) {
    Watch<T> watch = watches.get(key);
    if (watch == null || --watch.references > 0) {
      return false;
    }
    watches.remove(key);
    watch.informer.stop();
    LOG.info("event={}_watch_stopped {}={}", kind, kind, key);
    return true;
  }

  private Watch<T> start(String key) {
    int slash = key.indexOf('/');
    String namespace = key.substring(0, slash);
    String name = key.substring(slash + 1);
    Watch<T> watch = new Watch<>(informer.apply(namespace, name));
    watch.informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(T object) {
            changed.run();
          }

          @Override
          public void onUpdate(T before, T after) {
            changed.run();
          }

          @Override
          public void onDelete(T object, boolean finalStateUnknown) {
            changed.run();
          }
        });
    watch
        .informer
        .start()
        .whenComplete(
            (ok, error) -> {
              if (error != null) {
                // Listed as missing: the features that need it fail closed, and say so.
                LOG.warn("event={}_watch_failed {}={} error={}", kind, kind, key, error.toString());
              } else {
                LOG.info("event={}_watch_started {}={}", kind, kind, key);
              }
              watch.listed.complete(null);
            });
    return watch;
  }
}
