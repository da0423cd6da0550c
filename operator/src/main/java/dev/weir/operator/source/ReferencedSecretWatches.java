package dev.weir.operator.source;

import dev.weir.operator.state.ClusterIndexes;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Secrets of any type that Ingress annotations name ({@code auth-tls-secret}, {@code
 * proxy-ssl-secret}; CA bundles are often {@code Opaque}), each watched on its own: one informer
 * per Secret, listing and watching that one name ({@code metadata.name} field selector), started
 * when the first Ingress names it and stopped when the last stops. The operator so reads exactly
 * the Secrets it was pointed at, never every Secret of the cluster, with the same get/list/watch
 * permission on Secrets the TLS informers need.
 *
 * <p>Thread-safe: Ingress events and the watches' own events arrive on informer threads.
 */
final class ReferencedSecretWatches {
  private static final Logger LOG = LoggerFactory.getLogger(ReferencedSecretWatches.class);

  private final KubernetesClient client;
  private final Runnable changed;
  private final Map<String, List<String>> byIngress = new HashMap<>();
  private final Map<String, Watch> watches = new HashMap<>();
  private boolean closed;

  /**
   * @param changed run after every event of a watched Secret, and when a watch stops
   */
  ReferencedSecretWatches(KubernetesClient client, Runnable changed) {
    this.client = client;
    this.changed = changed;
  }

  /** One Secret's informer, how many Ingresses name it, and when it first listed. */
  private static final class Watch {
    final SharedIndexInformer<Secret> informer;
    final CompletableFuture<Void> listed = new CompletableFuture<>();
    int references;

    Watch(SharedIndexInformer<Secret> informer) {
      this.informer = informer;
    }
  }

  /** Follows what {@code ingress} names now ({@code null}: it was deleted). */
  void ingressChanged(String ingressKey, Ingress ingress) {
    List<String> now = ingress == null ? List.of() : ClusterIndexes.annotationSecrets(ingress);
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

  /** The Secret {@code namespace/name} if it is watched and exists. */
  Optional<Secret> get(String namespace, String name) {
    Watch watch;
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
    List<Watch> all;
    synchronized (this) {
      closed = true;
      all = new ArrayList<>(watches.values());
      watches.clear();
      byIngress.clear();
    }
    all.forEach(w -> w.informer.stop());
  }

  private void reference(String key) {
    Watch watch = watches.get(key);
    if (watch == null) {
      watch = start(key);
      watches.put(key, watch);
    }
    watch.references++;
  }

  /** Returns whether the watch stopped. */
  private boolean release(String key) {
    Watch watch = watches.get(key);
    if (watch == null || --watch.references > 0) {
      return false;
    }
    watches.remove(key);
    watch.informer.stop();
    LOG.info("event=secret_watch_stopped secret={}", key);
    return true;
  }

  private Watch start(String key) {
    int slash = key.indexOf('/');
    String namespace = key.substring(0, slash);
    String name = key.substring(slash + 1);
    Watch watch =
        new Watch(client.secrets().inNamespace(namespace).withName(name).runnableInformer(0));
    watch.informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Secret secret) {
            changed.run();
          }

          @Override
          public void onUpdate(Secret before, Secret after) {
            changed.run();
          }

          @Override
          public void onDelete(Secret secret, boolean finalStateUnknown) {
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
                LOG.warn("event=secret_watch_failed secret={} error={}", key, error.toString());
              } else {
                LOG.info("event=secret_watch_started secret={}", key);
              }
              watch.listed.complete(null);
            });
    return watch;
  }
}
