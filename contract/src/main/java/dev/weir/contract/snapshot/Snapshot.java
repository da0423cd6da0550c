package dev.weir.contract.snapshot;

import java.util.List;
import java.util.Objects;

/**
 * Everything a data plane needs to serve traffic, as one immutable value: the contract between the
 * operator (or a snapshot file) and the data plane. Ids tie the parts together: routes name
 * backends, virtual hosts name certificates.
 *
 * @param schemaVersion must be {@link #SCHEMA_VERSION}
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

  public static final int SCHEMA_VERSION = 1;

  public Snapshot {
    settings = Objects.requireNonNullElse(settings, Settings.DEFAULTS);
    virtualHosts = virtualHosts == null ? List.of() : List.copyOf(virtualHosts);
    backends = backends == null ? List.of() : List.copyOf(backends);
    certificates = certificates == null ? List.of() : List.copyOf(certificates);
    ticketKeys = ticketKeys == null ? List.of() : List.copyOf(ticketKeys);
  }

  /** A snapshot that routes nothing: what a data plane serves before it has received one. */
  public static Snapshot empty() {
    return new Snapshot(SCHEMA_VERSION, 0, null, null, null, null, null, null, null);
  }

  public Snapshot withVersion(long newVersion) {
    return new Snapshot(
        schemaVersion,
        newVersion,
        settings,
        virtualHosts,
        backends,
        certificates,
        ticketKeys,
        defaultBackend,
        defaultCertificate);
  }
}
