package dev.weir.operator.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A state made from the last one and what changed answers as one made from all objects. */
class InMemoryClusterStateTest {
  private static final String[] SERVICES = {"web", "api"};
  private static final String[] SECRETS = {"s1", "s2"};

  private static HasMetadata randomObject(Random r, int i) {
    String ns = r.nextBoolean() ? "a" : "b";
    String yaml =
        switch (r.nextInt(5)) {
          case 0 ->
              "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i"
                  + r.nextInt(4)
                  + ", namespace: "
                  + ns
                  + "}\nspec:\n  tls: [{secretName: "
                  + SECRETS[r.nextInt(2)]
                  + "}, {secretName: "
                  + SECRETS[r.nextInt(2)]
                  + "}]\n";
          case 1 ->
              "apiVersion: v1\nkind: Service\nmetadata: {name: "
                  + SERVICES[r.nextInt(2)]
                  + ", namespace: "
                  + ns
                  + "}\nspec: {ports: [{port: "
                  + (80 + i)
                  + "}]}\n";
          case 2 ->
              "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: e"
                  + r.nextInt(4)
                  + "\n  namespace: "
                  + ns
                  + "\n  labels: {kubernetes.io/service-name: "
                  + SERVICES[r.nextInt(2)]
                  + "}\naddressType: IPv4\nendpoints: []\n";
          case 3 ->
              "apiVersion: v1\nkind: Secret\ntype: "
                  + (r.nextInt(4) == 0 ? "Opaque" : "kubernetes.io/tls")
                  + "\nmetadata: {name: "
                  + SECRETS[r.nextInt(2)]
                  + ", namespace: "
                  + ns
                  + "}\n";
          default ->
              "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: c"
                  + r.nextInt(2)
                  + "}\nspec: {controller: x/"
                  + i
                  + "}\n";
        };
    return Serialization.unmarshal(yaml);
  }

  @Test
  void withGivesWhatOfGivesAndKeepsTheVersionOfKindsThatDidNotChange() {
    Random random = new Random(3);
    Map<ObjectRef, HasMetadata> objects = new LinkedHashMap<>();
    InMemoryClusterState state = InMemoryClusterState.of(List.of());
    for (int step = 0; step < 400; step++) {
      List<HasMetadata> changed = new ArrayList<>();
      List<ObjectRef> removed = new ArrayList<>();
      for (int k = 0; k < 1 + random.nextInt(3); k++) {
        HasMetadata o = randomObject(random, step);
        if (random.nextInt(4) == 0 && objects.containsKey(ObjectRef.of(o))) {
          objects.remove(ObjectRef.of(o));
          changed.removeIf(c -> ObjectRef.of(c).equals(ObjectRef.of(o)));
          removed.add(ObjectRef.of(o));
        } else {
          objects.put(ObjectRef.of(o), o);
          removed.remove(ObjectRef.of(o));
          changed.add(o);
        }
      }
      InMemoryClusterState next = state.with(changed, removed);
      InMemoryClusterState expected = InMemoryClusterState.of(objects.values());
      assertSameAnswers(next, expected, "step " + step);
      for (ResourceKind kind : ResourceKind.values()) {
        boolean touched =
            changed.stream().anyMatch(c -> c.getKind().equals(kind.kindName()))
                || removed.stream().anyMatch(r -> r.kind().equals(kind.kindName()));
        if (!touched) {
          assertThat(next.version(kind))
              .as("%s at step %d", kind, step)
              .isSameAs(state.version(kind));
        }
      }
      state = next;
    }
  }

  private static void assertSameAnswers(ClusterState actual, ClusterState expected, String when) {
    assertThat(actual.counts()).as(when).isEqualTo(expected.counts());
    assertThat(actual.ingresses())
        .as(when)
        .containsExactlyInAnyOrderElementsOf(expected.ingresses());
    assertThat(actual.ingressClasses())
        .as(when)
        .containsExactlyInAnyOrderElementsOf(expected.ingressClasses());
    for (String ns : List.of("a", "b")) {
      for (String service : SERVICES) {
        assertThat(actual.service(ns, service)).as(when).isEqualTo(expected.service(ns, service));
        assertThat(actual.endpointSlices(ns, service))
            .as(when)
            .containsExactlyInAnyOrderElementsOf(expected.endpointSlices(ns, service));
      }
      for (String secret : SECRETS) {
        assertThat(actual.tlsSecret(ns, secret)).as(when).isEqualTo(expected.tlsSecret(ns, secret));
        assertThat(actual.referencedSecret(ns, secret))
            .as(when)
            .isEqualTo(expected.referencedSecret(ns, secret));
        assertThat(actual.ingressesReferencingSecret(ns, secret))
            .as(when)
            .containsExactlyInAnyOrderElementsOf(expected.ingressesReferencingSecret(ns, secret));
      }
    }
  }
}
