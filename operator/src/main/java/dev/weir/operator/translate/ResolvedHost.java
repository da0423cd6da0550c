package dev.weir.operator.translate;

import static dev.weir.operator.translate.IngressSyntax.DEFAULT_CERTIFICATE;

import dev.weir.contract.host.HostName;
import dev.weir.contract.snapshot.Affinity;
import dev.weir.contract.snapshot.Canary;
import dev.weir.contract.snapshot.Certificate;
import dev.weir.contract.snapshot.ClientAuth;
import dev.weir.contract.snapshot.CustomErrors;
import dev.weir.contract.snapshot.HostRedirect;
import dev.weir.contract.snapshot.Hsts;
import dev.weir.contract.snapshot.PathType;
import dev.weir.contract.snapshot.ProxyHeaders;
import dev.weir.contract.snapshot.RetryPolicy;
import dev.weir.contract.snapshot.Route;
import dev.weir.contract.snapshot.RouteSettings;
import dev.weir.contract.snapshot.Timeouts;
import dev.weir.contract.snapshot.VirtualHost;
import dev.weir.contract.tls.CertificateCheck;
import dev.weir.operator.annotations.BackendAnnotations;
import dev.weir.operator.annotations.ClientAuthAnnotations;
import dev.weir.operator.annotations.ConfigMapRef;
import dev.weir.operator.annotations.ErrorAnnotations;
import dev.weir.operator.annotations.HostAnnotations;
import dev.weir.operator.annotations.HstsAnnotations;
import dev.weir.operator.annotations.PathAnnotations;
import dev.weir.operator.annotations.SecretRef;
import dev.weir.operator.state.ClusterIndexes;
import dev.weir.operator.state.ObjectRef;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What one host contributes to a translation, decided from the Ingresses that claim it alone: its
 * virtual host, the certificate it uses, the Secret that won it, its diagnostics and the backends
 * its routes use.
 *
 * <p>Ingresses only compete within a host (and for the default backend, see {@link
 * ResolvedDefaultBackend}), oldest first: the first to route a path (by path and type) or to name a
 * Secret for the host wins it, the others get a diagnostic. This is the single definition of that
 * rule; the full translator resolves every host, the incremental one the hosts whose claimants or
 * Secret changed.
 *
 * <p>The host's settings follow ingress-nginx's merge of its Ingresses (docs/annotations.md): a
 * route's settings come from the Ingress that owns its path; client authentication and HSTS from
 * the oldest Ingress of the host that sets them; the host is relayed untouched (passthrough) as
 * soon as one of them sets {@code ssl-passthrough}, to the backend of its path {@code /}.
 *
 * @param host a virtual host name, or {@link IngressSyntax#DEFAULT_CERTIFICATE} for the default
 *     certificate
 * @param virtualHost null for a host no rule claims (only named by TLS entries)
 * @param certificate the certificate the winning Secret gives, or null
 * @param secretKey {@code namespace/name} of the Secret that won the host, or null
 * @param secretsSeen the Secrets of any type the host's settings were read from (client
 *     authentication, basic authentication) and the instances read
 * @param configMapsSeen the ConfigMaps the host's routes were read from ({@code custom-headers})
 *     and the instances read
 * @param claims the names the host asks for besides its own ({@code server-alias}, {@code
 *     from-to-www-redirect}), which {@link SecondaryHosts} decides on
 */
record ResolvedHost(
    String host,
    VirtualHost virtualHost,
    Certificate certificate,
    String secretKey,
    List<Diagnostic> diagnostics,
    List<BackendUse> uses,
    List<SecretSeen> secretsSeen,
    List<RouteHeaders.ConfigMapSeen> configMapsSeen,
    List<SecondaryHosts.Claim> claims) {

  /** A Secret's outcome, by namespace and name. */
  @FunctionalInterface
  interface SecretOutcomes {
    CertificateResolver.Outcome outcome(String namespace, String name);
  }

  /** A Secret of any type an annotation names, by namespace and name; null when missing. */
  @FunctionalInterface
  interface SecretLookup {
    Secret secret(String namespace, String name);
  }

  /**
   * A Secret the host's settings were read from ({@code auth-tls-secret}, {@code auth-secret}) and
   * the instance read (null: missing), so a cache can tell when it changed.
   */
  record SecretSeen(SecretRef ref, Secret seen) {}

  /** A route and the Ingress that owns it (the first to declare its path and type). */
  private record Owned(BackendUse use, ParsedIngress owner) {}

  /** The canary of a route: the canary Ingress's use of its backend, and its rules. */
  private record Attached(BackendUse use, Canary canary, ParsedIngress by) {}

  private static final RouteKey ROOT = new RouteKey("/", PathType.PREFIX);
  private static final RouteKey EXACT_ROOT = new RouteKey("/", PathType.EXACT);
  private static final String CLIENT_AUTH_FAILS_CLOSED = "the host refuses requests";

  /**
   * @param ruled the Ingresses with a rule for {@code host}, oldest first ({@link
   *     ParsedIngress#AGE})
   * @param tlsNamed the Ingresses with a TLS entry for {@code host}, oldest first
   * @param https the controller's redirect and HSTS defaults
   * @param allowedResponseHeaders the header names {@code custom-headers} may set
   * @param retry the controller's retry policy, under each path's annotations
   */
  static ResolvedHost resolve(
      String host,
      Iterable<ParsedIngress> ruled,
      Iterable<ParsedIngress> tlsNamed,
      SecretOutcomes secrets,
      SecretLookup referenced,
      RouteHeaders.ConfigMapLookup configMaps,
      HttpsDefaults https,
      List<String> allowedResponseHeaders,
      RetryPolicy retry) {
    List<Diagnostic> found = new ArrayList<>();
    Map<RouteKey, Owned> routes = new TreeMap<>();
    boolean hasRule = false;
    // Host-level settings, as ingress-nginx merges them: from the first (oldest) Ingress of the
    // host that sets them; passthrough as soon as one does.
    ParsedIngress passthroughBy = null;
    ParsedIngress clientAuthBy = null;
    ParsedIngress hstsBy = null;
    ParsedIngress aliasesBy = null;
    List<ParsedIngress> canaries = new ArrayList<>();
    for (ParsedIngress p : ruled) {
      if (p.canary()) {
        canaries.add(p);
        continue;
      }
      hasRule = true;
      for (ParsedIngress.PathRule rule : p.rules().get(host)) {
        Owned existing = routes.get(rule.key());
        if (existing == null) {
          routes.put(rule.key(), new Owned(rule.backend(), p));
        } else if (!existing.use().id().equals(rule.backend().id())) {
          found.add(
              Diagnostic.conflictingPath(
                  p.ref(), host, rule.key().type(), rule.key().path(), existing.use().user()));
        }
      }
      HostAnnotations settings = p.settings().host();
      if (settings.sslPassthrough() && passthroughBy == null) {
        passthroughBy = p;
      }
      if (settings.clientAuth().isPresent()) {
        clientAuthBy =
            firstSetting(
                clientAuthBy, p, host, "auth-tls-secret", found, HostAnnotations::clientAuth);
      }
      if (!settings.hsts().equals(HstsAnnotations.NONE)) {
        hstsBy = firstSetting(hstsBy, p, host, "weir.dev/hsts", found, HostAnnotations::hsts);
      }
      if (!settings.names().aliases().isEmpty()) {
        // ingress-nginx: the aliases of the first Ingress of the server that sets any.
        aliasesBy =
            firstSetting(aliasesBy, p, host, "server-alias", found, h -> h.names().aliases());
      }
    }
    boolean hasTls = false;
    ObjectRef owner = null;
    String ownerSecret = null;
    for (ParsedIngress p : tlsNamed) {
      hasTls = true;
      for (String secret : p.tls().get(host)) {
        if (owner == null) {
          owner = p.ref();
          ownerSecret = secret;
        } else if (!owner.namespace().equals(p.ref().namespace()) || !ownerSecret.equals(secret)) {
          found.add(Diagnostic.conflictingCertificate(p.ref(), host, owner, ownerSecret, secret));
        }
      }
    }
    Owned relayed = passthroughBy == null ? null : relayed(host, routes, passthroughBy, found);
    Certificate certificate = null;
    boolean retain = false;
    String secretKey = null;
    if (owner != null) {
      secretKey = ClusterIndexes.key(owner.namespace(), ownerSecret);
      CertificateResolver.Outcome outcome = secrets.outcome(owner.namespace(), ownerSecret);
      if (outcome.problem() != null) {
        found.add(new Diagnostic(owner, outcome.problem(), outcome.message()));
      }
      if (outcome.notReady() != null) {
        found.add(new Diagnostic(owner, Reason.CERTIFICATE_NOT_READY, outcome.notReady()));
      }
      certificate = outcome.certificate();
      // The default certificate (and "*", which stands in for it) has no way to say "retain" in a
      // snapshot: it falls back to the data plane's own default. Nor does a passthrough host,
      // which Weir serves no certificate for.
      retain =
          certificate == null
              && outcome.retain()
              && relayed == null
              && !host.equals(DEFAULT_CERTIFICATE)
              && !host.equals(VirtualHost.ANY_HOST);
    }
    VirtualHost virtualHost = null;
    List<BackendUse> uses = new ArrayList<>();
    List<SecretSeen> secretsSeen = new ArrayList<>();
    List<RouteHeaders.ConfigMapSeen> configMapsSeen = new ArrayList<>();
    List<SecondaryHosts.Claim> claims = List.of();
    ParsedIngress wwwBy = wwwRedirectBy(ruled, routes);
    Map<RouteKey, Attached> canaryOf =
        canaries(
            host,
            canaries,
            routes,
            relayed != null ? "the host is relayed untouched (ssl-passthrough)" : null,
            found);
    if (relayed != null) {
      uses.add(relayed.use());
      ObjectRef by = passthroughBy.ref();
      routes.forEach(
          (key, route) -> {
            if (route != relayed) {
              found.add(
                  Diagnostic.pathOnPassthroughHost(route.owner().ref(), host, key.path(), by));
            }
          });
      virtualHost = VirtualHost.builder(host).passthroughBackend(relayed.use().id()).build();
      String relayedWhy = "the host is relayed untouched (ssl-passthrough)";
      if (aliasesBy != null) {
        for (String alias : aliasesBy.settings().host().names().aliases()) {
          found.add(Diagnostic.aliasIgnored(aliasesBy.ref(), host, alias, relayedWhy));
        }
      }
      if (wwwBy != null) {
        found.add(Diagnostic.wwwRedirectIgnored(wwwBy.ref(), host, otherWwwName(host), relayedWhy));
      }
    } else if (hasRule) {
      List<Route> list = new ArrayList<>(routes.size());
      List<ParsedIngress> owners = new ArrayList<>(routes.size());
      boolean tls = hasTls;
      // Read once per Ingress: its Secret and diagnostics, whatever number of paths it owns.
      Map<ParsedIngress, RouteAccess> accessByOwner = new IdentityHashMap<>();
      // And its custom-headers ConfigMap, when it names one.
      Map<ParsedIngress, Optional<ProxyHeaders>> headersByOwner = new IdentityHashMap<>();
      // ingress-nginx's enforceRegexModifier: one path matched as a regex makes the whole host's.
      boolean regex =
          routes.entrySet().stream()
              .anyMatch(
                  e ->
                      e.getValue()
                          .owner()
                          .settings()
                          .path()
                          .rewrite()
                          .regexPath(e.getKey().path()));
      routes.forEach(
          (key, route) -> {
            if (regex && IngressSyntax.regexPathProblem(key.path()) != null) {
              found.add(
                  Diagnostic.invalidRegexPath(
                      route.owner().ref(),
                      host,
                      key.path(),
                      IngressSyntax.regexPathProblem(key.path())
                          + " (another Ingress of the host makes its paths regular expressions)"));
              Attached canary = canaryOf.get(key);
              if (canary != null) {
                found.add(
                    Diagnostic.canaryNotAttached(
                        canary.by().ref(),
                        host,
                        key.type(),
                        key.path(),
                        "the main route's path is not a valid regular expression"));
              }
              return;
            }
            uses.add(route.use());
            Attached canary = canaryOf.get(key);
            if (canary != null) {
              uses.add(canary.use());
            }
            RouteAccess access =
                accessByOwner.computeIfAbsent(
                    route.owner(),
                    by -> {
                      RouteAccess read =
                          RouteAccess.of(
                              by.settings().path().access(), by.ref(), referenced, found);
                      if (read.secretSeen() != null) {
                        secretsSeen.add(read.secretSeen());
                      }
                      return read;
                    });
            ErrorAnnotations errors = route.owner().settings().path().errors();
            BackendUse errorBackend = RouteErrors.backend(errors, route.owner().ref());
            if (errorBackend != null) {
              uses.add(errorBackend);
            }
            RouteSettings settings =
                access.applyTo(
                    routeSettings(route.owner().settings().path(), key.path(), tls, https, retry));
            PathAnnotations path = route.owner().settings().path();
            if (path.customHeaders().isPresent()) {
              Optional<ProxyHeaders> headers =
                  headersByOwner.computeIfAbsent(
                      route.owner(),
                      by -> {
                        ConfigMapRef ref = path.customHeaders().get();
                        ConfigMap seen = configMaps.configMap(ref.namespace(), ref.name());
                        configMapsSeen.add(new RouteHeaders.ConfigMapSeen(ref, seen));
                        return Optional.ofNullable(
                            RouteHeaders.apply(
                                path.proxyHeaders().orElse(null),
                                ref,
                                seen,
                                allowedResponseHeaders,
                                by.ref(),
                                found));
                      });
              settings = settings.toBuilder().proxyHeaders(headers.orElse(null)).build();
            }
            CustomErrors customErrors = RouteErrors.of(errors, route.owner().ref(), route.use());
            if (customErrors != null) {
              settings = settings.toBuilder().customErrors(customErrors).build();
            }
            owners.add(route.owner());
            list.add(
                new Route(
                        key.type(),
                        key.path(),
                        route.use().id(),
                        settings,
                        ClusterIndexes.key(
                            route.owner().ref().namespace(), route.owner().ref().name()))
                    .withRegex(regex)
                    .withCanary(canary == null ? null : canary.canary()));
          });
      ClientAuth clientAuth = null;
      if (clientAuthBy != null) {
        ClientAuthAnnotations annotations = clientAuthBy.settings().host().clientAuth().get();
        if (annotations.failsClosed()) {
          // The refused reference has its diagnostic from the annotation's reading.
          clientAuth = ClientAuth.failClosed(annotations.verify());
        } else {
          SecretRef ref = annotations.caSecret().get();
          Secret seen = referenced.secret(ref.namespace(), ref.name());
          secretsSeen.add(new SecretSeen(ref, seen));
          clientAuth = clientAuth(annotations, ref, seen, clientAuthBy.ref(), found);
        }
      }
      virtualHost =
          VirtualHost.builder(host)
              .certificate(certificate == null ? null : certificate.id())
              .retainCertificate(retain)
              .routes(list)
              .hsts(hasTls ? hsts(hstsBy, https).orElse(null) : null)
              .clientAuth(clientAuth)
              .build();
      claims =
          claims(
              new Served(host, virtualHost, certificate, hasTls, owners, https),
              aliasesBy,
              wwwBy,
              found);
    }
    return new ResolvedHost(
        host,
        virtualHost,
        certificate,
        secretKey,
        List.copyOf(found),
        List.copyOf(uses),
        List.copyOf(secretsSeen),
        List.copyOf(configMapsSeen),
        claims);
  }

  /**
   * What a host serves, for the names standing for it.
   *
   * @param owners the Ingress owning each route of {@code virtualHost}, in its order
   */
  private record Served(
      String host,
      VirtualHost virtualHost,
      Certificate certificate,
      boolean hasTls,
      List<ParsedIngress> owners,
      HttpsDefaults https) {
    /**
     * Whether the certificate serves {@code name}, as ingress-nginx decides it for aliases and the
     * redirect server ({@code ssl.IsValidHostname} on the certificate's names).
     */
    boolean covers(String name, List<String> certificateNames) {
      return certificate != null && CertificateCheck.covers(certificateNames, name);
    }
  }

  /**
   * The other names {@code served} asks for: each alias of {@code aliasesBy}, and with {@code
   * wwwBy} the other name of its www redirect; names it cannot ask for are reported here.
   */
  private static List<SecondaryHosts.Claim> claims(
      Served served, ParsedIngress aliasesBy, ParsedIngress wwwBy, List<Diagnostic> found) {
    if (aliasesBy == null && wwwBy == null) {
      return List.of();
    }
    String host = served.host();
    List<String> certificateNames =
        served.certificate() == null
            ? List.of()
            : CertificateCheck.names(served.certificate().certificateChain());
    List<SecondaryHosts.Claim> claims = new ArrayList<>();
    if (wwwBy != null) {
      String from = otherWwwName(host);
      if (host.equals(VirtualHost.ANY_HOST) || HostName.isWildcard(host) || from == null) {
        found.add(
            Diagnostic.wwwRedirectIgnored(
                wwwBy.ref(),
                host,
                from == null ? "www." + host : from,
                "a rule without host, a wildcard host or www. alone has no other name"));
      } else {
        boolean covered = served.covers(from, certificateNames);
        claims.add(
            new SecondaryHosts.Claim(
                from,
                host,
                VirtualHost.builder(from)
                    .certificate(covered ? served.certificate().id() : null)
                    .retainCertificate(!covered && served.virtualHost().retainCertificate())
                    .hostRedirect(HostRedirect.to(host))
                    .build(),
                true,
                wwwBy.ref()));
      }
    }
    if (aliasesBy != null) {
      for (String alias : aliasesBy.settings().host().names().aliases()) {
        if (!alias.equals(host)) {
          claims.add(
              new SecondaryHosts.Claim(
                  alias,
                  host,
                  aliasHost(alias, served, served.covers(alias, certificateNames)),
                  false,
                  aliasesBy.ref()));
        }
      }
    }
    return List.copyOf(claims);
  }

  /**
   * The virtual host of alias {@code alias}: the host's routes and settings, with the certificate
   * when it covers the alias (else the default one, ingress-nginx's empty certificate entry); the
   * HTTPS redirect and HSTS then follow whether the alias has a certificate, as ingress-nginx's
   * {@code certificate_configured_for_current_request} decides them by the request's host name.
   */
  private static VirtualHost aliasHost(String alias, Served served, boolean covered) {
    VirtualHost primary = served.virtualHost();
    boolean retain = !covered && primary.retainCertificate();
    // Retained: which certificate the data plane serves is unknown here, so the host's own TLS.
    boolean tls = covered || (retain && served.hasTls());
    List<Route> routes = primary.routes();
    if (tls != served.hasTls()) {
      List<Route> changed = new ArrayList<>(routes.size());
      for (int i = 0; i < routes.size(); i++) {
        PathAnnotations path = served.owners().get(i).settings().path();
        boolean redirect = path.redirectsToHttps(tls, served.https().sslRedirect());
        Route r = routes.get(i);
        changed.add(
            r.withSettings(
                r.settings().toBuilder()
                    .redirectToHttps(redirect)
                    .keepTrailingSlash(redirect && path.rewrite().preserveTrailingSlash())
                    .build()));
      }
      routes = changed;
    }
    return VirtualHost.builder(alias)
        .certificate(covered ? served.certificate().id() : null)
        .retainCertificate(retain)
        .routes(routes)
        .defaultBackend(primary.defaultBackend())
        .hsts(tls ? primary.hsts() : null)
        .clientAuth(primary.clientAuth())
        .build();
  }

  /**
   * The name a www redirect of {@code host} answers: {@code host} without {@code www.}, or with it;
   * null when that is no host name.
   */
  static String otherWwwName(String host) {
    return IngressSyntax.host(host.startsWith("www.") ? host.substring(4) : "www." + host);
  }

  /**
   * The Ingress whose {@code from-to-www-redirect} makes the host's redirect: as ingress-nginx sets
   * it on the server when any location of it comes from an Ingress with the annotation, the oldest
   * Ingress owning a route of the host with it; null for none.
   */
  private static ParsedIngress wwwRedirectBy(
      Iterable<ParsedIngress> ruled, Map<RouteKey, Owned> routes) {
    for (ParsedIngress p : ruled) {
      if (!p.canary()
          && p.settings().host().names().fromToWwwRedirect()
          && routes.values().stream().anyMatch(o -> o.owner() == p)) {
        return p;
      }
    }
    return null;
  }

  /**
   * The canaries of a host's routes, as ingress-nginx merges canary Ingresses: each path of a
   * canary attaches to the main route of the same path and path type, oldest canary first; a path
   * that finds none, or one an older canary took, or whose backend is the main route's own, is
   * reported and ignored.
   *
   * @param refused why no route of the host can have a canary, or null
   */
  private static Map<RouteKey, Attached> canaries(
      String host,
      List<ParsedIngress> canaries,
      Map<RouteKey, Owned> routes,
      String refused,
      List<Diagnostic> found) {
    Map<RouteKey, Attached> attached = new TreeMap<>();
    for (ParsedIngress p : canaries) {
      for (ParsedIngress.PathRule rule : p.rules().get(host)) {
        RouteKey key = rule.key();
        Owned main = routes.get(key);
        String why = refused;
        Attached canary = null;
        if (why == null && main == null) {
          why = "no main (non-canary) Ingress routes this host, path and path type";
        } else if (why == null && attached.containsKey(key)) {
          why = attached.get(key).by().ref() + " is its canary already and is older";
        } else if (why == null) {
          canary = attach(p, rule, main.use());
          if (canary.use().id().equals(main.use().id())) {
            why = "its backend is the main route's own";
          }
        }
        if (why != null) {
          found.add(Diagnostic.canaryNotAttached(p.ref(), host, key.type(), key.path(), why));
        } else {
          attached.put(key, canary);
        }
      }
    }
    return attached;
  }

  /**
   * The canary {@code rule} of {@code canary} makes of a main route to {@code main}: its backend
   * balanced by its own {@code load-balance} and {@code upstream-hash-by} (ingress-nginx's upstream
   * of the canary Ingress), reached by the main route's protocol and TLS (its location's).
   */
  private static Attached attach(
      ParsedIngress canary, ParsedIngress.PathRule rule, BackendUse main) {
    BackendAnnotations own = rule.backend().settings();
    BackendAnnotations settings =
        new BackendAnnotations(
            main.settings().protocol(),
            main.settings().tls(),
            own.loadBalance(),
            own.hashBy(),
            own.serviceUpstream());
    BackendUse use =
        BackendUse.of(
            canary.ref(),
            BackendResolver.id(canary.ref().namespace(), rule.backend().backend()),
            rule.backend().backend(),
            settings);
    return new Attached(use, canary.settings().canaryRules().canary(use.id()), canary);
  }

  /**
   * The Ingress a host-level setting comes from: {@code first} if there is one already, and then
   * {@code p} hears that its differing value is not used; else {@code p}.
   */
  private static <T> ParsedIngress firstSetting(
      ParsedIngress first,
      ParsedIngress p,
      String host,
      String what,
      List<Diagnostic> found,
      Function<HostAnnotations, T> setting) {
    if (first == null) {
      return p;
    }
    if (!setting.apply(first.settings().host()).equals(setting.apply(p.settings().host()))) {
      found.add(Diagnostic.hostSettingTaken(p.ref(), host, what, first.ref()));
    }
    return first;
  }

  /**
   * The route whose backend a passthrough host relays to: the host's path {@code /}, as
   * ingress-nginx takes its root location; null (with a diagnostic) when it cannot be relayed.
   */
  private static Owned relayed(
      String host, Map<RouteKey, Owned> routes, ParsedIngress by, List<Diagnostic> found) {
    if (host.equals(VirtualHost.ANY_HOST)) {
      found.add(
          Diagnostic.passthroughIgnored(
              by.ref(), host, "a rule without a host has no SNI name to relay by"));
      return null;
    }
    Owned root = routes.containsKey(ROOT) ? routes.get(ROOT) : routes.get(EXACT_ROOT);
    if (root == null) {
      found.add(Diagnostic.passthroughIgnored(by.ref(), host, "it has no path /"));
    }
    return root;
  }

  /** A path's settings, from the annotations of the Ingress that owns it. */
  static RouteSettings routeSettings(
      PathAnnotations path,
      String routePath,
      boolean hostHasTls,
      HttpsDefaults https,
      RetryPolicy retry) {
    boolean redirect = path.redirectsToHttps(hostHasTls, https.sslRedirect());
    return RouteSettings.builder()
        .affinity(path.affinity().map(a -> withCookiePath(a, routePath)).orElse(null))
        .redirectToHttps(redirect)
        .keepTrailingSlash(redirect && path.rewrite().preserveTrailingSlash())
        .maxBodyBytes(path.maxBodyBytes().isPresent() ? path.maxBodyBytes().getAsLong() : null)
        .timeouts(path.timeouts(Timeouts.DEFAULTS).orElse(null))
        .upstreamTries(path.upstreamTries().isPresent() ? path.upstreamTries().getAsInt() : null)
        .retry(path.retry(retry).orElse(null))
        .accessLog(path.accessLog())
        .rewrite(path.rewrite().rewrite(routePath).orElse(null))
        .redirect(path.rewrite().redirect().orElse(null))
        .externalAuth(path.externalAuth().orElse(null))
        .proxyHeaders(path.proxyHeaders().orElse(null))
        .build();
  }

  /** The cookie path defaults to the path of the Ingress rule, as in ingress-nginx. */
  private static Affinity withCookiePath(Affinity a, String routePath) {
    if (a.cookiePath() != null) {
      return a;
    }
    return new Affinity(
        a.mode(),
        a.cookieName(),
        routePath,
        a.cookieDomain(),
        a.maxAgeSeconds(),
        a.expiresSeconds(),
        a.sameSite(),
        a.conditionalSameSiteNone(),
        a.secure(),
        a.changeOnFailure());
  }

  private static Optional<Hsts> hsts(ParsedIngress by, HttpsDefaults https) {
    return by == null ? https.hsts() : by.settings().host().hsts().over(https.hsts());
  }

  /** Client authentication with the CA of {@code secret}; fails closed when it is unusable. */
  private static ClientAuth clientAuth(
      ClientAuthAnnotations annotations,
      SecretRef ref,
      Secret secret,
      ObjectRef by,
      List<Diagnostic> found) {
    ReferencedSecrets.Read read =
        ReferencedSecrets.read(ref, secret, "auth-tls-secret", false, CLIENT_AUTH_FAILS_CLOSED);
    if (!read.usable()) {
      found.add(new Diagnostic(by, read.problem(), read.message()));
      return ClientAuth.failClosed(annotations.verify());
    }
    return new ClientAuth(
        read.caCertificates(),
        annotations.verify(),
        annotations.verifyDepth(),
        annotations.passCertificateToUpstream(),
        false);
  }

  /**
   * The certificate this host puts in the snapshot: its virtual host's, or for {@link
   * IngressSyntax#DEFAULT_CERTIFICATE} the default one. A TLS entry for a host no rule routes
   * resolves its Secret but ships nothing.
   */
  Certificate usedCertificate() {
    return host.equals(DEFAULT_CERTIFICATE) || (virtualHost != null && !virtualHost.isPassthrough())
        ? certificate
        : null;
  }

  /**
   * This result, with {@code previous}'s virtual host instance when they are equal: an unchanged
   * virtual host stays the same instance, cheap to compare and to compile.
   */
  ResolvedHost sharingVirtualHostOf(ResolvedHost previous) {
    if (previous == null
        || virtualHost == null
        || virtualHost == previous.virtualHost()
        || !virtualHost.equals(previous.virtualHost())) {
      return this;
    }
    return new ResolvedHost(
        host,
        previous.virtualHost(),
        certificate,
        secretKey,
        diagnostics,
        uses,
        secretsSeen,
        configMapsSeen,
        claims);
  }
}
