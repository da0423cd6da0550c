package dev.weir.operator.status;

import dev.weir.operator.state.ObjectRef;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code status.loadBalancer.ingress} of our Ingresses equal to the publish addresses, and
 * clears it from Ingresses that stopped being ours (recognised by carrying exactly our addresses,
 * so a restart loses nothing and another controller's status is never touched). Writes only what
 * differs; the leader calls it after every translation.
 */
public final class IngressStatusWriter {
  private static final Logger log = LoggerFactory.getLogger(IngressStatusWriter.class);

  private final KubernetesClient client;
  private final PublishAddresses addresses;

  public IngressStatusWriter(KubernetesClient client, PublishAddresses addresses) {
    this.client = client;
    this.addresses = addresses;
  }

  /**
   * @param ingresses every Ingress the source sees
   * @param ours the ones Weir serves
   * @return how many Ingresses were written
   */
  public int reconcile(Collection<Ingress> ingresses, Set<ObjectRef> ours) {
    List<IngressLoadBalancerIngress> wanted = addresses.current();
    if (wanted.isEmpty()) {
      return 0;
    }
    int written = 0;
    for (Ingress ingress : ingresses) {
      List<IngressLoadBalancerIngress> current = currentStatus(ingress);
      if (ours.contains(ObjectRef.of(ingress))) {
        if (!current.equals(wanted)) {
          written += write(ingress, wanted) ? 1 : 0;
        }
      } else if (!current.isEmpty() && current.equals(wanted)) {
        written += write(ingress, List.of()) ? 1 : 0;
      }
    }
    return written;
  }

  static List<IngressLoadBalancerIngress> currentStatus(Ingress ingress) {
    if (ingress.getStatus() == null
        || ingress.getStatus().getLoadBalancer() == null
        || ingress.getStatus().getLoadBalancer().getIngress() == null) {
      return List.of();
    }
    List<IngressLoadBalancerIngress> current =
        new ArrayList<>(ingress.getStatus().getLoadBalancer().getIngress());
    current.sort(PublishAddresses.ORDER);
    return current;
  }

  private boolean write(Ingress ingress, List<IngressLoadBalancerIngress> status) {
    String namespace = ingress.getMetadata().getNamespace();
    String name = ingress.getMetadata().getName();
    try {
      client
          .network()
          .v1()
          .ingresses()
          .inNamespace(namespace)
          .withName(name)
          .editStatus(
              latest ->
                  new IngressBuilder(latest)
                      .editOrNewStatus()
                      .editOrNewLoadBalancer()
                      .withIngress(status)
                      .endLoadBalancer()
                      .endStatus()
                      .build());
      log.info(
          "event=ingress_status_written ingress={}/{} addresses={}",
          namespace,
          name,
          describe(status));
      return true;
    } catch (KubernetesClientException e) {
      // Deleted meanwhile, or a conflict: the next reconcile sees the new state and retries.
      log.warn(
          "event=ingress_status_failed ingress={}/{} code={} reason=\"{}\"",
          namespace,
          name,
          e.getCode(),
          e.getMessage());
      return false;
    }
  }

  private static String describe(List<IngressLoadBalancerIngress> status) {
    if (status.isEmpty()) {
      return "[]";
    }
    List<String> parts = new ArrayList<>();
    for (IngressLoadBalancerIngress s : status) {
      parts.add(s.getIp() != null ? s.getIp() : s.getHostname());
    }
    return String.join(",", parts);
  }
}
