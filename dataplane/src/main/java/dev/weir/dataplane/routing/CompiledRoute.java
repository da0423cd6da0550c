package dev.weir.dataplane.routing;

import dev.weir.contract.snapshot.Canary;
import dev.weir.contract.snapshot.ExternalAuth;
import dev.weir.contract.snapshot.Hsts;
import dev.weir.contract.snapshot.ProxyHeaders;
import dev.weir.contract.snapshot.Rewrite;
import dev.weir.contract.snapshot.Route;
import dev.weir.contract.snapshot.RouteSettings;
import dev.weir.contract.snapshot.VirtualHost;
import dev.weir.dataplane.extauth.ExternalAuthentication;
import dev.weir.dataplane.proxy.policy.AppRoot;
import dev.weir.dataplane.proxy.policy.BodyLimit;
import dev.weir.dataplane.proxy.policy.CanarySplit;
import dev.weir.dataplane.proxy.policy.CookieAffinity;
import dev.weir.dataplane.proxy.policy.FixedRedirect;
import dev.weir.dataplane.proxy.policy.HttpsRedirect;
import dev.weir.dataplane.proxy.policy.ProxyHeaderRewrites;
import dev.weir.dataplane.proxy.policy.RequestPolicies;
import dev.weir.dataplane.proxy.policy.RequestPolicy;
import dev.weir.dataplane.proxy.policy.RewriteTarget;
import dev.weir.dataplane.proxy.policy.StrictTransportSecurity;
import dev.weir.dataplane.proxy.policy.Unavailable;
import dev.weir.dataplane.proxy.policy.UpstreamLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a request is routed to, compiled once per snapshot: a virtual host's path rule, its default
 * backend, or the snapshot's default backend. The backend is named, not held, and resolved per
 * request through the routing table: a backend whose endpoints change recompiles no route.
 *
 * @param virtualHost the virtual host's name, normalised; null for the snapshot's default backend
 * @param backendId the backend requests go to, unless a policy chooses otherwise
 * @param policies what runs for each request before it is proxied
 * @param ingress {@code namespace/name} of the Ingress owning the path, for the access log; null
 *     when the snapshot names none (a default backend, a snapshot file)
 * @param accessLog whether the route's requests are written to the access log
 * @param errorPages the route's custom errors and fallback backend; null: none
 */
public record CompiledRoute(
    String virtualHost,
    String backendId,
    RequestPolicies policies,
    String ingress,
    boolean accessLog,
    ErrorPages errorPages) {

  public CompiledRoute(String virtualHost, String backendId, RequestPolicies policies) {
    this(virtualHost, backendId, policies, null, true, null);
  }

  /**
   * A route as the snapshot describes it today: every route carries the same edge policies, then
   * its host's ({@code hostPolicies}: client-certificate authentication). When routes carry
   * settings (annotations), they are compiled here, per rule, into policies after these.
   */
  static CompiledRoute compile(String virtualHost, String backendId, RequestPolicies hostPolicies) {
    return new CompiledRoute(virtualHost, backendId, RequestPolicies.EDGE.then(hostPolicies));
  }

  /**
   * A path rule of {@code host}: its settings and the host's compiled into policies after the edge
   * ones (the redirect before them, as it answers without proxying). A rule and host without
   * settings share {@link RequestPolicies#EDGE}, which costs a request nothing more.
   */
  static CompiledRoute compile(
      String virtualHost,
      VirtualHost host,
      Route route,
      RouteOptions options,
      RequestPolicies hostPolicies) {
    CompiledRoute compiled =
        compile(
            virtualHost,
            host,
            route.backend(),
            route.settings(),
            route.canary(),
            route.path(),
            options,
            hostPolicies);
    if (route.ingress() == null
        && route.settings().logsAccess()
        && route.settings().customErrors() == null) {
      return compiled;
    }
    return new CompiledRoute(
        virtualHost,
        compiled.backendId(),
        compiled.policies(),
        route.ingress(),
        route.settings().logsAccess(),
        ErrorPages.compile(route.settings().customErrors(), route.ingress()));
  }

  /** The default backend of {@code host}: the host's settings only. */
  static CompiledRoute compileDefault(
      String virtualHost, VirtualHost host, RouteOptions options, RequestPolicies hostPolicies) {
    return compile(
        virtualHost,
        host,
        host.defaultBackend(),
        RouteSettings.NONE,
        null,
        "/",
        options,
        hostPolicies);
  }

  private static CompiledRoute compile(
      String virtualHost,
      VirtualHost host,
      String backendId,
      RouteSettings settings,
      Canary canary,
      String path,
      RouteOptions options,
      RequestPolicies hostPolicies) {
    Hsts hsts = host.hsts();
    // The access-log switch and custom errors are no policies: the exchange reads them.
    if (settings.toBuilder().accessLog(true).customErrors(null).build().isNone()
        && hsts == null
        && canary == null) {
      return compile(virtualHost, backendId, hostPolicies);
    }
    // nginx's order: app-root (server level), return (a fixed redirect), a rewrite to a URL, then
    // ingress-nginx's HTTPS redirect, which runs after the location's rewrite directives.
    List<RequestPolicy> before = new ArrayList<>();
    List<RequestPolicy> after = new ArrayList<>();
    if (canary != null) {
      // First of what follows the edge: whatever reads the backend (affinity, timeouts) reads the
      // one it chose.
      after.add(new CanarySplit(canary, backendId, settings.affinity()));
    }
    Rewrite rewrite = settings.rewrite();
    if (rewrite != null && rewrite.appRoot() != null) {
      before.add(new AppRoot(rewrite.appRoot()));
    }
    if (settings.redirect() != null) {
      before.add(new FixedRedirect(settings.redirect()));
    }
    if (rewrite != null && rewrite.target() != null) {
      RewriteTarget policy =
          new RewriteTarget(path, rewrite.target(), rewrite.redirects(), rewrite.forwardedPrefix());
      // A rewrite that proxies runs after the edge policies, which reset X-Forwarded-* headers.
      (rewrite.redirects() ? before : after).add(policy);
    }
    if (settings.redirectsToHttps()) {
      before.add(new HttpsRedirect(options.httpsRedirectPort(), !settings.keepsTrailingSlash()));
    }
    if (settings.maxBodyBytes() != null) {
      after.add(new BodyLimit(settings.maxBodyBytes()));
    }
    if (settings.timeouts() != null
        || settings.upstreamTries() != null
        || settings.retry() != null) {
      after.add(
          new UpstreamLimits(settings.timeouts(), settings.upstreamTries(), settings.retry()));
    }
    if (hsts != null) {
      after.add(new StrictTransportSecurity(hsts));
    }
    if (settings.affinity() != null) {
      after.add(
          new CookieAffinity(
              settings.affinity(),
              path,
              canary == null ? Map.of() : CanarySplit.backendTags(canary, backendId)));
    }
    after.addAll(AccessPolicies.compile(settings, options.rateLimits()));
    ProxyHeaders proxyHeaders = settings.proxyHeaders();
    if (proxyHeaders != null) {
      // After the edge policies: X-Forwarded-Host keeps the client's Host, as ingress-nginx's
      // $best_http_host does.
      after.add(
          proxyHeaders.isUnavailable()
              ? Unavailable.INSTANCE
              : new ProxyHeaderRewrites(proxyHeaders));
    }
    ExternalAuth auth = settings.externalAuth();
    if (auth != null && auth.isUnavailable()) {
      after.add(Unavailable.INSTANCE);
    }
    RequestPolicies policies =
        RequestPolicies.of(before)
            .then(RequestPolicies.EDGE)
            .then(hostPolicies)
            .then(RequestPolicies.of(after));
    if (auth != null && !auth.isUnavailable()) {
      // nginx's auth_request runs last in the access phase, after allow/deny and auth_basic.
      policies = policies.thenDecide(new ExternalAuthentication(auth, options.authClient()));
    }
    return new CompiledRoute(virtualHost, backendId, policies);
  }
}
