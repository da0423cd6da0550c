package dev.weir.dataplane.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.contract.snapshot.Affinity;
import dev.weir.contract.snapshot.Hsts;
import dev.weir.contract.snapshot.PathType;
import dev.weir.contract.snapshot.Route;
import dev.weir.contract.snapshot.RouteSettings;
import dev.weir.contract.snapshot.Timeouts;
import dev.weir.contract.snapshot.VirtualHost;
import dev.weir.dataplane.proxy.policy.BodyLimit;
import dev.weir.dataplane.proxy.policy.CookieAffinity;
import dev.weir.dataplane.proxy.policy.ForwardedHeaders;
import dev.weir.dataplane.proxy.policy.HttpsRedirect;
import dev.weir.dataplane.proxy.policy.RequestId;
import dev.weir.dataplane.proxy.policy.RequestPolicies;
import dev.weir.dataplane.proxy.policy.RequestPolicy;
import dev.weir.dataplane.proxy.policy.StrictTransportSecurity;
import dev.weir.dataplane.proxy.policy.UpstreamLimits;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompiledRouteTest {
  private static final RouteOptions OPTIONS = new RouteOptions(8443);

  @Test
  void aRouteAndHostWithoutSettingsShareTheEdgePolicies() {
    VirtualHost host = VirtualHost.builder("a.test").defaultBackend("web").build();
    CompiledRoute route =
        CompiledRoute.compile(
            "a.test", host, Route.prefix("/", "web"), OPTIONS, RequestPolicies.NONE);
    assertThat(route.policies()).isSameAs(RequestPolicies.EDGE);
    assertThat(
            CompiledRoute.compileDefault("a.test", host, OPTIONS, RequestPolicies.NONE).policies())
        .isSameAs(RequestPolicies.EDGE);
  }

  @Test
  void settingsCompileIntoPoliciesTheRedirectBeforeTheEdgeOnes() {
    RouteSettings settings =
        RouteSettings.builder()
            .redirectToHttps(true)
            .maxBodyBytes(1024L)
            .timeouts(new Timeouts(1_000, 2_000))
            .upstreamTries(2)
            .affinity(Affinity.builder().build())
            .build();
    VirtualHost host = VirtualHost.builder("a.test").hsts(Hsts.DEFAULT).build();
    List<RequestPolicy> policies =
        CompiledRoute.compile(
                "a.test",
                host,
                new Route(PathType.PREFIX, "/app", "web", settings),
                OPTIONS,
                RequestPolicies.NONE)
            .policies()
            .asList();
    assertThat(policies)
        .hasExactlyElementsOfTypes(
            HttpsRedirect.class,
            ForwardedHeaders.class,
            RequestId.class,
            BodyLimit.class,
            UpstreamLimits.class,
            StrictTransportSecurity.class,
            CookieAffinity.class);
    assertThat(policies.get(0)).hasToString("HttpsRedirect[port=8443]");
  }

  @Test
  void aHostsHstsAppliesToItsDefaultBackendToo() {
    VirtualHost host =
        VirtualHost.builder("a.test").hsts(Hsts.DEFAULT).defaultBackend("web").build();
    assertThat(
            CompiledRoute.compileDefault("a.test", host, OPTIONS, RequestPolicies.NONE)
                .policies()
                .asList())
        .hasExactlyElementsOfTypes(
            ForwardedHeaders.class, RequestId.class, StrictTransportSecurity.class);
  }
}
