package dev.weir.contract.snapshot;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The routes of one host name. Made with {@link #of(String, List)}, {@link #builder(String)} or
 * {@link #retainingCertificate}; the canonical constructor is the JSON decoder's, where null is how
 * an absent field reads.
 *
 * @param host an exact name ({@code foo.example.com}), a single-label wildcard ({@code
 *     *.example.com}: matches {@code a.example.com}, not {@code example.com} nor {@code
 *     a.b.example.com}) or {@code *} for requests whose host no other virtual host claims (an
 *     Ingress rule without a host)
 * @param certificate id of the certificate served for this host over TLS; absent: the default one,
 *     unless {@code retainCertificate}
 * @param retainCertificate a certificate is configured for this host but cannot be served now (its
 *     Secret is invalid or missing and the publisher has no good copy): keep serving the snapshot
 *     certificate this data plane served the host before, or the default if it served none (a
 *     freshly started data plane). Only without {@code certificate}, never on {@code *} (which has
 *     no SNI name of its own). Absent: false. The operator sets it because data planes outlive
 *     operator restarts, which lose the operator's in-memory last good certificates.
 * @param routes path rules; order does not matter: Exact beats Prefix, the longest Prefix wins
 * @param defaultBackend backend id for requests of this host that no route matches; absent: the
 *     snapshot's default backend, else 404
 * @param hsts the Strict-Transport-Security header of this host's HTTPS responses; absent: none
 * @param clientAuth client-certificate authentication; absent: no client certificate is asked for
 * @param passthroughBackend id of the backend TLS connections for this host are relayed to
 *     untouched (chosen by the ClientHello's SNI, balanced per connection); such a host has no
 *     certificate, routes or other settings of its own. Absent: TLS is terminated.
 * @param hostRedirect every request of this host is redirected to another host ({@code
 *     from-to-www-redirect}); such a host has no routes, default backend or passthrough of its own,
 *     only a certificate for its HTTPS requests. Absent: none (schema version 5).
 */
public record VirtualHost(
    String host,
    String certificate,
    // A wrapper so that absent reads as false (FAIL_ON_NULL_FOR_PRIMITIVES refuses a missing
    // primitive); left out of the JSON when false, so snapshots that never retain read as before.
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) Boolean retainCertificate,
    List<Route> routes,
    String defaultBackend,
    Hsts hsts,
    ClientAuth clientAuth,
    String passthroughBackend,
    HostRedirect hostRedirect) {
  public static final String ANY_HOST = "*";

  public VirtualHost {
    retainCertificate = Boolean.TRUE.equals(retainCertificate);
    routes = routes == null ? List.of() : List.copyOf(routes);
  }

  /** A virtual host that does not retain a certificate. */
  public VirtualHost(String host, String certificate, List<Route> routes, String defaultBackend) {
    this(host, certificate, false, routes, defaultBackend);
  }

  /** A virtual host without HSTS, client authentication or passthrough. */
  public VirtualHost(
      String host,
      String certificate,
      Boolean retainCertificate,
      List<Route> routes,
      String defaultBackend) {
    this(host, certificate, retainCertificate, routes, defaultBackend, null, null, null);
  }

  /** A virtual host without a host redirect. */
  public VirtualHost(
      String host,
      String certificate,
      Boolean retainCertificate,
      List<Route> routes,
      String defaultBackend,
      Hsts hsts,
      ClientAuth clientAuth,
      String passthroughBackend) {
    this(
        host,
        certificate,
        retainCertificate,
        routes,
        defaultBackend,
        hsts,
        clientAuth,
        passthroughBackend,
        null);
  }

  /** Whether TLS for this host is relayed to {@link #passthroughBackend()} untouched. */
  @JsonIgnore
  public boolean isPassthrough() {
    return passthroughBackend != null;
  }

  /** A host with these routes only: no certificate of its own, no default backend of its own. */
  public static VirtualHost of(String host, List<Route> routes) {
    return builder(host).routes(routes).build();
  }

  /** A virtual host whose configured certificate is unusable now: see {@code retainCertificate}. */
  public static VirtualHost retainingCertificate(
      String host, List<Route> routes, String defaultBackend) {
    return new VirtualHost(host, null, true, routes, defaultBackend);
  }

  /** A builder of host {@code host}: no routes, certificate or default backend of its own. */
  public static Builder builder(String host) {
    return new Builder(host);
  }

  /** A builder holding this host's parts, to build one that differs in a few. */
  public Builder toBuilder() {
    return new Builder(host)
        .certificate(certificate)
        .retainCertificate(retainCertificate)
        .routes(routes)
        .defaultBackend(defaultBackend)
        .hsts(hsts)
        .clientAuth(clientAuth)
        .passthroughBackend(passthroughBackend)
        .hostRedirect(hostRedirect);
  }

  /** Builds a {@link VirtualHost}. */
  public static final class Builder {
    private final String host;
    private String certificate;
    private boolean retainCertificate;
    private List<Route> routes = List.of();
    private String defaultBackend;
    private Hsts hsts;
    private ClientAuth clientAuth;
    private String passthroughBackend;
    private HostRedirect hostRedirect;

    private Builder(String host) {
      this.host = host;
    }

    /** Id of the certificate served for this host; null: the default one. */
    public Builder certificate(String id) {
      certificate = id;
      return this;
    }

    /** See {@code retainCertificate} of {@link VirtualHost}. */
    public Builder retainCertificate(boolean value) {
      retainCertificate = value;
      return this;
    }

    public Builder routes(List<Route> value) {
      routes = value;
      return this;
    }

    public Builder routes(Route... value) {
      return routes(List.of(value));
    }

    /** Backend id for this host's unmatched paths; null: the snapshot's default. */
    public Builder defaultBackend(String id) {
      defaultBackend = id;
      return this;
    }

    /** The Strict-Transport-Security of HTTPS responses; null: none. */
    public Builder hsts(Hsts value) {
      hsts = value;
      return this;
    }

    /** Client-certificate authentication; null: none. */
    public Builder clientAuth(ClientAuth value) {
      clientAuth = value;
      return this;
    }

    /** Backend id TLS connections are relayed to untouched; null: TLS is terminated. */
    public Builder passthroughBackend(String id) {
      passthroughBackend = id;
      return this;
    }

    /** Every request is redirected to another host; null: none. */
    public Builder hostRedirect(HostRedirect value) {
      hostRedirect = value;
      return this;
    }

    public VirtualHost build() {
      return new VirtualHost(
          host,
          certificate,
          retainCertificate,
          routes,
          defaultBackend,
          hsts,
          clientAuth,
          passthroughBackend,
          hostRedirect);
    }
  }
}
