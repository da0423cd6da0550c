package dev.weir.operator.status;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Where users reach Weir, as written into {@code status.loadBalancer.ingress} of our Ingresses:
 * fixed addresses ({@code --publish-status-address}), or those of the data planes' Service ({@code
 * --publish-service}): its load balancer's IPs and host names, else its cluster IPs.
 */
public interface PublishAddresses {
  /** The current addresses, sorted; empty when unknown (then status is left alone). */
  List<IngressLoadBalancerIngress> current();

  static PublishAddresses fixed(List<String> addresses) {
    List<IngressLoadBalancerIngress> result = new ArrayList<>();
    for (String a : addresses) {
      result.add(
          isIpLiteral(a)
              ? new IngressLoadBalancerIngressBuilder().withIp(a).build()
              : new IngressLoadBalancerIngressBuilder().withHostname(a).build());
    }
    result.sort(ORDER);
    List<IngressLoadBalancerIngress> frozen = List.copyOf(result);
    return () -> frozen;
  }

  static PublishAddresses ofService(KubernetesClient client, String namespace, String name) {
    return () -> {
      Service service = client.services().inNamespace(namespace).withName(name).get();
      return service == null ? List.of() : fromService(service);
    };
  }

  static List<IngressLoadBalancerIngress> fromService(Service service) {
    List<IngressLoadBalancerIngress> result = new ArrayList<>();
    if (service.getStatus() != null
        && service.getStatus().getLoadBalancer() != null
        && service.getStatus().getLoadBalancer().getIngress() != null) {
      for (LoadBalancerIngress lb : service.getStatus().getLoadBalancer().getIngress()) {
        result.add(
            new IngressLoadBalancerIngressBuilder()
                .withIp(lb.getIp())
                .withHostname(lb.getHostname())
                .build());
      }
    }
    if (result.isEmpty() && service.getSpec() != null) {
      List<String> ips =
          service.getSpec().getClusterIPs() != null && !service.getSpec().getClusterIPs().isEmpty()
              ? service.getSpec().getClusterIPs()
              : service.getSpec().getClusterIP() == null
                  ? List.of()
                  : List.of(service.getSpec().getClusterIP());
      for (String ip : ips) {
        if (!"None".equals(ip)) {
          result.add(new IngressLoadBalancerIngressBuilder().withIp(ip).build());
        }
      }
    }
    result.sort(ORDER);
    return List.copyOf(result);
  }

  Comparator<IngressLoadBalancerIngress> ORDER =
      Comparator.comparing(
              IngressLoadBalancerIngress::getIp, Comparator.nullsLast(Comparator.naturalOrder()))
          .thenComparing(
              IngressLoadBalancerIngress::getHostname,
              Comparator.nullsLast(Comparator.naturalOrder()));

  private static boolean isIpLiteral(String a) {
    return a.contains(":") || a.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
  }
}
