package dev.weir.contract.snapshot;

import java.util.List;
import java.util.Objects;

/**
 * Everything a data plane needs to serve traffic, as one immutable value: the contract between the
 * operator (or a snapshot file) and the data plane. Ids tie the parts together: routes name
 * backends, virtual hosts name certificates. Made with {@link #builder()}; the canonical
 * constructor is the JSON decoder's, where null is how an absent field reads.
 *
 * @param schemaVersion {@link #MIN_SCHEMA_VERSION} to {@link #SCHEMA_VERSION}; the builder writes
 *     the lowest that holds the content, so a data plane that reads only version 1 keeps working
 *     until a snapshot uses a version 2 field (route settings, HSTS, client authentication,
 *     passthrough, upstream protocols, balancing policies, send timeouts), and one that reads up to
 *     version 2 until a snapshot names the Ingresses of its routes, turns a route's access log off
 *     or asks for the PROXY protocol; version 4 adds a route's CORS, access control and rate limits
 * @param version increases with every snapshot the operator publishes
 * @param defaultBackend backend id for requests no virtual host routes; absent: 404 from Weir
 * @param defaultCertificate certificate id served for an unknown or missing SNI name; absent: a
 *     self-signed certificate generated at start
 * @param ticketKeys session ticket keys shared by every replica; absent: each replica makes its own
 */
public record Snapshot(
    int schemaVersion,
    long version,
    Settings settings,
    List<VirtualHost> virtualHosts,
    List<Backend> backends,
    List<Certificate> certificates,
    List<TicketKey> ticketKeys,
    String defaultBackend,
    String defaultCertificate) {

  /** The newest schema version: what this code reads and writes. */
  public static final int SCHEMA_VERSION = 5;

  /** The oldest schema version this code still reads. */
  public static final int MIN_SCHEMA_VERSION = 1;

  public Snapshot {
    settings = Objects.requireNonNullElse(settings, Settings.DEFAULTS);
    virtualHosts = virtualHosts == null ? List.of() : List.copyOf(virtualHosts);
    backends = backends == null ? List.of() : List.copyOf(backends);
    certificates = certificates == null ? List.of() : List.copyOf(certificates);
    ticketKeys = ticketKeys == null ? List.of() : List.copyOf(ticketKeys);
  }

  /** A snapshot that routes nothing: what a data plane serves before it has received one. */
  public static Snapshot empty() {
    return builder().build();
  }

  /**
   * A builder of a snapshot of this schema version, version 0, default settings and nothing else:
   * no virtual host, backend, certificate or ticket key, no default backend or certificate.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this snapshot's parts, to build one that differs in a few. */
  public Builder toBuilder() {
    // The schema version is not carried over: the builder writes what the content needs.
    return new Builder()
        .version(version)
        .settings(settings)
        .virtualHosts(virtualHosts)
        .backends(backends)
        .certificates(certificates)
        .ticketKeys(ticketKeys)
        .defaultBackend(defaultBackend)
        .defaultCertificate(defaultCertificate);
  }

  public Snapshot withVersion(long newVersion) {
    return toBuilder().version(newVersion).build();
  }

  /**
   * Builds a {@link Snapshot}. Lists are kept as given when they are immutable (as {@link List#of}
   * and {@link List#copyOf} make them), so a snapshot built from another shares its unchanged
   * lists: the data plane recognises shared parts by identity and compiles only what changed.
   */
  public static final class Builder {
    private int schemaVersion; // 0: the lowest that holds the content
    private long version;
    private Settings settings = Settings.DEFAULTS;
    private List<VirtualHost> virtualHosts = List.of();
    private List<Backend> backends = List.of();
    private List<Certificate> certificates = List.of();
    private List<TicketKey> ticketKeys = List.of();
    private String defaultBackend;
    private String defaultCertificate;

    private Builder() {}

    /**
     * Only to build what another schema version would send (a test of its refusal); by default the
     * lowest version that holds the content is written.
     */
    public Builder schemaVersion(int value) {
      schemaVersion = value;
      return this;
    }

    public Builder version(long value) {
      version = value;
      return this;
    }

    public Builder settings(Settings value) {
      settings = value;
      return this;
    }

    public Builder virtualHosts(List<VirtualHost> value) {
      virtualHosts = value;
      return this;
    }

    public Builder virtualHosts(VirtualHost... value) {
      return virtualHosts(List.of(value));
    }

    public Builder backends(List<Backend> value) {
      backends = value;
      return this;
    }

    public Builder backends(Backend... value) {
      return backends(List.of(value));
    }

    public Builder certificates(List<Certificate> value) {
      certificates = value;
      return this;
    }

    public Builder certificates(Certificate... value) {
      return certificates(List.of(value));
    }

    public Builder ticketKeys(List<TicketKey> value) {
      ticketKeys = value;
      return this;
    }

    /** Backend id for requests no virtual host routes; null: none (404). */
    public Builder defaultBackend(String id) {
      defaultBackend = id;
      return this;
    }

    /** Certificate id for an unknown or missing SNI name; null: a self-signed one. */
    public Builder defaultCertificate(String id) {
      defaultCertificate = id;
      return this;
    }

    public Snapshot build() {
      return new Snapshot(
          schemaVersion != 0
              ? schemaVersion
              : SchemaVersions.required(settings, virtualHosts, backends),
          version,
          settings,
          virtualHosts,
          backends,
          certificates,
          ticketKeys,
          defaultBackend,
          defaultCertificate);
    }
  }
}
