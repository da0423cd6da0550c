package dev.weir.operator.status;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Elects one operator replica as the writer of Ingress status and Events, on a {@code
 * coordination.k8s.io} Lease. Every replica translates and serves snapshots; only the leader writes
 * to the API. A replica that loses the lease stops writing at once and campaigns again.
 */
public final class LeaderElection implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeaderElection.class);

  private final KubernetesClient client;
  private final String namespace;
  private final String leaseName;
  private final String identity;
  private final Runnable onStartLeading;
  private final Timing timing;
  private final AtomicBoolean leader = new AtomicBoolean();
  private volatile boolean closed;
  private volatile CompletableFuture<?> running;

  /** How long a lease lasts, how soon the leader must renew it, how often candidates retry. */
  public record Timing(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
    /** Kubernetes' own controllers' defaults. */
    public static final Timing DEFAULT =
        new Timing(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
  }

  /**
   * @param onStartLeading run (on the elector's thread) each time this replica becomes leader
   */
  public LeaderElection(
      KubernetesClient client,
      String namespace,
      String leaseName,
      String identity,
      Timing timing,
      Runnable onStartLeading) {
    this.timing = timing;
    this.client = client;
    this.namespace = namespace;
    this.leaseName = leaseName;
    this.identity = identity;
    this.onStartLeading = onStartLeading;
  }

  public boolean isLeader() {
    return leader.get();
  }

  public String identity() {
    return identity;
  }

  public LeaderElection start() {
    campaign();
    return this;
  }

  private void campaign() {
    if (closed) {
      return;
    }
    running =
        client
            .leaderElector()
            .withConfig(
                new LeaderElectionConfigBuilder()
                    .withName("weir-operator")
                    .withLock(new LeaseLock(namespace, leaseName, identity))
                    .withLeaseDuration(timing.leaseDuration())
                    .withRenewDeadline(timing.renewDeadline())
                    .withRetryPeriod(timing.retryPeriod())
                    .withReleaseOnCancel(true)
                    .withLeaderCallbacks(
                        new LeaderCallbacks(
                            () -> {
                              leader.set(true);
                              log.info(
                                  "event=leader_elected identity={} lease={}/{}",
                                  identity,
                                  namespace,
                                  leaseName);
                              onStartLeading.run();
                            },
                            () -> {
                              leader.set(false);
                              log.info(
                                  "event=leader_lost identity={} lease={}/{}",
                                  identity,
                                  namespace,
                                  leaseName);
                            },
                            newLeader ->
                                log.info(
                                    "event=leader_observed leader={} lease={}/{}",
                                    newLeader,
                                    namespace,
                                    leaseName)))
                    .build())
            .build()
            .start();
    // The elector's future completes when leadership is lost or the lease can't be renewed;
    // campaign again so a replica that lost the lease may lead later.
    running.whenComplete(
        (ok, error) -> {
          leader.set(false);
          if (!closed) {
            campaign();
          }
        });
  }

  @Override
  public void close() {
    closed = true;
    CompletableFuture<?> r = running;
    if (r != null) {
      r.cancel(true);
    }
    leader.set(false);
  }
}
