package dev.weir.operator.tickets;

import dev.weir.operator.metrics.OperatorMetrics;
import dev.weir.operator.tickets.TicketKeySecretFormat.UnreadableKeys;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Session-ticket keys kept in one Secret of the operator's namespace, so that every operator
 * replica publishes the same keys and an operator restart or a new leader keeps clients' tickets
 * valid. Every replica watches that Secret (by name: an informer on it alone, not on all Secrets)
 * and publishes what it holds. The leader alone writes it: when it becomes leader and whenever the
 * encrypting key is due ({@link RotationPolicy}), it reads the Secret, rotates if due, and writes
 * it back (an update carries the resourceVersion read, so a deposed leader's write is refused). A
 * missing or unreadable Secret is (re)written from the keys this replica last read, so a deleted
 * Secret comes back with the same keys; an unreadable one is logged with the reason only.
 */
public final class SecretTicketKeys implements SessionTicketKeys {
  private static final Logger log = LoggerFactory.getLogger(SecretTicketKeys.class);

  /** After a failed read or write (API away, a conflict with another writer). */
  static final Duration RETRY = Duration.ofSeconds(5);

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final RotationPolicy policy;
  private final Clock clock;
  private final BooleanSupplier leader;
  private final OperatorMetrics metrics;
  private final SecureRandom random = new SecureRandom();
  private final RotationTimer timer;
  private volatile TicketKeyRing ring = TicketKeyRing.empty();
  private volatile Runnable onChange = () -> {};
  private SharedIndexInformer<Secret> informer;

  /**
   * @param leader whether this replica may write the Secret now
   */
  public SecretTicketKeys(
      KubernetesClient client,
      String namespace,
      String name,
      RotationPolicy policy,
      Clock clock,
      BooleanSupplier leader,
      OperatorMetrics metrics) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    this.policy = policy;
    this.clock = clock;
    this.leader = leader;
    this.metrics = metrics;
    this.timer = new RotationTimer("weir-ticket-keys", clock, this::tick);
    metrics.ticketKeys(this::ring, clock);
  }

  /**
   * Starts watching the Secret and waits (at most {@code syncTimeout}) until it has been read, so a
   * restarted operator's first snapshot already carries the keys its data planes hold; {@code
   * onChange} runs after every change of the keys held.
   *
   * @return false when the Secret could not be read in time (keys follow when it can)
   */
  public boolean start(Runnable onChange, Duration syncTimeout) throws InterruptedException {
    this.onChange = onChange;
    informer =
        client
            .secrets()
            .inNamespace(namespace)
            .withName(name)
            .runnableInformer(0)
            .addEventHandler(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Secret secret) {
                    read(secret);
                  }

                  @Override
                  public void onUpdate(Secret before, Secret after) {
                    read(after);
                  }

                  @Override
                  public void onDelete(Secret secret, boolean finalStateUnknown) {
                    // The keys held stay in use; the leader writes them back.
                    log.warn("event=ticket_keys_secret_deleted secret={}/{}", namespace, name);
                    if (leader.getAsBoolean()) {
                      timer.checkNow();
                    }
                  }
                });
    try {
      informer.start().toCompletableFuture().get(syncTimeout.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException | ExecutionException e) {
      log.warn(
          "event=ticket_keys_not_synced secret={}/{} waited_ms={} action=publish_when_read",
          namespace,
          name,
          syncTimeout.toMillis());
      return false;
    }
  }

  /** For the leader election: a new leader checks (and if need be writes) the Secret at once. */
  public void startLeading() {
    timer.checkNow();
  }

  @Override
  public TicketKeyRing ring() {
    return ring;
  }

  /**
   * The leader's check, on the timer's thread in production and called directly by tests: reads the
   * Secret, rotates if due, writes what changed, and returns when the next check is due. Does
   * nothing (and returns null) on a replica that is not the leader.
   */
  public synchronized Instant reconcile() {
    if (!leader.getAsBoolean()) {
      return null;
    }
    Secret stored = client.secrets().inNamespace(namespace).withName(name).get();
    TicketKeyRing read = null;
    if (stored != null) {
      try {
        read = TicketKeySecretFormat.decode(stored.getData());
      } catch (UnreadableKeys e) {
        log.warn(
            "event=ticket_keys_unreadable secret={}/{} reason=\"{}\" action=replace",
            namespace,
            name,
            e.getMessage());
      }
    }
    // Missing or unreadable: start from the keys held, so data planes' tickets stay valid.
    TicketKeyRing base = read != null ? read : ring;
    TicketKeyRing next = policy.apply(base, clock.instant(), random);
    if (!next.equals(read)) {
      write(stored, next);
      if (next != base) {
        metrics.ticketKeysRotated();
      }
      log.info(
          "event=ticket_keys_written secret={}/{} rotated={} keys={} next_rotation={}",
          namespace,
          name,
          next != base,
          next.keys().size(),
          policy.nextRotation(next));
    }
    adopt(next);
    return policy.nextRotation(next);
  }

  private void write(Secret stored, TicketKeyRing next) {
    Map<String, String> data = TicketKeySecretFormat.encode(next);
    if (stored == null) {
      client
          .secrets()
          .inNamespace(namespace)
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .withNamespace(namespace)
                  .addToLabels("app.kubernetes.io/managed-by", "weir-operator")
                  .endMetadata()
                  .withType("Opaque")
                  .withData(data)
                  .build())
          .create();
    } else {
      // Update, not patch: it carries the resourceVersion read, so of two writers one fails.
      client
          .secrets()
          .inNamespace(namespace)
          .resource(new SecretBuilder(stored).withData(data).build())
          .update();
    }
  }

  private void tick() {
    try {
      Instant next = reconcile();
      if (next != null) {
        timer.checkAt(next);
      }
    } catch (KubernetesClientException e) {
      log.warn(
          "event=ticket_keys_write_failed secret={}/{} code={} reason=\"{}\" retry_in_ms={}",
          namespace,
          name,
          e.getCode(),
          e.getStatus() == null ? e.getClass().getSimpleName() : e.getStatus().getReason(),
          RETRY.toMillis());
      timer.checkAfter(RETRY);
    } catch (RuntimeException e) {
      log.error("event=ticket_keys_check_failed secret={}/{}", namespace, name, e);
      timer.checkAfter(RETRY);
    }
  }

  private void read(Secret secret) {
    try {
      adopt(TicketKeySecretFormat.decode(secret.getData()));
    } catch (UnreadableKeys e) {
      log.warn(
          "event=ticket_keys_unreadable secret={}/{} reason=\"{}\" action={}",
          namespace,
          name,
          e.getMessage(),
          leader.getAsBoolean() ? "replace" : "keep_current_keys");
      if (leader.getAsBoolean()) {
        timer.checkNow();
      }
    }
  }

  private synchronized void adopt(TicketKeyRing next) {
    if (next.equals(ring)) {
      return;
    }
    ring = next;
    log.info(
        "event=ticket_keys_loaded secret={}/{} keys={} encrypting_key_created={}",
        namespace,
        name,
        next.keys().size(),
        next.encryptingKeyCreated());
    onChange.run();
  }

  @Override
  public void close() {
    timer.close();
    if (informer != null) {
      informer.close();
    }
  }
}
