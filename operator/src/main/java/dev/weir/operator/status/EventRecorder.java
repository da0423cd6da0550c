package dev.weir.operator.status;

import dev.weir.operator.state.ObjectRef;
import dev.weir.operator.state.ResourceKind;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Kubernetes Events (core/v1, type Warning) on the objects a diagnostic names. Rate limited
 * twice: the same (object, reason, message) is written at most once per {@code repeatInterval} (a
 * repeat bumps the existing Event's count instead of creating another), and all writes share a
 * token bucket, so a broken Secret referenced by 1,000 Ingresses cannot flood the API server.
 */
public final class EventRecorder {
  private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);
  static final String COMPONENT = "weir-operator";

  private final KubernetesClient client;
  private final String instance;
  private final Clock clock;
  private final Duration repeatInterval;
  private final double ratePerSecond;
  private final double burst;
  private final Map<Key, Recorded> recorded = new HashMap<>();
  private double tokens;
  private Instant lastRefill;
  private long dropped;

  private record Key(ObjectRef object, String reason, String message) {}

  private record Recorded(String eventName, String namespace, int count, Instant lastWritten) {}

  public EventRecorder(
      KubernetesClient client,
      String instance,
      Clock clock,
      Duration repeatInterval,
      double ratePerSecond,
      int burst) {
    this.client = client;
    this.instance = instance;
    this.clock = clock;
    this.repeatInterval = repeatInterval;
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
    this.tokens = burst;
    this.lastRefill = clock.instant();
  }

  /**
   * Records a warning on {@code object}.
   *
   * @return true when an Event was written, false when rate limiting held it back
   */
  public synchronized boolean warn(ObjectRef object, String reason, String message) {
    Instant now = clock.instant();
    Key key = new Key(object, reason, message);
    Recorded previous = recorded.get(key);
    if (previous != null
        && Duration.between(previous.lastWritten(), now).compareTo(repeatInterval) < 0) {
      return false;
    }
    if (!takeToken(now)) {
      dropped++;
      if (dropped == 1 || dropped % 100 == 0) {
        log.warn("event=events_rate_limited dropped_total={}", dropped);
      }
      return false;
    }
    try {
      recorded.put(
          key,
          previous == null
              ? create(object, reason, message, now)
              : bump(previous, object, reason, message, now));
      return true;
    } catch (KubernetesClientException e) {
      log.warn(
          "event=event_write_failed object=\"{}\" reason={} code={} error=\"{}\"",
          object,
          reason,
          e.getCode(),
          e.getMessage());
      return false;
    }
  }

  /** Forgets diagnostics that are gone, so a problem that comes back is reported anew. */
  public synchronized void retainOnly(Set<ObjectRef> objectsWithProblems) {
    recorded.keySet().removeIf(k -> !objectsWithProblems.contains(k.object()));
  }

  private Recorded create(ObjectRef object, String reason, String message, Instant now) {
    String namespace = object.namespace() == null ? "default" : object.namespace();
    String name =
        object.name()
            + "."
            + Long.toHexString(now.toEpochMilli())
            + Long.toHexString(System.nanoTime() & 0xffff);
    String timestamp = DateTimeFormatter.ISO_INSTANT.format(now);
    Event event =
        new EventBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .endMetadata()
            .withNewInvolvedObject()
            .withKind(object.kind())
            .withNamespace(object.namespace())
            .withName(object.name())
            .withApiVersion(apiVersion(object.kind()))
            .withUid(uid(object))
            .endInvolvedObject()
            .withType("Warning")
            .withReason(reason)
            .withMessage(message)
            .withCount(1)
            .withFirstTimestamp(timestamp)
            .withLastTimestamp(timestamp)
            .withEventTime(new MicroTime(timestamp))
            .withAction("Translate")
            .withNewSource()
            .withComponent(COMPONENT)
            .endSource()
            .withReportingComponent("weir.dev/ingress-controller")
            .withReportingInstance(instance)
            .build();
    client.v1().events().inNamespace(namespace).resource(event).create();
    return new Recorded(name, namespace, 1, now);
  }

  private Recorded bump(
      Recorded previous, ObjectRef object, String reason, String message, Instant now) {
    int count = previous.count() + 1;
    String timestamp = DateTimeFormatter.ISO_INSTANT.format(now);
    Event updated =
        client
            .v1()
            .events()
            .inNamespace(previous.namespace())
            .withName(previous.eventName())
            .edit(e -> new EventBuilder(e).withCount(count).withLastTimestamp(timestamp).build());
    if (updated == null) {
      return create(object, reason, message, now);
    }
    return new Recorded(previous.eventName(), previous.namespace(), count, now);
  }

  private String uid(ObjectRef object) {
    ResourceKind kind = ResourceKind.of(object.kind()).orElse(null);
    if (kind == null) {
      return null;
    }
    try {
      var resource =
          switch (kind) {
            case INGRESS ->
                client
                    .network()
                    .v1()
                    .ingresses()
                    .inNamespace(object.namespace())
                    .withName(object.name())
                    .get();
            case SECRET ->
                client.secrets().inNamespace(object.namespace()).withName(object.name()).get();
            case SERVICE ->
                client.services().inNamespace(object.namespace()).withName(object.name()).get();
            default -> null;
          };
      return resource == null ? null : resource.getMetadata().getUid();
    } catch (KubernetesClientException e) {
      return null;
    }
  }

  private static String apiVersion(String kind) {
    return ResourceKind.of(kind).map(ResourceKind::apiVersion).orElse("v1");
  }

  private boolean takeToken(Instant now) {
    double elapsed = Duration.between(lastRefill, now).toNanos() / 1e9;
    tokens = Math.min(burst, tokens + elapsed * ratePerSecond);
    lastRefill = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  /** Events held back by the token bucket since start. */
  public synchronized long dropped() {
    return dropped;
  }
}
