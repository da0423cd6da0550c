package dev.weir.operator.source;

import dev.weir.operator.nginx.NginxConfigMap;
import dev.weir.operator.nginx.NginxConfigMap.Key;
import dev.weir.operator.nginx.NginxConfigMap.KeyStatus;
import dev.weir.operator.state.ObjectRef;
import dev.weir.operator.translate.Diagnostic;
import dev.weir.operator.translate.Reason;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches ingress-nginx's controller ConfigMap ({@code --nginx-configmap ns/name}) and keeps its
 * reading as Weir's global defaults. A change (or the ConfigMap's deletion, which brings back
 * Weir's own defaults) runs {@code changed}, so the next translation uses it. Keys Weir does not
 * apply are logged once per change and offered as diagnostics of the ConfigMap (Events).
 */
public final class NginxConfigMapWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NginxConfigMapWatch.class);

  private final ObjectRef ref;
  private final SharedIndexInformer<ConfigMap> informer;
  private final AtomicReference<NginxConfigMap> current =
      new AtomicReference<>(NginxConfigMap.NONE);

  private NginxConfigMapWatch(
      KubernetesClient client, String namespace, String name, Runnable changed) {
    this.ref = new ObjectRef("ConfigMap", namespace, name);
    this.informer = client.configMaps().inNamespace(namespace).withName(name).runnableInformer(0);
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(ConfigMap configMap) {
            take(configMap, changed);
          }

          @Override
          public void onUpdate(ConfigMap before, ConfigMap after) {
            take(after, changed);
          }

          @Override
          public void onDelete(ConfigMap configMap, boolean unknownFinalState) {
            take(null, changed);
          }
        });
  }

  /**
   * Starts watching {@code namespaceAndName} ({@code namespace/name}) and waits up to {@code
   * syncSeconds} for the first list, so the first snapshot already has the ConfigMap's defaults.
   */
  public static NginxConfigMapWatch start(
      KubernetesClient client, String namespaceAndName, Runnable changed, long syncSeconds) {
    int slash = namespaceAndName.indexOf('/');
    NginxConfigMapWatch watch =
        new NginxConfigMapWatch(
            client,
            namespaceAndName.substring(0, slash),
            namespaceAndName.substring(slash + 1),
            changed);
    try {
      watch.informer.start().toCompletableFuture().get(syncSeconds, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn(
          "event=nginx_configmap_not_synced configmap=\"{}\" error=\"{}\"",
          watch.ref,
          e.toString());
    }
    return watch;
  }

  /** The ConfigMap's reading now; {@link NginxConfigMap#NONE} while it does not exist. */
  public NginxConfigMap current() {
    return current.get();
  }

  /** A diagnostic of the ConfigMap for each key Weir does not apply as written. */
  public List<Diagnostic> diagnostics() {
    return current.get().notApplied().stream()
        .filter(k -> k.status() != KeyStatus.IGNORED)
        .map(
            k ->
                new Diagnostic(
                    ref,
                    k.status() == KeyStatus.INVALID
                        ? Reason.INVALID_CONFIG_VALUE
                        : Reason.UNSUPPORTED_CONFIG_KEY,
                    k.key() + ": " + k.note()))
        .toList();
  }

  private void take(ConfigMap configMap, Runnable changed) {
    NginxConfigMap read =
        configMap == null ? NginxConfigMap.NONE : NginxConfigMap.read(configMap.getData());
    NginxConfigMap before = current.getAndSet(read);
    if (Objects.equals(before, read)) {
      return;
    }
    log.info(
        "event=nginx_configmap_read configmap=\"{}\" exists={} defaults={}",
        ref,
        configMap != null,
        read.annotationDefaults().keySet());
    for (Key key : read.notApplied()) {
      log.warn(
          "event=nginx_configmap_key configmap=\"{}\" key={} status={} note=\"{}\"",
          ref,
          key.key(),
          key.status(),
          key.note());
    }
    changed.run();
  }

  @Override
  public void close() {
    informer.close();
  }
}
